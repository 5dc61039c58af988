package io.kimp.backtest.bench;

import io.kimp.backtest.cli.BacktestBenchCommand;
import picocli.CommandLine;

/**
 * Runs {@code kimp bench backtest} without the app: {@code java -cp <module jar>:<dependencies>
 * io.kimp.backtest.bench.BacktestBench [--rows N] [--iterations N] [--replay-moments N] [--dir D] [--keep]}.
 */
public final class BacktestBench {
  private BacktestBench() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new BacktestBenchCommand()).execute(args));
  }
}
