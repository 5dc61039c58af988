package io.kimp.app.cli;

import picocli.CommandLine.Command;

/** The {@code kimp} command line. */
@Command(
    name = "kimp",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Kimchi-premium arbitrage engine.",
    subcommands = {
      RunCommand.class,
      RecordCommand.class,
      ReplayCommand.class,
      ConfigCommand.class,
      JournalCommand.class,
      DlqCommand.class,
      PreflightCommand.class,
      TradingCommand.class,
      ProjectionsCommand.class,
      BackupCommand.class,
      io.kimp.backtest.cli.BacktestCommand.class,
      io.kimp.simulator.cli.SimulatorCommand.class,
    })
public final class KimpCommand {}
