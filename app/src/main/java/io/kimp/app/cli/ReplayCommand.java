package io.kimp.app.cli;

import com.typesafe.config.Config;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.config.KimpSettings;
import io.kimp.gateway.TradingMode;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.app.operator.OperatorActions;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunitySink;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.record.TickPrinter;
import io.kimp.gateway.Gateways;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a recording (from kimp record).",
      "With --ticks: print the normalized events as JSON lines; bad lines are reported on stderr with their number.",
      "Without: drive the live pipeline (market state, opportunities, paper cycles) from the recording, then print what "
          + "the cycles did. Uses its own data under data/replay."
    })
final class ReplayCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Parameters(index = "0", paramLabel = "FILE", description = "The recording.")
  Path file;

  @Option(names = "--ticks", description = "Print normalized events instead of trading on them.")
  boolean ticks;

  @Option(names = "--speed", defaultValue = "0",
      description = "Pace: 0 = as fast as possible, 1 = as recorded (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(names = "--wait", defaultValue = "2m",
      description = "After the recording ends, wait this long at most for open cycles to close (default: ${DEFAULT-VALUE}).")
  String await;

  @Override
  public Integer call() throws Exception {
    if (ticks) {
      FeedSettings fs = config.loaded().settings().market().feeds();
      TickPrinter.Summary s = TickPrinter.print(file, System.out, System.err, fs.fx().jsonPointer());
      System.err.println(s);
      return 0;
    }
    KimpConfig.Loaded loaded = config.loaded(KimpConfig.profile("kimp-replay.conf"));
    Config c = loaded.config();
    KimpSettings settings = loaded.settings();
    FeedSettings fs = settings.market().feeds();
    AtomicReference<MarketState> state = new AtomicReference<>();
    AtomicLong offered = new AtomicLong();
    AtomicLong badLines = new AtomicLong();
    try (KimpNode node =
        KimpNode.start(c, settings, system -> {
          // freshness is judged at the recording's times: the same rule as live, on the recorded clock
          MarketState market = MarketState.replay(fs.staleAfter(), settings.market().plausibility());
          state.set(market);
          return new NodeComponents(Gateways.create(settings.gateways(), system, market, () -> KimpNode.paperLedgerDatabase(system, settings.storage().database())), market, alert -> {}, Clock.systemUTC());
        }, settings.node().tradingMode() == TradingMode.PAPER)) {
      ClusterSharding sharding = ClusterSharding.get(node.system());
      OpportunitySink toCycles = o -> {
        offered.incrementAndGet();
        sharding.entityRefFor(ArbitrageCycle.ENTITY_KEY, o.symbol())
            .tell(new ArbitrageCycle.Start(o, node.system().ignoreRef()));
      };
      MarketFeeds feeds =
          MarketFeeds.replay(node.system(), fs, settings.market().detector(), state.get(), file, speed,
              (line, why, text) -> {
                badLines.incrementAndGet();
                System.err.println(file + ":" + line + ": " + why + " (skipped)");
              },
              toCycles,
              MarketFeeds.Options.none());
      feeds.done().toCompletableFuture().get();
      System.err.println("recording replayed: " + offered.get() + " opportunities offered, " + badLines.get()
          + " bad lines skipped");
      Instant deadline = Instant.now().plus(Duration.parse("PT" + await.toUpperCase()));
      List<OperatorActions.CycleRow> open;
      do {
        open = node.operator().cycles(OperatorActions.CycleQuery.open(1000)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (open.isEmpty() || Instant.now().isAfter(deadline)) {
          break;
        }
        Thread.sleep(500); // the command's own thread waiting for the cycles, not an actor
      } while (true);
      for (OperatorActions.CycleRow r :
          node.operator().cycles(new OperatorActions.CycleQuery(null, null, false, 1000, 0)).toCompletableFuture()
              .get(30, TimeUnit.SECONDS)) {
        System.out.println(r.cycleId() + " " + r.symbol() + " " + r.direction() + " " + r.status()
            + (r.netProfitKrw() != null ? " net " + r.netProfitKrw().toPlainString() + " KRW" : ""));
      }
      return 0;
    }
  }

}
