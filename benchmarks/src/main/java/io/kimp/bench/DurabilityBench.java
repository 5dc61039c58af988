package io.kimp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.app.config.KimpConfig;
import io.kimp.core.cycle.CycleEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The durability torture benchmark: a real {@code kimp run --simulate --faults} node (a child JVM from the kimp jar) is
 * {@code kill -9}ed at a random moment while its cycles write, N times; between two runs the offline tools run as the
 * CLI runs them ({@code kimp journal --symbol}, {@code kimp projections rebuild}, each a JVM of its own on the same
 * database). The node's own acknowledgements are its cycle entities' persist callbacks: each persisted cycle event is
 * logged from the callback that runs only after the journal confirmed the write ({@code ArbitrageCycle.persistAndRun}),
 * and the log goes straight to a file (an unbuffered write per line) that outlives the kill. After every round:
 * <ul>
 *   <li>every acknowledged event is still in the journal: matched in order per persistence id by event type, with a write
 *       time no later than its acknowledgement (so an event lost and later rewritten under the same sequence number by a
 *       newer run cannot hide the loss);</li>
 *   <li>no persistence id has a gap in its sequence numbers;</li>
 *   <li>the read model the killed node's projection left (rows of every symbol whose events it had all projected) equals
 *       the rebuild from the journal that {@code kimp projections rebuild} makes;</li>
 *   <li>{@code kimp journal --symbol} printed as many events as the journal holds for that symbol.</li>
 * </ul>
 */
@Command(
    name = "durability",
    mixinStandardHelpOptions = true,
    description = {
      "Durability torture: kill -9 a real 'kimp run --simulate --faults' node (java -jar JAR) at random moments while "
          + "its cycles write, restart it, and run 'kimp journal' and 'kimp projections rebuild' (separate JVMs) in "
          + "between, on H2 (file, kimp's default URL settings) and on PostgreSQL (a new schema). Prints per database: "
          + "rounds, events acknowledged (the cycles' persist callbacks), events lost, sequence gaps, read-model "
          + "mismatches against the rebuild, offline read failures. Exit code 1 when anything was lost or differs.",
      "Build the jar first: mvn -B -q -DskipTests package"
    })
