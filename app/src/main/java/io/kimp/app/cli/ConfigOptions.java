package io.kimp.app.cli;

import com.typesafe.config.Config;
import io.kimp.app.config.KimpConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command takes to find its configuration. */
public final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Operator configuration file (default: ./application.conf when present).")
  Path configFile;

  @Option(
      names = "-D",
      paramLabel = "key=value",
      mapFallbackValue = "",
      description = "Override any configuration key for this run, e.g. -Dkimp.retry.base-delay=1m.")
  Map<String, String> overrides = new LinkedHashMap<>();

  public Config load() {
    return KimpConfig.load(configFile, overrides);
  }

  /** With a mode's profile between the defaults and the operator's file. */
  public Config load(Config profile) {
    return KimpConfig.load(configFile, overrides, profile);
  }

  /** As {@link #load()}, with kimp's settings read (once) from it. */
  public KimpConfig.Loaded loaded() {
    return loaded(com.typesafe.config.ConfigFactory.empty());
  }

  /** As {@link #load(Config)}, with kimp's settings read (once) from it. */
  public KimpConfig.Loaded loaded(Config profile) {
    return KimpConfig.loaded(configFile, overrides, profile);
  }
}
