package io.kimp.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.LatencyProbe;
import io.kimp.core.market.Book;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.gateway.Gateways;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kimp bench latency} (issue 13, point 5): from the moment the {@link OpportunityDetector} offers an opportunity to
 * the moment the first byte of the first order (the initial leg's Binance market BUY) reaches the venue, on a real node
 * in this JVM: the sharded {@code ArbitrageCycle}, the {@code Portfolio} singleton and the journal (a file H2, or a
 * PostgreSQL schema), the live Binance and Upbit gateways against the fake venues on loopback. The stages come from the
 * product's {@link LatencyProbe} (capital request persisted, capital granted, intent persisted, request signed) and from
 * a relay in front of the fake Binance (first byte); all are {@code System.nanoTime} in this JVM.
 *
 * <p>Opportunities are offered one at a time: each is timed alone. By default the next one waits until the previous
 * cycle completed (withdrawals over the fake chain, the rebalance leg), so it meets an otherwise idle node; with
 * {@code --overlap} it goes as soon as the previous order was sent, while earlier cycles finish in the background. A
 * symbol is reused only once its entity is idle again, so several symbols rotate.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = "Detector offer → first byte of the first order at the (fake) venue, p50/p90/p99/max per stage, on "
        + "H2 and PostgreSQL: a real node in this JVM, live gateways against the fake venues on loopback.")
public final class LatencyBench implements java.util.concurrent.Callable<Integer> {
  static final String BINANCE_KEY = "latency-binance-key";
  static final String BINANCE_SECRET = "latency-binance-secret-0123456789abcdef0123456789abcdef";
  static final String UPBIT_KEY = "latency-upbit-access-key";
  static final String UPBIT_SECRET = "latency-upbit-secret-0123456789abcdef0123456789abcdef0123456789";

  /** The stage columns, in path order; each is the time from the previous mark. */
  static final String[] STAGES = {
    "detector offer → the entity takes the start",
    "→ CapitalRequested persisted",
    "→ capital granted (portfolio asked meanwhile)",
    "→ StepRequested intent persisted (0: prepared)",
    "→ order signed (effect runner, gateway)",
    "→ first byte at the venue (HTTP client)",
    "end to end: offer → first byte"
  };

  @Option(names = "--db", defaultValue = "h2,postgresql", split = ",",
      description = "h2, postgresql, or both (default: ${DEFAULT-VALUE}).")
  List<String> databases;

  @Mixin PostgresOptions pg = new PostgresOptions();

  @Option(names = "--cycles", defaultValue = "300", description = "Timed opportunities per database (default: ${DEFAULT-VALUE}).")
  int cycles;

  @Option(names = "--warmup", defaultValue = "200", description = "Untimed opportunities first, at least "
      + "(default: ${DEFAULT-VALUE}); then more until the JIT has settled (--jit-settled).")
  int warmup;

  @Option(names = "--jit-settled", defaultValue = "2",
      description = "After --warmup, keep warming up until the JIT compiled at most this percent of one core over the "
          + "last " + SETTLE_WINDOW + " opportunities (default: ${DEFAULT-VALUE}; 0: exactly --warmup). A compiler "
          + "thread takes one of the two cores while it runs: a young JVM's compilations land on the measured path.")
  double jitSettledPercent;

  @Option(names = "--warmup-max", defaultValue = "1200",
      description = "Time from here even if the JIT has not settled (default: ${DEFAULT-VALUE}).")
  int warmupMax;

  @Option(names = "--symbols", defaultValue = "SOL,ADA,DOGE,TRX,LINK,DOT,AVAX,ETH,NEAR,SUI,APT,AAVE", split = ",",
      description = "Coins that rotate (default: ${DEFAULT-VALUE}); each needs kimp.transfer.coins settings.")
  List<String> symbols;

  @Option(names = "--overlap",
      description = "Offer the next opportunity while earlier cycles still run their later steps in the background "
          + "(default: wait until the previous cycle completed, so each opportunity meets an otherwise idle node).")
  boolean overlap;

  @Option(names = "--settle", defaultValue = "0",
      description = "Milliseconds to wait after the previous cycle completed before each opportunity, so that what its "
          + "completion set off (the read side's projections, the capital's release) is over and the path is measured "
          + "alone (default: ${DEFAULT-VALUE}: the next opportunity at once, as when the market offers one).")
  long settleMs;

