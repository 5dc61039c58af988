package io.kimp.app.cli;

import picocli.CommandLine.Command;

/** The {@code kimp} command line. */
@Command(
    name = "kimp",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Kimchi-premium arbitrage engine.",
    subcommands = {
      ConfigCommand.class,
      JournalCommand.class,
      DlqCommand.class,
      TradingCommand.class,
      ProjectionsCommand.class,
      io.kimp.app.bench.BenchCommand.class,
    })
public final class KimpCommand {}
