package io.kimp.feeds;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.strategy.Opportunity;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.source.ConnectionState;
import io.kimp.feeds.upbit.UpbitFeed;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.FuturesConfig;
import io.kimp.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;

/** Test helper: the exchange simulator on loopback, and feeds configured to use it. */
public final class SimulatedVenues implements AutoCloseable {
  private final ExchangeSimulator sim;
  private final List<Opportunity> offered = new CopyOnWriteArrayList<>();
  private UniqueKillSwitch upbitOnly;

  private SimulatedVenues(ExchangeSimulator sim) {
    this.sim = sim;
  }

  public static SimulatedVenues start(ActorSystem<?> system, SimulatorConfig config) throws Exception {
    return new SimulatedVenues(ExchangeSimulator.start(system, config).toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  /** With the simulator's Binance USDT-M futures venue configured. */
  public static SimulatedVenues start(ActorSystem<?> system, SimulatorConfig config, FuturesConfig futures)
      throws Exception {
    return new SimulatedVenues(
        ExchangeSimulator.start(system, config, futures).toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  /** A constant premium regime over {@code coins}, {@code rate} updates per second. */
  public static SimulatedVenues start(ActorSystem<?> system, double premium, List<String> coins, double rate)
      throws Exception {
    return start(
        system,
        SimulatorConfig.defaults().withCoins(coins).withPremium(premium, 0, Duration.ofMinutes(1))
            .withUpdatesPerSecond(rate));
  }

  public ExchangeSimulator sim() {
    return sim;
  }

  public List<Opportunity> offered() {
    return offered;
  }

  /** The feeds' config: {@code overrides}, then the simulator's URLs and test-friendly timings, then the defaults. */
  public Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(
            ConfigFactory.parseString(
                "kimp.feeds.upbit.websocket-url = \"" + sim.upbitWebSocketUrl() + "\"\n"
                    + "kimp.feeds.upbit.rest-url = \"" + sim.upbitRestUrl() + "\"\n"
                    + "kimp.feeds.binance.websocket-url = \"" + sim.binanceWebSocketUrl() + "\"\n"
                    + "kimp.feeds.binance.rest-url = \"" + sim.binanceRestUrl() + "\"\n"
                    + "kimp.feeds.binance-futures.websocket-url = \"" + sim.binanceFuturesWebSocketUrl() + "\"\n"
                    + "kimp.feeds.binance-futures.rest-url = \"" + sim.binanceFuturesRestUrl() + "\"\n"
                    + "kimp.feeds.reconnect.min-backoff = 200ms\n"
                    + "kimp.feeds.reconnect.max-backoff = 2s\n"
                    + "kimp.feeds.opportunity-cooldown = 100ms\n"
                    + "kimp.feeds.symbols = [" + String.join(",", sim.config().coins()) + "]\n"))
        .withFallback(ConfigFactory.load());
  }

  /** Live feeds on the simulator, opportunities collected in {@link #offered()}. */
  public MarketFeeds startFeeds(ActorSystem<?> system, String overrides) {
    return startFeeds(system, overrides, MarketFeeds.Options.none());
  }

  public MarketFeeds startFeeds(ActorSystem<?> system, String overrides, MarketFeeds.Options options) {
    Config c = config(overrides);
    FeedSettings s = FeedSettings.from(c);
    OpportunityDetector.Settings ds = s.detector(c);
    return MarketFeeds.start(system, s, ds, offered::add, options);
  }

  /** Only the Upbit source, subscribing {@code coins} as given (unvalidated: tests send what Upbit refuses). */
  public FrameStats upbitOnly(ActorSystem<?> system, String overrides, List<String> coins, ConnectionState state) {
    FeedSettings s = FeedSettings.from(config(overrides)).withSymbols(coins);
    FrameStats stats = new FrameStats(FeedVenue.UPBIT);
    upbitOnly =
        UpbitFeed.source(system, s, CoinResolver.open(), stats, state)
            .viaMat(KillSwitches.single(), Keep.right())
            .to(Sink.ignore())
            .run(system);
    return stats;
  }

  public void stopUpbitOnly() {
    if (upbitOnly != null) {
      upbitOnly.shutdown();
    }
  }

  @Override
  public void close() {
    stopUpbitOnly();
    sim.close();
  }
}
