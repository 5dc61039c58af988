package io.kimp.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.ScriptedExchange;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks that print numbers (the speed targets live here, not in timed unit tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (benchmarks/target/kimp-bench.jar; the harnesses start nodes from app/target/kimp.jar).",
    subcommands = {BenchCommand.Journal.class, FailoverBench.class, DurabilityBench.class,
      io.kimp.backtest.cli.BacktestBenchCommand.class, io.kimp.bench.csv.CsvBench.class, LatencyBench.class, BenchMain.Jmh.class})
public final class BenchCommand {

  @Command(
      name = "journal",
      mixinStandardHelpOptions = true,
      description = "Persisted events/s (concurrent writers, kimp's write pattern) and full scripted cycles/s, on H2 and "
          + "PostgreSQL. Each run uses a throw-away database (temp H2 file, new PostgreSQL schema).")
  static final class Journal implements Callable<Integer> {
    @Option(names = "--db", defaultValue = "h2,postgresql", split = ",",
        description = "h2, postgresql, or both (default: ${DEFAULT-VALUE}).")
    List<String> databases;

    @Mixin PostgresOptions pg;

    @Option(names = "--writers", defaultValue = "200", description = "Concurrent journal writers (default: ${DEFAULT-VALUE}).")
    int writers;

    @Option(names = "--events", defaultValue = "100", description = "Events per writer (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--cycles", defaultValue = "200", description = "Concurrent scripted cycles (default: ${DEFAULT-VALUE}).")
    int cycles;

    @Override
    public Integer call() throws Exception {
      // one INFO line per persisted cycle event would measure the console, not the journal
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.kimp"))
          .setLevel(ch.qos.logback.classic.Level.WARN);
      System.out.printf(Locale.ROOT, "%-12s %14s %14s %14s %14s%n", "database", "events/s", "cycles/s",
          "events/cycle", "cycle p50 ms");
      for (String db : databases) {
        try (BenchDatabase database =
            db.trim().equalsIgnoreCase("h2") ? BenchDatabase.h2() : BenchDatabase.postgres(pg.url, pg.user)) {
          run(database);
        }
      }
      return 0;
    }

    private void run(BenchDatabase db) throws Exception {
      Config config =
          KimpConfig.load(
              ConfigFactory.parseString(String.join("\n",
                  "kimp.db.url = \"" + db.url + "\"",
                  "kimp.db.user = \"" + db.user + "\"",
                  "pekko.remote.artery.canonical.port = 0",
                  "pekko.loglevel = WARNING",
                  "kimp.portfolio.capital-krw = 1000000000000",
                  "kimp.risk.max-exposure-krw = 1000000000000",
                  "kimp.risk.max-concurrent-cycles = " + (cycles * 2 + 10),
                  "kimp.risk.daily-loss-limit-krw = 0",
                  "kimp.transfer.poll-interval = 20ms",
                  // hundreds of cycles start at once and queue at the portfolio singleton
                  "kimp.execution.ask-timeout = 60s",
                  "kimp.execution.reconcile-interval = 20ms")),
              ConfigFactory.empty());
      ScriptedExchange exchange = new ScriptedExchange();
      exchange.price(Venue.BINANCE, "XRP", "2.0").price(Venue.UPBIT, "XRP", "2900");
      FixedMarketView market = new FixedMarketView().quote("XRP", "2820", "2.02", "1400");
      try (KimpNode node =
          KimpNode.start(config, new NodeComponents(exchange.venues(), market, alert -> {}, Clock.systemUTC()))) {
        // warm-up (JIT, pools), then the measured runs
        writeEvents(node, "warm", Math.min(writers, 20), 20);
        runCycles(node, exchange, "W", Math.min(cycles, 10));
        long t0 = System.nanoTime();
        int written = writeEvents(node, "run", writers, events);
        double eventsPerSec = written / ((System.nanoTime() - t0) / 1e9);

        long t1 = System.nanoTime();
        List<Long> latencies = runCycles(node, exchange, "B", cycles);
        double seconds = (System.nanoTime() - t1) / 1e9;
        long cycleEvents = count(node, "SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE 'ArbitrageCycle|B%'");
        latencies.sort(null);
        System.out.printf(Locale.ROOT, "%-12s %14.0f %14.1f %14.1f %14d%n", db.label, eventsPerSec, cycles / seconds,
            cycleEvents / (double) cycles, latencies.get(latencies.size() / 2));
        System.out.printf(Locale.ROOT, "  (%d writers x %d events; %d concurrent cycles: %.0f cycle events/s)%n",
            writers, events, cycles, cycleEvents / seconds);
      }
    }

    private static int writeEvents(KimpNode node, String run, int writers, int events) throws Exception {
      List<CompletableFuture<JournalBenchmark.Done>> done = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        ActorRef<JournalBenchmark.Command> w =
            node.system().systemActorOf(JournalBenchmark.create(run + "-" + i), "bench-" + run + "-" + i, Props.empty());
        done.add(
            AskPattern.<JournalBenchmark.Command, JournalBenchmark.Done>ask(
                    w, r -> new JournalBenchmark.Write(events, r), Duration.ofMinutes(10), node.system().scheduler())
                .toCompletableFuture());
      }
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
      return writers * events;
    }

    /**
     * Starts {@code n} cycles on their own symbols and waits until the journal holds all their completions; returns each
     * cycle's duration (ms) from the journal's write timestamps, CycleStarted (capital granted) to CycleCompleted: the
     * wait for the portfolio singleton before it, which {@code CapitalRequested} now records, is not the cycle's own time.
     */
    private static List<Long> runCycles(KimpNode node, ScriptedExchange exchange, String prefix, int n) throws Exception {
      List<CompletableFuture<CycleReply>> started = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String s = prefix + String.format(Locale.ROOT, "%04d", i);
        exchange.price(Venue.BINANCE, s, "2.0").price(Venue.UPBIT, s, "2900");
        Opportunity o = new Opportunity(s, Direction.KIMCHI, 3.5, 2.0, null, null, null, new BigDecimal("1400"),
            Instant.now());
        started.add(node.cycles().ask(s, new CycleInput.Start(o)).toCompletableFuture());
      }
      for (CompletableFuture<CycleReply> f : started) {
        CycleReply r = f.get(10, TimeUnit.MINUTES);
        if (!r.accepted()) {
          throw new IllegalStateException("cycle refused: " + r.message());
        }
      }
      String like = "ArbitrageCycle|" + prefix + "%";
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (count(node, "SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE '" + like
          + "' AND event_ser_manifest LIKE '%CycleCompleted'") < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cycles did not complete within 10 minutes");
        }
        Thread.sleep(50); // the benchmark's own main thread polling the database
      }
      List<Long> ms = new ArrayList<>();
      try (Connection c = node.readSide().getConnection();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT MAX(write_timestamp) - MIN(CASE WHEN event_ser_manifest LIKE '%CycleStarted' THEN write_timestamp END)"
                  + " FROM event_journal WHERE persistence_id LIKE '" + like + "' GROUP BY persistence_id")) {
        while (rs.next()) {
          ms.add(rs.getLong(1));
        }
      }
      return ms;
    }

    private static long count(KimpNode node, String sql) throws Exception {
      try (Connection c = node.readSide().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