  @Spec CommandSpec spec;

  /**
   * The JIT's share of one core over the last {@code window} opportunities: the compile time the JVM reports (summed
   * over its compiler threads) against the wall time.
   */
  static final class JitWarmth {
    private final int window;
    private final java.util.ArrayDeque<long[]> marks = new java.util.ArrayDeque<>();
    private final java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();

    JitWarmth(int window) {
      this.window = window;
    }

    /** An opportunity begins. */
    void mark() {
      marks.addLast(new long[] {System.nanoTime(), jit.getTotalCompilationTime()});
      if (marks.size() > window + 1) {
        marks.removeFirst();
      }
    }

    /** Percent of one core over the last {@code window} opportunities; infinite until there were that many. */
    double busyPercent() {
      if (marks.size() < window + 1) {
        return Double.POSITIVE_INFINITY;
      }
      long[] first = marks.getFirst();
      long[] last = marks.getLast();
      return 100.0 * TimeUnit.MILLISECONDS.toNanos(last[1] - first[1]) / (last[0] - first[0]);
    }

    String describe() {
      return Double.isInfinite(busyPercent())
          ? "not judged yet (fewer than " + window + " opportunities)"
          : String.format(Locale.ROOT, "compiled %.2f %% of one core over the last %d opportunities", busyPercent(),
              window);
    }
  }

  /** The marks of the opportunity in flight (one at a time). */
  private static final class Marks {
    final String symbol;
    final long[] at = new long[7]; // offer, start taken, capital requested, granted, intent, signed, first byte
    final CompletableFuture<Void> ordered = new CompletableFuture<>();
    /** Why the entity refused the start (or the ask failed), when it did. */
    volatile String refused;

    Marks(String symbol) {
      this.symbol = symbol;
    }

    void mark(int i, long nanos) {
      if (at[i] == 0) {
        at[i] = nanos;
      }
    }
  }