public final class DurabilityBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CYCLE_LOGGER = "io.kimp.core.cycle.ArbitrageCycle";
  private static final String CYCLE_PID_PREFIX = "ArbitrageCycle|";
  /** Slack between the journal's write time and the callback's log time (same clock; guards rounding only). */
  private static final long CLOCK_SLACK_MS = 1000;
  private static final Duration FIRST_WRITE_TIMEOUT = Duration.ofMinutes(6);
  private static final long REFUSED = -2;
  private static final long EXITED = -1;
  private static final Set<String> EVENT_TYPES = Arrays.stream(CycleEvent.class.getPermittedSubclasses())
      .map(Class::getSimpleName).collect(Collectors.toUnmodifiableSet());

  @Option(names = "--db", defaultValue = "both", description = "h2, postgres or both (default: ${DEFAULT-VALUE}).")
  String db;

  @Option(names = "--rounds", defaultValue = "50", description = "kill -9 rounds per database (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the random kill moments and symbols read "
      + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-run", defaultValue = "8s",
      description = "Each run is killed at a random moment up to this long after the node's first acknowledged cycle "
          + "event (default: ${DEFAULT-VALUE}).")
  String maxRun;

  @Option(names = "--min-run", defaultValue = "0s",
      description = "The earliest moment of the kill after the node's first acknowledged cycle event (default: "
          + "${DEFAULT-VALUE}).")
  String minRun;

  @Option(names = "--alternate-offline",
      description = "One offline tool per round, in turn: 'kimp journal' after odd rounds, 'kimp projections rebuild' "
          + "(and the read-model comparison) after even rounds and the last. Default: both after every round.")
  boolean alternateOffline;

  @Option(names = "--jar", defaultValue = "app/target/kimp.jar", description = "The kimp jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Mixin PostgresOptions pg = new PostgresOptions();

  @Option(names = "--work-dir", description = "Where each database's node data and logs go (default: a new temp "
      + "directory, deleted afterwards unless --keep).")
  Path workDir;

  @Option(names = "--keep", description = "Keep the work directory (node logs, H2 file) afterwards.")
  boolean keep;

  @Option(names = "--node-heap", defaultValue = "384m", description = "-Xmx of the node (default: ${DEFAULT-VALUE}).")
  String nodeHeap;

  @Option(names = "--quiet", description = "Only the totals, not a line per round.")
  boolean quiet;

  /** Test-only: runs on the database after each kill, before the checks (e.g. to prove a loss is detected). */
  private BetweenRounds tamper = (url, user, round) -> {};

  /** What a test may do to the database between a kill and the checks. */
  @FunctionalInterface
  public interface BetweenRounds {
    void apply(String jdbcUrl, String user, int round) throws Exception;
  }

  /** Figures of one database. {@code problems()} is what must be 0. */
  public record Result(String database, int rounds, int nodeStarts, int startRetries, int startFailures,
      long acknowledged, long lost,
      long gaps, long journalEvents, long readModelRowsCompared, long readModelMismatches, int offlineReads,
      int offlineFailures, String firstProblem) {
    public long problems() {
      return startFailures + lost + gaps + readModelMismatches + offlineFailures;
    }
  }

  public DurabilityBench() {}

  /** For tests: the bench with these settings (the options' defaults otherwise). */
  public static DurabilityBench of(Path jar, int rounds, long seed, Duration maxRun) {
    DurabilityBench b = new DurabilityBench();
    b.jar = jar;
    b.rounds = rounds;
    b.seed = seed;
    b.maxRun = maxRun.toMillis() + "ms";
    b.minRun = "0s";
    b.nodeHeap = "384m";
    b.pg.url = "jdbc:postgresql://127.0.0.1:5432/test";
    b.pg.user = "postgres";
    return b;
  }

  /** For tests: the earliest kill moment after the node's first acknowledged cycle event. */
  public DurabilityBench minRun(Duration min) {
    this.minRun = min.toMillis() + "ms";
    return this;
  }

  public DurabilityBench tamperBetweenRounds(BetweenRounds hook) {
    this.tamper = hook;
    return this;
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(jar)) {
      System.err.println("no kimp jar at " + jar.toAbsolutePath() + ": build it (mvn -B -q -DskipTests package) or pass --jar");
      return 2;
    }
    List<String> dbs = switch (db.trim().toLowerCase(Locale.ROOT)) {
      case "h2" -> List.of("h2");
      case "postgres", "postgresql", "pg" -> List.of("postgres");
      case "both", "h2,postgres", "h2,postgresql" -> List.of("h2", "postgres");
      default -> null;
    };
    if (dbs == null) {
      System.err.println("--db must be h2, postgres or both, not '" + db + "'");
      return 2;
    }
    if (rounds < 1) {
      System.err.println("--rounds must be at least 1");
      return 2;
    }
    List<Result> results = new ArrayList<>();
    for (String d : dbs) {
      results.add(run(d));
    }
    System.out.println();
    printTotals(results);
    long problems = results.stream().mapToLong(Result::problems).sum();
    System.out.println(problems == 0
        ? "PASS: every acknowledged event survived, no gaps, the read model equals its rebuild"
        : "FAIL: " + problems + " problem(s); first: "
            + results.stream().map(Result::firstProblem).filter(p -> p != null).findFirst().orElse("?"));
    return problems == 0 ? 0 : 1;
  }

  static void printTotals(List<Result> results) {
    System.out.printf(Locale.ROOT, "%-11s %6s %14s %13s %5s %5s %9s %14s %11s %14s%n", "database", "rounds", "starts",
        "acknowledged", "lost", "gaps", "journal", "rows compared", "mismatches", "offline failed");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "%-11s %6d %14s %13d %5d %5d %9d %14d %11d %14s%n", r.database(), r.rounds(),
          r.nodeStarts() + (r.startRetries() > 0 ? " (" + r.startRetries() + " again)" : "")
              + (r.startFailures() > 0 ? " FAILED " + r.startFailures() : ""), r.acknowledged(), r.lost(), r.gaps(),
          r.journalEvents(), r.readModelRowsCompared(), r.readModelMismatches(),
          r.offlineFailures() + "/" + r.offlineReads());
    }
  }

  /** All rounds on one database ("h2" or "postgres"). */
  public Result run(String database) throws Exception {
    boolean h2 = database.equals("h2");
    Path base = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("kimp-durability-");
    Path dir = Files.createDirectories(base.resolve(h2 ? "h2" : "postgres"));
    BenchDatabase pgDb = h2 ? null : BenchDatabase.postgres(pg.url, pg.user);
    try {
      return new Run(dir, h2, pgDb).rounds();
    } finally {
      if (pgDb != null) {
        pgDb.close();
      }
      if (!keep && workDir == null) {
        deleteTree(base);
      } else {
        System.out.println("work dir kept: " + dir.toAbsolutePath());
      }
    }
  }

  /** The rounds on one database. */
  private final class Run {
    final Path dir;
    final boolean h2;
    final String label;
    /** The URL the node and the offline tools use (relative H2 paths resolve in {@link #dir}). */
    final String nodeUrl;
    final String user;
    /** The URL this JVM checks with. */
    final String auditUrl;
    final List<String> dbOverrides = new ArrayList<>();
    final Random random = new Random(seed);
    final String javaCommand = ProcessHandle.current().info().command().orElse("java");
    final Map<String, List<Ack>> acks = new LinkedHashMap<>();
    final List<String> symbols;
    int starts;
    int startRetries;
    int startFailures;
    int offlineReads;
    int offlineFailures;
    long rowsCompared;
    long mismatches;
    String firstProblem;

    Run(Path dir, boolean h2, BenchDatabase pgDb) {
      this.dir = dir;
      this.h2 = h2;
      com.typesafe.config.Config simulate =
          KimpConfig.load(null, Map.of(), KimpConfig.profile("kimp-simulate.conf"));
      this.symbols = simulate.getStringList("kimp.feeds.symbols");
      if (h2) {
        label = "H2 (file)";
        nodeUrl = simulate.getString("kimp.db.url"); // kimp's own default for --simulate: the node gets no override
        user = "";
        String path = nodeUrl.substring("jdbc:h2:file:".length());
        String file = path.contains(";") ? path.substring(0, path.indexOf(';')) : path;
        auditUrl = "jdbc:h2:file:" + dir.resolve(file).normalize() + path.substring(file.length());
      } else {
        label = "PostgreSQL";
        nodeUrl = pgDb.url;
        user = pgDb.user;
        auditUrl = pgDb.url;
        dbOverrides.add("-Dkimp.db.url=" + nodeUrl);
        dbOverrides.add("-Dkimp.db.user=" + user);
      }
    }

    Result rounds() throws Exception {
      System.out.printf(Locale.ROOT, "%n%s: %d rounds of kill -9 (seed %d), node data in %s%n", label, rounds, seed,
          dir.toAbsolutePath());
      if (!quiet) {
        System.out.printf(Locale.ROOT, "%5s %7s %7s %9s %5s %5s %14s %11s %s%n", "round", "run s", "acks", "journal",
            "lost", "gaps", "rows compared", "mismatches", "offline reads");
      }
      long min = duration(minRun).toMillis();
      long max = Math.max(min, duration(maxRun).toMillis());
      int done = 0;
      long lost = 0;
      long gaps = 0;
      long journal = 0;
      for (int round = 1; round <= rounds; round++) {
        Path log = dir.resolve(String.format(Locale.ROOT, "round-%03d.log", round));
        long delay = min + (long) (random.nextDouble() * (max - min));
        long ran = runNode(log, delay);
        for (int retry = 1; ran == EXITED && retry <= 3; retry++) {
          startRetries++; // e.g. a timeout of a loaded machine: not the state's fault, but counted
          System.out.println("  round " + round + ": the node exited before its first write (" + lastLines(log, 1)
              + "); starting it again");
          ran = runNode(log, delay);
        }
        if (ran < 0) {
          startFailures++;
          problem("round " + round + ": the node " + (ran == REFUSED ? "refused to start" : "did not start") + ": "
              + lastLines(log, 3));
          break;
        }
        int roundAcks = readAcks(log);
        tamper.apply(auditUrl, user, round);
        Audit a = audit();
        lost = a.lost;
        gaps = a.gaps;
        journal = a.events;
        if (lost > 0) {
          problem("round " + round + ": " + lost + " acknowledged event(s) missing from the journal, e.g. " + a.example);
        }
        if (gaps > 0) {
          problem("round " + round + ": " + gaps + " sequence number(s) missing");
        }
        boolean journalRead = !alternateOffline || round % 2 == 1;
        boolean rebuild = !alternateOffline || round % 2 == 0 || round == rounds;
        String offline = offlineReadsAndRebuild(round, journalRead, rebuild);
        done = round;
        if (!quiet) {
          System.out.printf(Locale.ROOT, "%5d %7.1f %7d %9d %5d %5d %14d %11d %s%n", round, ran / 1000.0, roundAcks,
              journal, lost, gaps, rowsCompared, mismatches, offline);
        }
      }
      long acknowledged = acks.values().stream().mapToLong(List::size).sum();
      return new Result(label, done, starts, startRetries, startFailures, acknowledged, lost, gaps, journal,
          rowsCompared, mismatches, offlineReads, offlineFailures, firstProblem);
    }

    void problem(String p) {
      if (firstProblem == null) {
        firstProblem = label + " " + p;
      }
    }

    // -------------------------------------------------------------------------------------------------------------
    // the node

    /**
     * Starts the node and kills it {@code delayMs} after its first acknowledged cycle event (a recovered cycle going on,
     * or a new one); returns how long it ran after that first write (ms), {@link #REFUSED} if it refused to start (exit
     * code 2: bad config or damaged state), {@link #EXITED} if it ended by itself otherwise. A node that writes nothing
     * within {@link #FIRST_WRITE_TIMEOUT} is killed all the same (0).
     */
    long runNode(Path log, long delayMs) throws Exception {
      int[] ports = FailoverBench.freePorts(3);
      List<String> cmd = new ArrayList<>(List.of(javaCommand, "-Xms64m", "-Xmx" + nodeHeap, "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-jar", jar.toAbsolutePath().toString(), "run", "--simulate", "--faults",
          "-Dkimp.admin.port=" + ports[0], "-Dpekko.remote.artery.canonical.port=" + ports[1],
          "-Dpekko.management.http.port=" + ports[2],
          // a loaded machine (six builds on two cores) can take longer than the default 3 s to bind a port
          "-Dpekko.remote.artery.bind.bind-timeout=60s"));
      cmd.addAll(dbOverrides);
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      starts++;
      long deadline = System.nanoTime() + FIRST_WRITE_TIMEOUT.toNanos();
      LogTail tail = new LogTail(log);
      boolean wrote = false;
      while (!(wrote = tail.hasAck()) && p.isAlive() && System.nanoTime() < deadline) {
        pause(100);
      }
      long t0 = System.nanoTime();
      if (wrote) {
        p.waitFor(delayMs, TimeUnit.MILLISECONDS);
      }
      boolean aliveAtKill = p.isAlive();
      p.destroyForcibly(); // SIGKILL
      p.waitFor(30, TimeUnit.SECONDS);
      if (!aliveAtKill) {
        return p.exitValue() == 2 ? REFUSED : EXITED;
      }
      return wrote ? (System.nanoTime() - t0) / 1_000_000 : 0;
    }

    /** Adds the acknowledgements the run logged; returns how many. */
    int readAcks(Path log) throws IOException {
      int n = 0;
      for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
        Ack a = ack(line);
        if (a != null) {
          acks.computeIfAbsent(a.persistenceId, k -> new ArrayList<>()).add(a);
          n++;
        }
      }
      return n;
    }

    // -------------------------------------------------------------------------------------------------------------
    // the checks

    record Audit(long events, long lost, long gaps, String example) {}

    Audit audit() throws SQLException {
      Map<String, List<Stored>> journal = new HashMap<>();
      long events = 0;
      long gaps;
      try (Connection c = connect()) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT persistence_id, sequence_number, event_ser_manifest, write_timestamp "
                + "FROM event_journal WHERE persistence_id LIKE '" + CYCLE_PID_PREFIX + "%' "
                + "ORDER BY persistence_id, sequence_number")) {
          while (rs.next()) {
            String manifest = rs.getString(3);
            // the class name, with "#<version>" when the event has a Jackson migration
            String m = manifest.indexOf('#') < 0 ? manifest : manifest.substring(0, manifest.indexOf('#'));
            journal.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                .add(new Stored(m.substring(Math.max(m.lastIndexOf('$'), m.lastIndexOf('.')) + 1), rs.getLong(4)));
            events++;
          }
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(mx - mn + 1 - n), 0) FROM (SELECT persistence_id, "
                + "MIN(sequence_number) AS mn, MAX(sequence_number) AS mx, COUNT(*) AS n FROM event_journal "
                + "GROUP BY persistence_id) t")) {
          rs.next();
          gaps = rs.getLong(1);
        }
      }
      long lost = 0;
      String example = null;
      for (Map.Entry<String, List<Ack>> e : acks.entrySet()) {
        List<Stored> stored = journal.getOrDefault(e.getKey(), List.of());
        int next = 0;
        for (Ack a : e.getValue()) {
          int j = next;
          while (j < stored.size()
              && !(stored.get(j).type.equals(a.type) && stored.get(j).writtenAt <= a.at + CLOCK_SLACK_MS)) {
            j++;
          }
          if (j < stored.size()) {
            next = j + 1;
          } else {
            lost++;
            if (example == null) {
              example = e.getKey() + " " + a.type + " acknowledged at " + Instant.ofEpochMilli(a.at);
            }
          }
        }
      }
      return new Audit(events, lost, gaps, example);
    }

    /**
     * The node is dead: snapshot the read model its projection left, read a symbol's journal with {@code kimp journal},
     * rebuild with {@code kimp projections rebuild}, and compare the rows of every symbol the projection had caught up
     * with. Returns a short summary for the round's line.
     */
    String offlineReadsAndRebuild(int round, boolean journalRead, boolean rebuildAndCompare) throws Exception {
      String summary = "";
      if (journalRead) {
        String symbol = symbols.get(random.nextInt(symbols.size()));
        long expected = count("SELECT COUNT(*) FROM event_journal WHERE persistence_id = '" + CYCLE_PID_PREFIX
            + symbol + "'");
        Tool journal = tool(round, "journal", "--symbol", symbol);
        offlineReads++;
        long printed = journal.out.lines().filter(l -> l.startsWith("{") && l.contains("\"sequenceNr\"")).count();
        boolean journalOk = (journal.exit == 0 || (journal.exit == 1 && expected == 0)) && printed == expected;
        if (!journalOk) {
          offlineFailures++;
          problem("round " + round + ": 'kimp journal --symbol " + symbol + "' exit " + journal.exit + ", printed "
              + printed + " events, the journal holds " + expected);
        }
        summary = "journal " + symbol + " " + printed + "/" + expected + (journalOk ? "" : " FAILED");
      }
      if (!rebuildAndCompare) {
        return summary;
      }
      Set<String> caughtUp = caughtUpSymbols();
      Map<String, String> before = readModel(caughtUp);

      Tool rebuild = tool(round, "projections", "rebuild");
      offlineReads++;
      if (rebuild.exit != 0) {
        offlineFailures++;
        problem("round " + round + ": 'kimp projections rebuild' exit " + rebuild.exit + ": " + rebuild.firstLine());
        return summary + (summary.isEmpty() ? "" : ", ") + "rebuild FAILED";
      }
      Map<String, String> after = readModel(caughtUp);
      for (String key : union(before.keySet(), after.keySet())) {
        rowsCompared++;
        if (!Objects.equals(before.get(key), after.get(key))) {
          mismatches++;
          problem("round " + round + ": read model row " + key + " was " + before.get(key) + ", rebuilt "
              + after.get(key));
        }
      }
      return summary + (summary.isEmpty() ? "" : ", ") + "rebuild ok (" + caughtUp.size() + " symbols projected)";
    }

    /** Symbols whose newest cycle event the projection had processed (by its tag's stored offset). */
    Set<String> caughtUpSymbols() throws SQLException {
      Map<String, Long> offsets = new HashMap<>();
      Set<String> out = new HashSet<>();
      try (Connection c = connect()) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT projection_key, current_offset FROM pekko_projection_offset_store")) {
          while (rs.next()) {
            offsets.put(rs.getString(1), Long.parseLong(rs.getString(2)));
          }
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT j.persistence_id, t.tag, MAX(j.ordering) FROM event_journal j "
                + "JOIN event_tag t ON t.event_id = j.ordering WHERE j.persistence_id LIKE '" + CYCLE_PID_PREFIX
                + "%' GROUP BY j.persistence_id, t.tag")) {
          Map<String, Boolean> ok = new HashMap<>();
          while (rs.next()) {
            String symbol = rs.getString(1).substring(CYCLE_PID_PREFIX.length());
            boolean projected = rs.getLong(3) <= offsets.getOrDefault(rs.getString(2), -1L);
            ok.merge(symbol, projected, Boolean::logicalAnd);
          }
          ok.forEach((symbol, projected) -> {
            if (projected) {
              out.add(symbol);
            }
          });
        }
      }
      return out;
    }

    /** The read rows of {@code symbols}' cycles, keyed by table and id, every column as text. */
    Map<String, String> readModel(Set<String> symbols) throws SQLException {
      Map<String, String> rows = new TreeMap<>();
      if (symbols.isEmpty()) {
        return rows;
      }
      String in = symbols.stream().map(s -> "'" + s.replace("'", "''") + "'").collect(Collectors.joining(","));
      try (Connection c = connect()) {
        rows(c, "arbitrage_cycles", "SELECT * FROM arbitrage_cycles WHERE symbol IN (" + in + ")", rows);
        rows(c, "trades", "SELECT t.* FROM trades t JOIN arbitrage_cycles a ON a.id = t.cycle_id WHERE a.symbol IN ("
            + in + ")", rows);
      }
      return rows;
    }

    void rows(Connection c, String table, String sql, Map<String, String> into) throws SQLException {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            row.append(md.getColumnLabel(i).toLowerCase(Locale.ROOT)).append('=')
                .append(v instanceof java.math.BigDecimal d ? d.stripTrailingZeros().toPlainString() : v).append(' ');
          }
          into.put(table + ":" + rs.getObject(1), row.toString().trim());
        }
      }
    }

    long count(String sql) throws SQLException {
      try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    /** This JVM's own connection (closed before any other process opens an H2 file). */
    Connection connect() throws SQLException {
      return DriverManager.getConnection(auditUrl, user, "");
    }

    record Tool(int exit, String out, String err) {
      /** The first line of its stderr that is not an INFO log line. */
      String firstLine() {
        return err.lines().filter(l -> !l.isBlank() && !l.contains("\"level\":\"INFO\"")).findFirst().orElse("");
      }
    }

    /** Runs {@code kimp <args>} in its own JVM against the node's database, as an operator would. */
    Tool tool(int round, String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(javaCommand, "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-jar", jar.toAbsolutePath().toString()));
      cmd.addAll(List.of(args));
      cmd.add("-Dkimp.db.url=" + nodeUrl);
      if (!h2) {
        cmd.add("-Dkimp.db.user=" + user);
      }
      Path out = dir.resolve(String.format(Locale.ROOT, "round-%03d-%s.out", round, args[0]));
      Path err = dir.resolve(String.format(Locale.ROOT, "round-%03d-%s.err", round, args[0]));
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        return new Tool(-1, "", "timed out after 10 minutes");
      }
      return new Tool(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    }
  }

  /** A cycle event the node logged from its persist callback, or null for any other line (or one the kill cut off). */
  static Ack ack(String line) {
    if (!line.startsWith("{") || !line.contains(CYCLE_LOGGER)) {
      return null;
    }
    JsonNode j;
    try {
      j = JSON.readTree(line);
    } catch (IOException torn) {
      return null;
    }
    String message = j.path("message").asText("");
    String type = message.contains(" ") ? message.substring(0, message.indexOf(' ')) : message;
    String pid = j.path("persistenceId").asText("");
    if (!CYCLE_LOGGER.equals(j.path("logger").asText()) || !EVENT_TYPES.contains(type)
        || !pid.startsWith(CYCLE_PID_PREFIX)) {
      return null;
    }
    return new Ack(pid, type, Instant.parse(j.path("timestamp").asText()).toEpochMilli());
  }

  /** Reads a growing log from where it last stopped, looking for the first acknowledgement. */
  private static final class LogTail {
    private final Path log;
    private long offset;
    private String partial = "";

    LogTail(Path log) throws IOException {
      this.log = log;
      this.offset = Files.exists(log) ? Files.size(log) : 0; // the rounds append to one file each; start at its end
    }

    boolean hasAck() throws IOException {
      if (!Files.exists(log)) {
        return false;
      }
      try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(log)) {
        if (ch.size() <= offset) {
          return false;
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(ch.size() - offset, 4 << 20));
        ch.position(offset);
        ch.read(buf);
        offset += buf.position();
        String text = partial + new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
        int end = text.lastIndexOf('\n');
        partial = end < 0 ? text : text.substring(end + 1);
        for (String line : (end < 0 ? "" : text.substring(0, end)).split("\n")) {
          if (ack(line) != null) {
            return true;
          }
        }
        return false;
      }
    }
  }

  private record Ack(String persistenceId, String type, long at) {}

  private record Stored(String type, long writtenAt) {}

  private static Duration duration(String value) {
    return com.typesafe.config.ConfigFactory.parseMap(Map.of("d", value)).getDuration("d");
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new java.util.TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  private static String lastLines(Path log, int n) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis); // the bench's own thread between looks at a child's log
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
