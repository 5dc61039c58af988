package io.kimp.app.cli;

import com.typesafe.config.Config;
import io.kimp.app.config.KimpConfig;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.MarketFeeds;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = "Record the venues' raw market-data frames, one JSON line each: "
        + "{\"t\":<epoch ms received>,\"venue\":\"upbit\"|\"binance\"|\"fx\",\"frame\":\"<raw frame>\"}.")
final class RecordCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the recording.")
  Path out;

  @Option(names = "--symbols", split = ",", paramLabel = "SYM",
      description = "Coins to record (default: kimp.feeds.symbols).")
  List<String> symbols;

  @Option(names = "--duration", defaultValue = "60s", description = "How long to record, e.g. 90s, 10m (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--simulate", description = "Record the built-in exchange simulator instead of the venues.")
  boolean simulate;

  @Override
  public Integer call() throws Exception {
    KimpConfig.Loaded loaded = config.loaded();
    Config c = Tools.localSystemConfig(loaded.config());
    Duration d = Duration.parse("PT" + duration.toUpperCase());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "kimp-record", c);
    ExchangeSimulator sim = null;
    try {
      FeedSettings fs = loaded.settings().market().feeds();
      if (symbols != null && !symbols.isEmpty()) {
        fs = fs.withSymbols(symbols.stream().map(String::toUpperCase).toList());
      }
      if (simulate) {
        sim = ExchangeSimulator.start(system, SimulatorConfig.defaults()
                .withCoins(fs.autoSymbols() ? SimulatorConfig.DEFAULT_COINS : fs.symbols()))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        fs = fs.withEndpoints(sim.upbitWebSocketUrl(), sim.upbitRestUrl(), sim.binanceWebSocketUrl(),
            sim.binanceRestUrl(), fs.usdKrwConfigured() ? sim.usdKrwUrl() : null)
            .withFuturesEndpoints(sim.binanceFuturesWebSocketUrl(), sim.binanceFuturesRestUrl());
      }
      FeedSettings resolved = MarketFeeds.resolveSymbols(system, fs).toCompletableFuture().get(60, TimeUnit.SECONDS);
      System.err.println("recording " + resolved.symbols().size() + " coins for " + d + " into " + out);
      Map<FeedVenue, Long> frames =
          MarketFeeds.record(system, resolved, out, d).toCompletableFuture().get(d.toSeconds() + 60, TimeUnit.SECONDS);
      System.err.println("recorded " + frames);
      return 0;
    } finally {
      if (sim != null) {
        sim.close();
      }
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