  private volatile Marks current;
  /** Per database: the sorted times (ns) of single journal writes, each alone. */
  private final Map<String, long[]> writesAlone = new LinkedHashMap<>();
  /** Per database: how the warm-up ended. */
  private final Map<String, String> warmedUp = new LinkedHashMap<>();
  /** Opportunities over which the JIT's share of a core is judged. */
  static final int SETTLE_WINDOW = 25;
  /** Per database: each timed opportunity's window on {@link System#nanoTime}, {offer, first byte}, in timed order. */
  private final Map<String, long[][]> windows = new LinkedHashMap<>();
  /** The collector's pauses and the JIT's compilations while the benchmark runs. */
  private JvmActivity jvm;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    // one INFO line per persisted cycle event would measure the console, not the path
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.kimp"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    out.printf(Locale.ROOT, "kimp bench latency: %d timed opportunities per database after %s, one at a time "
        + "(%s), %d symbols rotating; java %s, %d cores; load average at start: %s%n", cycles,
        jitSettledPercent <= 0 ? warmup + " warm-up"
            : String.format(Locale.ROOT, "at least %d warm-up, more until the JIT compiles at most %s %% of one core "
                + "(at most %d)", warmup, jitSettledPercent, Math.max(warmup, warmupMax)),
        overlap ? "earlier cycles still running in the background"
            : "each after the previous cycle completed" + (settleMs > 0 ? " and " + settleMs + " ms more" : ""),
        symbols.size(),
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadAverage());
    out.flush();
    Map<String, long[][]> results = new LinkedHashMap<>();
    Map<String, Integer> discarded = new LinkedHashMap<>();
    LatencyProbe.install(this::probe);
    try (JvmActivity activity = JvmActivity.record()) {
      jvm = activity;
      for (String db : databases) {
        String kind = db.trim().toLowerCase(Locale.ROOT);
        Path dataDir = Files.createTempDirectory("kimp-bench-latency-");
        try (BenchDatabase database = kind.equals("h2") ? BenchDatabase.h2() : BenchDatabase.postgres(pg.url, pg.user)) {
          int[] lost = new int[1];
          results.put(database.label, run(out, database, dataDir, lost));
          discarded.put(database.label, lost[0]);
        } finally {
          try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
      }
      activity.catchUp(); // the recorder delivers what happened up to the end
    } finally {
      LatencyProbe.install(null);
    }
    print(out, results, discarded);
    results.keySet().forEach(db -> printJvmActivity(out, db, results.get(db), windows.get(db)));
    out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
    out.flush();
    return 0;
  }

  private void probe(LatencyProbe.Stage stage, String symbol) {
    Marks m = current;
    if (m == null || !m.symbol.equals(symbol)) {
      return; // a background cycle (its rebalance leg, another symbol)
    }
    long now = System.nanoTime();
    switch (stage) {
      case START_TAKEN -> m.mark(1, now);
      case CAPITAL_REQUESTED_PERSISTED -> m.mark(2, now);
      case CAPITAL_GRANTED -> m.mark(3, now);
      case INTENT_PERSISTED -> m.mark(4, now);
      case REQUEST_SIGNED -> m.mark(5, now);
    }
  }

  private void ordered(String venueSymbol, String side, long firstByte) {
    Marks m = current;
    if (m != null && side.equals("BUY") && venueSymbol.equals(m.symbol + "USDT") && m.at[6] == 0) {
      m.at[6] = firstByte;
      m.ordered.complete(null);
    }
  }

  /** Runs warm-up and the timed opportunities on one database; returns the stage times (ns) of each timed one. */
  private long[][] run(PrintWriter out, BenchDatabase db, Path dataDir, int[] lost) throws Exception {
    FakeChain chain = new FakeChain(Duration.ofMillis(50));
    try (FakeBinance binance = FakeBinance.start(chain, BINANCE_KEY, BINANCE_SECRET);
        FakeUpbit upbit = FakeUpbit.start(chain, UPBIT_KEY, UPBIT_SECRET);
        OrderTap tap = new OrderTap(binance.port(), this::ordered)) {
      binance.setBalance("USDT", new BigDecimal("1000000000"));
      upbit.setBalance("KRW", new BigDecimal("1000000000000")).enforceRateLimit(false); // background legs only
      FixedMarketView rebalanceQuotes = new FixedMarketView();
      for (String s : symbols) {
        binance.setPrice(s, new BigDecimal("1.999"), new BigDecimal("2.0")).setWithdrawFee(s, new BigDecimal("0.01"));
        upbit.setPrice(s, new BigDecimal("2899"), new BigDecimal("2900")).setWithdrawFee(s, new BigDecimal("0.01"));
        rebalanceQuotes.quote(s, "2820", "2.02", "1400"); // carries the capital home with a profit
      }
      Config config = config(db, dataDir, tap.baseUrl(), upbit.baseUrl());
      try (KimpNode node = KimpNode.start(config, system -> new NodeComponents(
          Gateways.create(io.kimp.gateway.GatewaySettings.from(config), system, MarketState.live(Duration.ofSeconds(10)),
              () -> KimpNode.paperLedgerDatabase(system, io.kimp.persistence.DatabaseSettings.fromConfig(config))),
          rebalanceQuotes, new RecordingAlertSink(), Clock.systemUTC()))) {
        MarketState market = MarketState.live(Duration.ofSeconds(10));
        OpportunityDetector detector = new OpportunityDetector(market,
            new OpportunityDetector.Settings(Duration.ZERO,
                new OpportunityRule.Settings(0.5, 1_000_000, 0.01, CoreSettings.costs(config))),
            o -> offer(node, o));
        List<long[]> timed = new ArrayList<>();
        List<long[]> timedWindows = new ArrayList<>();
        int[] prepared = new int[1];
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        JitWarmth warmth = new JitWarmth(SETTLE_WINDOW);
        int warmed = 0;
        int attempted = 0;
        boolean timing = false;
        for (int i = 0; attempted < cycles && System.nanoTime() < deadline; i++) {
          if (!timing) {
            warmth.mark();
            if (warmed >= warmup && (jitSettledPercent <= 0 || warmth.busyPercent() <= jitSettledPercent
                || warmed >= warmupMax)) {
              timing = true;
              warmedUp.put(db.label, String.format(Locale.ROOT, "%d warm-up opportunities (%s)", warmed,
                  jitSettledPercent <= 0 ? "a fixed number"
                      : warmth.busyPercent() <= jitSettledPercent ? "the JIT " + warmth.describe() + ": settled"
                      : "--warmup-max reached; the JIT " + warmth.describe()));
            } else {
              warmed++;
              if (warmed % 100 == 0) {
                out.printf(Locale.ROOT, "  %s: %d warm-up opportunities; the JIT %s%n", db.label, warmed,
                    warmth.describe());
                out.flush();
              }
            }
          }
          if (timing) {
            attempted++;
          }
          String s = symbols.get(i % symbols.size());
          if (!overlap && i > 0) {
            awaitIdle(node, symbols.get((i - 1) % symbols.size())); // the previous cycle completed: nothing else runs
          }
          awaitIdle(node, s);
          if (settleMs > 0) {
            Thread.sleep(settleMs); // the benchmark's own pacing, not a wait for an actor
          }
          Marks m = new Marks(s);
          current = m;
          emit(market, detector, s);
          try {
            m.ordered.get(60, TimeUnit.SECONDS);
            if (m.at[0] == 0 || m.refused != null) {
              out.printf(Locale.ROOT, "  %s: %s: %s%n", db.label, s,
                  m.at[0] == 0 ? "the detector offered nothing" : "start refused: " + m.refused);
            }
            if (timing) {
              // prepared: the first order's intent was written with CapitalRequested (before the grant), and the
              // order sent on the grant, with no write of its own between them
              boolean wasPrepared = m.at[4] != 0 && m.at[4] <= m.at[3];
              long intent = Math.max(m.at[3], m.at[4]);
              long[] stages = {m.at[1] - m.at[0], m.at[2] - m.at[1], m.at[3] - m.at[2], intent - m.at[3],
                  m.at[5] - intent, m.at[6] - m.at[5], m.at[6] - m.at[0]};
              if (Arrays.stream(m.at).allMatch(t -> t != 0)) {
                timed.add(stages);
                timedWindows.add(new long[] {m.at[0], m.at[6]});
                prepared[0] += wasPrepared ? 1 : 0;
              } else {
                lost[0]++;
              }
            }
          } catch (java.util.concurrent.TimeoutException e) {
            lost[0] += timing ? 1 : 0;
            out.printf(Locale.ROOT, "  %s: no order for %s within 60 s: discarded%n", db.label, s);
          } finally {
            current = null;
          }
        }
        out.printf(Locale.ROOT, "  %s: %d timed (%d with the first order prepared with the capital request), "
            + "%d discarded%n", db.label, timed.size(), prepared[0], lost[0]);
        windows.put(db.label, timedWindows.toArray(long[][]::new));
        writesAlone.put(db.label, timeWritesAlone(node));
        out.flush();
        return timed.toArray(long[][]::new);
      }
    }
  }

  /**
   * One journal write as an entity sees it (persist → callback), 300 times, each alone on the otherwise idle node (one
   * writer, an ask per write): the unit cost of a write on the path, its spread with it. Returns the sorted times (ns).
   */
  private static long[] timeWritesAlone(KimpNode node) throws Exception {
    int writes = 300;
    var writer = node.system().systemActorOf(JournalBenchmark.create("latency-" + System.nanoTime()),
        "latency-persist-" + System.nanoTime(), org.apache.pekko.actor.typed.Props.empty());
    long[] t = new long[writes];
    for (int i = 0; i < writes; i++) {
      long t0 = System.nanoTime();
      org.apache.pekko.actor.typed.javadsl.AskPattern.<JournalBenchmark.Command, JournalBenchmark.Done>ask(
              writer, r -> new JournalBenchmark.Write(1, r), Duration.ofMinutes(1), node.system().scheduler())
          .toCompletableFuture().get(1, TimeUnit.MINUTES);
      t[i] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return t;
  }

  /** What the node does with an offer ({@code TradingNode}'s sink): ask the symbol's entity to start. */
  private void offer(KimpNode node, Opportunity o) {
    Marks m = current;
    if (m != null && m.symbol.equals(o.symbol())) {
      m.mark(0, System.nanoTime());
    }
    node.cycles().ask(o.symbol(), new CycleInput.Start(o)).whenComplete((r, t) -> {
      if (m != null && (t != null || !r.accepted())) {
        m.refused = t != null ? t.toString() : r.message();
        m.ordered.complete(null);
      }
    });
  }

  /**
   * Market data that makes {@code coin} an opportunity: the rate and Binance first (no edge yet: Upbit is level), then
   * Upbit 3 % above, which the detector offers; then Upbit level again.
   */
  private static void emit(MarketState market, OpportunityDetector detector, String coin) {
    long now = System.currentTimeMillis();
    feed(market, detector, book(Venue.UPBIT, "USDT", 1399.5, 1400.5, now));
    feed(market, detector, book(Venue.UPBIT, coin, 2799, 2800, now));
    feed(market, detector, book(Venue.BINANCE, coin, 2.000, 2.001, now));
    feed(market, detector, book(Venue.UPBIT, coin, 2885, 2886, now)); // +3 %: offered here
    feed(market, detector, book(Venue.UPBIT, coin, 2799, 2800, now));
  }

  private static void feed(MarketState market, OpportunityDetector detector, MarketEvent e) {
    detector.onApplied(market.apply(e), e.coin(), e.receivedAt());
  }

  private static MarketEvent.BookEvent book(Venue v, String coin, double bid, double ask, long at) {
    return new MarketEvent.BookEvent(Book.top(v, coin, bid, 1e6, ask, 1e6, at), v == Venue.BINANCE, at,
        MarketEvent.NO_SEQUENCE);
  }

  /**
   * Waits until {@code symbol}'s entity accepts a new start: its previous cycle completed in the background and released
   * its capital.
   */
  private static void awaitIdle(KimpNode node, String symbol) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      CycleReply r = node.cycles().ask(symbol, new CycleInput.Get()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      var st = r.state();
      if (st == null || !st.status().isOpen() && st.capitalRequest() == null
          && (st.cycle() == null || st.cycle().capitalReleased())) {
        return; // what the entity itself calls idle: a new start is accepted
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(symbol + "'s cycle stayed " + st.status() + " for 2 minutes"
            + (st.cycle() != null && st.cycle().failureReason() != null ? ": " + st.cycle().failureReason() : ""));
      }
      Thread.sleep(20); // the benchmark's own thread polling the entity
    }
  }

  private static Config config(BenchDatabase db, Path dataDir, String binanceUrl, String upbitUrl) {
    return KimpConfig.load(
        ConfigFactory.parseString(String.join("\n",
            "kimp.db.url = \"" + db.url + "\"",
            "kimp.db.user = \"" + db.user + "\"",
            "kimp.data-dir = \"" + dataDir + "\"",
            "pekko.remote.artery.canonical.port = 0",
            "pekko.loglevel = WARNING",
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
            "kimp.trading.mode = live",
            "kimp.exchanges.binance.base-url = \"" + binanceUrl + "\"",
            "kimp.exchanges.binance.api-key = \"" + BINANCE_KEY + "\"",
            "kimp.exchanges.binance.secret-key = \"" + BINANCE_SECRET + "\"",
            "kimp.exchanges.upbit.base-url = \"" + upbitUrl + "\"",
            "kimp.exchanges.upbit.access-key = \"" + UPBIT_KEY + "\"",
            "kimp.exchanges.upbit.secret-key = \"" + UPBIT_SECRET + "\"",
            "kimp.portfolio.capital-krw = 1000000000000",
            "kimp.risk.max-exposure-krw = 1000000000000",
            "kimp.risk.max-concurrent-cycles = 1000",
            "kimp.risk.daily-loss-limit-krw = 0",
            "kimp.transfer.poll-interval = 20ms",
            "kimp.retry.base-delay = 200ms",
            "kimp.execution.reconcile-interval = 20ms")),
        ConfigFactory.empty());
  }

  private void print(PrintWriter out, Map<String, long[][]> results, Map<String, Integer> discarded) {
    out.println();
    out.printf(Locale.ROOT, "%-46s", "stage (ms: p50 / p90 / p99 / max)");
    for (String db : results.keySet()) {
      out.printf(Locale.ROOT, " | %-36s", db + " (" + results.get(db).length + " timed)");
    }
    out.println();
    for (int k = 0; k < STAGES.length; k++) {
      out.printf(Locale.ROOT, "%-46s", STAGES[k]);
      for (long[][] r : results.values()) {
        long[] v = new long[r.length];
        for (int i = 0; i < r.length; i++) {
          v[i] = r[i][k];
        }
        Arrays.sort(v);
        out.printf(Locale.ROOT, " | %8s %8s %8s %8s", ms(v, 0.50), ms(v, 0.90), ms(v, 0.99), ms(v, 1.0));
      }
      out.println();
    }
    out.printf(Locale.ROOT, "%-46s", "one journal write alone (ask → persisted)");
    for (String db : results.keySet()) {
      long[] v = writesAlone.getOrDefault(db, new long[0]);
      out.printf(Locale.ROOT, " | %8s %8s %8s %8s", ms(v, 0.50), ms(v, 0.90), ms(v, 0.99), ms(v, 1.0));
    }
    out.println();
    discarded.forEach((db, n) -> {
      if (n > 0) {
        out.printf(Locale.ROOT, "%s: %d opportunities discarded (no order, or a stage not seen)%n", db, n);
      }
    });
  }

  /**
   * What the JVM did on the timed paths: the collector's pauses and the JIT's compilations while the timed opportunities
   * ran, the opportunities one fell in (offer to first byte), how many of the slowest 1 % those are, and the end to end
   * of the others.
   */
  private void printJvmActivity(PrintWriter out, String db, long[][] stages, long[][] win) {
    if (win == null || win.length == 0) {
      return;
    }
    out.printf(Locale.ROOT, "%s: %s%n", db, warmedUp.getOrDefault(db, "no warm-up"));
    long from = Arrays.stream(win).mapToLong(w -> w[0]).min().getAsLong();
    long to = Arrays.stream(win).mapToLong(w -> w[1]).max().getAsLong();
    int e2e = STAGES.length - 1;
    Integer[] bySlowness = new Integer[win.length];
    Arrays.setAll(bySlowness, i -> i);
    Arrays.sort(bySlowness, (a, b) -> Long.compare(stages[b][e2e], stages[a][e2e]));
    int slowest = Math.max(1, (int) Math.round(win.length * 0.01));
    boolean[] touched = new boolean[win.length]; // a pause or a compilation ran during it
    for (JvmActivity.Kind kind : JvmActivity.Kind.values()) {
      List<JvmActivity.Span> during = jvm.within(kind, from, to);
      long[] ns = during.stream().mapToLong(JvmActivity.Span::durationNanos).sorted().toArray();
      long busy = jvm.busyNanos(kind, from, to);
      int hit = 0;
      int slowHit = 0;
      for (int rank = 0; rank < bySlowness.length; rank++) {
        int i = bySlowness[rank];
        if (!jvm.within(kind, win[i][0], win[i][1]).isEmpty()) {
          touched[i] = true;
          hit++;
          slowHit += rank < slowest ? 1 : 0;
        }
      }
      boolean pauses = kind == JvmActivity.Kind.GC_PAUSE;
      out.printf(Locale.ROOT, "  %s while timed: %d (p50 %s ms, max %s ms; %.2f %% of %s); one fell in %d of the "
          + "%d timed opportunities, %d of the %d slowest (1 %%)%n", pauses ? "collector pauses" : "JIT compilations",
          ns.length, ms(ns, 0.5), ms(ns, 1.0), 100.0 * busy / (to - from), pauses ? "the time" : "one core", hit,
          win.length, slowHit, slowest);
    }
    long[] rest = java.util.stream.IntStream.range(0, win.length).filter(i -> !touched[i])
        .mapToLong(i -> stages[i][e2e]).sorted().toArray();
    out.printf(Locale.ROOT, "  end to end of the %d with neither: p50 %s, p90 %s, p99 %s, max %s ms%n", rest.length,
        ms(rest, 0.5), ms(rest, 0.9), ms(rest, 0.99), ms(rest, 1.0));
  }

  /** The {@code q} quantile (nearest rank) in ms, "-" when there are none. */
  private static String ms(long[] sorted, double q) {
    if (sorted.length == 0) {
      return "-";
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return String.format(Locale.ROOT, "%.2f", sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6);
  }

  static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
