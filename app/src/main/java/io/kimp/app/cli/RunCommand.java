package io.kimp.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.node.CleanTermination;
import io.kimp.app.node.TradingNode;
import io.kimp.app.state.StateGuard;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a trading node: live market data from Upbit and Binance, premiums and opportunities, arbitrage cycles "
          + "(paper trading unless kimp.trading.mode = live), the admin API and the Telegram notifier. Open cycles "
          + "resume from the journal at start; Ctrl-C leaves the cluster and stops cleanly.",
      "With --simulate it runs offline against the built-in exchange simulator (its own data under data/simulate)."
    })
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--simulate", description = "Offline: trade (on paper) against the in-process exchange simulator.")
  boolean simulate;

  @Option(names = "--faults",
      description = "With --simulate: the paper venues inject failures, lost replies and stuck transfers, so retries "
          + "and the dead-letter queue can be seen.")
  boolean faults;

  @Option(names = "--live-gateways",
      description = "With --simulate: trade in live mode, the live Upbit and Binance gateways (signed requests, "
          + "pre-flight) talking to the simulator's private REST, with simulator-only keys (kimp-simulate-live.conf).")
  boolean liveGateways;

  @Option(names = "--tls",
      description = "With --simulate: the simulator serves wss:// and https:// (a certificate generated at start, or "
          + "kimp.simulator.tls.key-store), and the node's feeds and gateways trust exactly that certificate.")
  boolean tls;

  @Option(names = "--discard-state", paramLabel = "DATA_DIR",
      description = "Start over: moves this node's state aside (the H2 database files, the journal high-water mark, "
          + "kimp 0.1 ledger files), each renamed <name>.discarded-<time>, and prints each one. The value must be the "
          + "data directory (kimp.data-dir) as an absolute path, as a refusal at start prints it.")
  String discardState;

  @Override
  public Integer call() throws Exception {
    Config profile = ConfigFactory.empty();
    if (simulate) {
      profile = KimpConfig.profile("kimp-simulate.conf");
      if (faults) {
        profile = KimpConfig.profile("kimp-simulate-faults.conf").withFallback(profile);
      }
      if (liveGateways) {
        profile = KimpConfig.profile("kimp-simulate-live.conf").withFallback(profile);
      }
      if (tls) {
        profile = ConfigFactory.parseString("kimp.simulator.tls.enabled = on").withFallback(profile);
      }
    } else if (liveGateways) {
      System.err.println("--live-gateways only applies with --simulate");
      return 2;
    } else if (tls) {
      System.err.println("--tls only applies with --simulate");
      return 2;
    } else if (faults) {
      System.err.println("--faults only applies with --simulate (for paper faults set kimp.paper.faults.*)");
      return 2;
    }
    KimpConfig.Loaded loaded = config.loaded(profile);
    if (discardState != null) {
      StateGuard.of(loaded.settings().storage()).discard(discardState, System.err);
    }
    CleanTermination.onSigtermExitZero();
    TradingNode node = TradingNode.start(loaded.config(), loaded.settings(), simulate);
    io.kimp.app.http.AdminSettings admin = loaded.settings().admin().api();
    System.out.println("kimp dashboard: http://" + node.admin().address().getHostString() + ":" + node.admin().port()
        + "/ui/  (sign in with the admin token: "
        + (admin.token().isEmpty() ? "in " + admin.tokenFile().toAbsolutePath() : "KIMP_ADMIN_TOKEN / kimp.admin.token")
        + ")");
    node.awaitTermination();
    return 0;
  }
}
