package io.kimp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Entry point of the benchmark jar ({@code benchmarks/target/kimp-bench.jar}; {@code ./kimp bench …} runs it): the
 * {@code bench} commands that used to live in kimp.jar, and JMH. The node JVMs the harnesses start are the product's own
 * {@code app/target/kimp.jar} ({@code --jar}).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new BenchCommand());
  }

  /** {@code jmh [JMH options]}: hands every argument to JMH's own command line (the JMH benchmarks in this jar). */
  @Command(
      name = "jmh",
      description = "Runs JMH on the benchmarks in this jar with JMH's own options, e.g. 'jmh ParsePremiumBenchmark' "
          + "or 'jmh -l' (JMH's help: 'jmh -h').")
  static final class Jmh implements Callable<Integer> {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      org.openjdk.jmh.Main.main(args.toArray(String[]::new));
      return 0;
    }
  }
}
