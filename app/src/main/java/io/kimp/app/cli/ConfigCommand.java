package io.kimp.app.cli;

import com.typesafe.config.Config;
import io.kimp.app.config.ConfigDump;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Validate the configuration and print it (secrets masked), with where each value comes from.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(arity = "0..1", paramLabel = "PATH", description = "Subtree to print (default: kimp).")
  String path = "kimp";

  @Override
  public Integer call() {
    Config c = config.load();
    System.out.println(ConfigDump.render(c, path));
    return 0;
  }
}
