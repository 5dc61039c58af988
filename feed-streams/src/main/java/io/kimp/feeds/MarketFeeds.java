package io.kimp.feeds;

import com.typesafe.config.Config;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.OpportunitySink;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.feeds.binance.BinanceFeed;
import io.kimp.feeds.binance.BinanceFuturesFeed;
import io.kimp.feeds.fx.UsdKrwFeed;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameParsers;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.record.FrameRecorder;
import io.kimp.feeds.record.Recording;
import io.kimp.feeds.source.ConnectionHealth;
import io.kimp.feeds.source.ConnectionState;
import io.kimp.feeds.source.SymbolUniverse;
import io.kimp.feeds.source.WebSocketConnection;
import io.kimp.feeds.upbit.UpbitFeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Market data, running: every source of a configuration (Upbit, the Binance shards, the optional USD/KRW poller, or a
 * recording) merged into one {@link MarketPipeline} that keeps the {@link MarketState} and runs the
 * {@link OpportunityDetector} into an {@link OpportunitySink}. The entry point of {@code kimp run}, {@code kimp run
 * --simulate} (same, with the simulator's URLs), {@code kimp record} and {@code kimp replay}.
 */
public final class MarketFeeds {
  private static final Logger log = LoggerFactory.getLogger(MarketFeeds.class);
  /** The dispatcher id of the market-data stream (reference.conf). */
  public static final String DISPATCHER = "kimp.feeds.dispatcher";

  /**
   * Optional hooks: a frame tap (recording), a decision probe (benchmarks, latency metrics) and the clock of planned
   * rotations (tests: a manual one).
   */
  public record Options(MarketPipeline.FrameTap tap, MarketPipeline.DecisionProbe probe, FeedTimers timers) {
    public static Options none() {
      return new Options(null, null, FeedTimers.WALL_CLOCK);
    }

    public Options withTap(MarketPipeline.FrameTap t) {
      return new Options(t, probe, timers);
    }

    public Options withProbe(MarketPipeline.DecisionProbe p) {
      return new Options(tap, p, timers);
    }

    public Options withTimers(FeedTimers t) {
      return new Options(tap, probe, t);
    }
  }

  private final FeedSettings settings;
  private final MarketState state;
  private final OpportunityDetector detector;
  private final MarketPipeline pipeline;
  private final List<ConnectionState> connections;
  private final Map<FeedVenue, FrameStats> stats;
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;

  private MarketFeeds(
      FeedSettings settings,
      MarketState state,
      OpportunityDetector detector,
      MarketPipeline pipeline,
      List<ConnectionState> connections,
      Map<FeedVenue, FrameStats> stats,
      UniqueKillSwitch killSwitch,
      CompletionStage<Done> done) {
    this.settings = settings;
    this.state = state;
    this.detector = detector;
    this.pipeline = pipeline;
    this.connections = connections;
    this.stats = stats;
    this.killSwitch = killSwitch;
    this.done = done;
  }

  // ---------------------------------------------------------------- starting

  /**
   * {@code kimp run}: reads {@code kimp.feeds.*} (and the strategy, fee and portfolio keys the detector needs) from
   * {@code config}, resolves {@code auto} symbols from the venues' market lists, and starts everything.
   */
  public static CompletionStage<MarketFeeds> start(
      ClassicActorSystemProvider system, Config config, OpportunitySink sink, Options options) {
    FeedSettings s = FeedSettings.from(config);
    OpportunityDetector.Settings ds = s.detector(config);
    return resolveSymbols(system, s).thenApply(resolved -> start(system, resolved, ds, sink, options));
  }

  /**
   * The settings with {@code auto} resolved to the coins listed on both venues (unchanged if a list is configured), and,
   * when the futures feed runs, the perpetuals listed on Binance futures (if that list cannot be read, every watched coin
   * is subscribed and the failure logged: an unlisted coin then simply has no perpetual quote).
   */
  public static CompletionStage<FeedSettings> resolveSymbols(ClassicActorSystemProvider system, FeedSettings s) {
    CompletionStage<FeedSettings> spot = !s.autoSymbols()
        ? CompletableFuture.completedFuture(s)
        : SymbolUniverse.common(system, s.upbit().restUrl(), s.binance().restUrl()).thenApply(s::withSymbols);
    if (!s.futuresEnabled() || s.binanceFutures().perpetuals() != null) {
      return spot;
    }
    return spot.thenCompose(
        resolved -> SymbolUniverse.perpetuals(system, resolved.binanceFutures().restUrl())
            .handle(
                (listed, err) -> {
                  if (err != null) {
                    log.warn("cannot read the perpetuals listed at {} ({}): subscribing every watched coin's",
                        resolved.binanceFutures().restUrl(), err.getMessage());
                    return resolved;
                  }
                  List<String> perps = new ArrayList<>();
                  for (String c : resolved.symbols()) {
                    if (listed.contains(c)) {
                      perps.add(c);
                    }
                  }
                  if (perps.size() < resolved.symbols().size()) {
                    List<String> none = new ArrayList<>(resolved.symbols());
                    none.removeAll(perps);
                    log.info("no USDT-M perpetual for {}: these coins are never hedged", none);
                  }
                  return resolved.withBinanceFutures(resolved.binanceFutures().withPerpetuals(perps));
                }));
  }

  /** Starts the live sources for resolved settings (a symbol list, not {@code auto}). */
  public static MarketFeeds start(
      ClassicActorSystemProvider system,
      FeedSettings s,
      OpportunityDetector.Settings detectorSettings,
      OpportunitySink sink,
      Options options) {
    return start(system, s, detectorSettings, MarketState.live(s.staleAfter()), sink, options);
  }

  /**
   * As above, into a {@link MarketState} made beforehand ({@code MarketState.live(settings.staleAfter())}): the cycles'
   * dependencies and the paper gateway can be built with it before the first opportunity is offered.
   */
  public static MarketFeeds start(
      ClassicActorSystemProvider system,
      FeedSettings s,
      OpportunityDetector.Settings detectorSettings,
      MarketState state,
      OpportunitySink sink,
      Options options) {
    if (s.autoSymbols()) {
      throw new IllegalArgumentException("resolve the symbols first (resolveSymbols)");
    }
    CoinResolver coins = CoinResolver.of(s.symbols());
    Map<FeedVenue, FrameStats> stats = new EnumMap<>(FeedVenue.class);
    for (FeedVenue v : FeedVenue.values()) {
      stats.put(v, new FrameStats(v));
    }
    List<ConnectionState> connections = new ArrayList<>();
    List<Source<List<RawFrame>, NotUsed>> sources = new ArrayList<>();

    ConnectionState upbit = new ConnectionState("upbit");
    connections.add(upbit);
    sources.add(UpbitFeed.source(system, s, coins, stats.get(FeedVenue.UPBIT), upbit));

    List<List<String>> shards =
        BinanceFeed.shards(BinanceFeed.streams(s.symbols(), s.binance().streams()), s.binance().maxStreamsPerConnection());
    for (int i = 0; i < shards.size(); i++) {
      ConnectionState c = new ConnectionState("binance-" + i);
      connections.add(c);
      sources.add(
          BinanceFeed.shard(system, s, shards.get(i), coins, stats.get(FeedVenue.BINANCE), c, options.timers()));
    }
    if (s.futuresEnabled()) {
      List<String> perps = s.binanceFutures().coins(s.symbols());
      List<List<String>> futureShards =
          BinanceFeed.shards(BinanceFuturesFeed.streams(perps), s.binanceFutures().maxStreamsPerConnection());
      for (int i = 0; i < futureShards.size(); i++) {
        ConnectionState c = new ConnectionState(BinanceFuturesFeed.connectionName(i));
        connections.add(c);
        sources.add(
            BinanceFuturesFeed.shard(
                system, s, futureShards.get(i), coins, stats.get(FeedVenue.BINANCE_FUTURES), c, options.timers()));
      }
    }
    if (s.usdKrwConfigured()) {
      ConnectionState fx = new ConnectionState("fx-usd-krw");
      connections.add(fx);
      sources.add(UsdKrwFeed.source(system, s, stats.get(FeedVenue.FX), fx));
    }
    return run(system, s, state, detectorSettings, sink, options, merge(sources), connections, stats);
  }

  /**
   * {@code kimp replay FILE}: drives the same pipeline from a recording. Freshness is judged at the recorded receive times
   * ({@link MarketState#replay}), so a recording is as fresh when replayed as it was live. {@code speed} 0 = as fast as
   * possible; 1.0 = recorded pace. Bad lines go to {@code bad}. {@link #done()} completes at the recording's end.
   */
  public static MarketFeeds replay(
      ClassicActorSystemProvider system,
      FeedSettings s,
      OpportunityDetector.Settings detectorSettings,
      Path recording,
      double speed,
      Recording.BadLineHandler bad,
      OpportunitySink sink,
      Options options) {
    return replay(
        system, s, detectorSettings, MarketState.replay(s.staleAfter()), recording, speed, bad, sink, options);
  }

  /**
   * As above, into a {@link MarketState} made beforehand ({@code MarketState.replay(settings.staleAfter())}): the paper
   * gateways and the cycles' market view must be the state the recording is replayed into, or they see no books.
   */
  public static MarketFeeds replay(
      ClassicActorSystemProvider system,
      FeedSettings s,
      OpportunityDetector.Settings detectorSettings,
      MarketState state,
      Path recording,
      double speed,
      Recording.BadLineHandler bad,
      OpportunitySink sink,
      Options options) {
    FrameParsers parsers =
        new FrameParsers(s.autoSymbols() ? CoinResolver.open() : CoinResolver.of(s.symbols()), s.fx().jsonPointer());
    Map<FeedVenue, FrameStats> stats = new EnumMap<>(FeedVenue.class);
    for (FeedVenue v : FeedVenue.values()) {
      stats.put(v, parsers.stats(v));
    }
    Source<List<RawFrame>, NotUsed> frames =
        Recording.source(recording, bad, speed)
            .map(parsers::parse)
            .batch(1024, WebSocketConnection::firstOfBatch, WebSocketConnection::addToBatch);
    return run(system, s, state, detectorSettings, sink, options, frames, List.of(), stats);
  }

  /**
   * {@code kimp record}: records every frame of the live sources for {@code duration} into {@code out} (the market state
   * is kept too, but no opportunity is offered). Completes with the frames written per venue.
   */
  public static CompletionStage<Map<FeedVenue, Long>> record(
      ClassicActorSystemProvider system, FeedSettings resolved, Path out, Duration duration) {
    FrameRecorder recorder;
    try {
      recorder = new FrameRecorder(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
    OpportunityDetector.Settings quiet =
        new OpportunityDetector.Settings(
            Duration.ZERO,
            new OpportunityRule.Settings(Double.MAX_VALUE, 1, 0.01, TradingCosts.defaults()));
    MarketFeeds feeds = start(system, resolved, quiet, o -> {}, Options.none().withTap(recorder::record));
    CompletableFuture<Done> stopped = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> feeds.stop().whenComplete((d, e) -> stopped.complete(Done.getInstance())));
    return stopped.thenApply(
        d -> {
          try {
            recorder.close();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + out, e);
          }
          return recorder.counts();
        });
  }

  /** Runs the pipeline over any source of frame batches (tests and benchmarks use this with their own sources). */
  public static MarketFeeds run(
      ClassicActorSystemProvider system,
      FeedSettings s,
      MarketState state,
      OpportunityDetector.Settings detectorSettings,
      OpportunitySink sink,
      Options options,
      Source<List<RawFrame>, NotUsed> frames,
      List<ConnectionState> connections,
      Map<FeedVenue, FrameStats> stats) {
    OpportunityDetector detector = new OpportunityDetector(state, detectorSettings, sink);
    MarketPipeline pipeline = new MarketPipeline(state, detector, options.tap(), options.probe(), stats);
    Pair<UniqueKillSwitch, CompletionStage<Done>> running =
        frames
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.foreach(pipeline::onFrames), Keep.both())
            .withAttributes(dispatcher(system))
            .run(Materializer.matFromSystem(system));
    return new MarketFeeds(
        s, state, detector, pipeline, List.copyOf(connections), stats, running.first(), running.second());
  }

  /**
   * The market-data stream (every connection's parsing, the merge, state and detector: one fused stream) runs on
   * {@value #DISPATCHER}, one thread of its own: it stays on one warm core instead of hopping between the default
   * dispatcher's threads (eight by default, on any core count) and queueing behind whatever else runs there. Falls back to
   * the default dispatcher if the configuration lacks it.
   */
  private static Attributes dispatcher(ClassicActorSystemProvider system) {
    return system.classicSystem().dispatchers().hasDispatcher(DISPATCHER)
        ? ActorAttributes.dispatcher(DISPATCHER)
        : Attributes.none();
  }

  private static Source<List<RawFrame>, NotUsed> merge(List<Source<List<RawFrame>, NotUsed>> sources) {
    if (sources.size() == 1) {
      return sources.get(0);
    }
    Source<List<RawFrame>, NotUsed> merged = sources.get(0);
    for (int i = 1; i < sources.size(); i++) {
      merged = merged.merge(sources.get(i));
    }
    return merged;
  }

  // ---------------------------------------------------------------- running

  /** The market as the feeds see it: the {@code MarketView} and {@code BookView} to hand to cycles and paper gateways. */
  public MarketState market() {
    return state;
  }

  public OpportunityDetector.Stats detectorStats() {
    return detector.stats();
  }

  public FeedSettings settings() {
    return settings;
  }

  /** Frame counters of a venue. */
  public FrameStats frameStats(FeedVenue venue) {
    return stats.get(venue);
  }

  public List<ConnectionState> connections() {
    return connections;
  }

  public FeedHealth health() {
    long now = System.currentTimeMillis();
    List<ConnectionHealth> conns = new ArrayList<>();
    boolean healthy = true;
    for (ConnectionState c : connections) {
      ConnectionHealth h = c.snapshot(now);
      conns.add(h);
      healthy &= h.connected() && h.lastMessageAge() != null && h.lastMessageAge().compareTo(settings.staleAfter()) <= 0;
    }
    Map<String, Long> frames = new LinkedHashMap<>();
    Map<String, Long> events = new LinkedHashMap<>();
    Map<String, Map<String, Long>> rejected = new LinkedHashMap<>();
    stats.forEach(
        (v, st) -> {
          frames.put(v.wireName(), st.frames());
          events.put(v.wireName(), st.events());
          rejected.put(v.wireName(), st.rejectedByReason());
        });
    OpportunityDetector.Stats d = detector.stats();
    return new FeedHealth(
        healthy, conns, frames, events, rejected, state.duplicates(), d.evaluated(), d.suppressedStale(),
        d.suppressedCooldown(), d.offered(), pipeline.failures());
  }

  /** Completes when the pipeline ends: after {@link #stop()}, or at the end of a replayed recording. */
  public CompletionStage<Done> done() {
    return done;
  }

  /** Closes every connection and ends the pipeline. */
  public CompletionStage<Done> stop() {
    killSwitch.shutdown();
    return done;
  }
}
