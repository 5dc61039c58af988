package io.kimp.bench;

import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.fixtures.db.TcpCutProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The failover harness: three kimp node JVMs on one PostgreSQL schema of their own, trading live (the fake Binance and
 * Upbit of the harness's JVM) on the exchange simulator's market data, with cycles running all the time. Each trial
 * {@code kill -9}s the node that hosts the most open cycles and measures how long until those cycles write to the
 * journal again from another node, whether every one of them completes, and whether any order or withdrawal happened
 * twice; then it restarts the node. Optionally a rolling restart (SIGTERM, one node after the other) and a database
 * outage (the nodes reach PostgreSQL through a proxy that is cut).
 */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    description = {
      "Failover harness: starts 3 node JVMs (java -jar JAR run) on a new PostgreSQL schema, live against fake venues on "
          + "loopback, drives cycles with the exchange simulator, kill -9s the node owning active cycles N times and "
          + "prints per trial: time until its cycles resume elsewhere, cycles lost, duplicate orders/withdrawals at the "
          + "venues, journal gaps, and the 429/418 the fake venues returned (all but the time must be 0).",
      "Build the jar first: mvn -B -q -DskipTests package"
    })
public final class FailoverBench implements Callable<Integer> {
  private static final int SHARDS = 100; // pekko.cluster.sharding.number-of-shards (kimp-node.conf)
  private static final String ENTITY_TYPE = ArbitrageCycle.ENTITY_KEY.name();

  @Option(names = "--trials", defaultValue = "10", description = "kill -9 trials (default: ${DEFAULT-VALUE}).")
  int trials;

  @Option(names = "--rolling", description = "After the trials, restart all three nodes one by one (SIGTERM) while "
      + "cycles run.")
  boolean rolling;

  @Option(names = "--pg-outage", paramLabel = "DURATION", defaultValue = "0s",
      description = "After the trials, cut the nodes' database connections for this long (e.g. 30s; default: none).")
  String pgOutage;

  @Option(names = "--soak", paramLabel = "DURATION", defaultValue = "0s",
      description = "Instead of the kill trials: three nodes trading under full load for this long (e.g. 30m), no "
          + "kills, then the members downed (all false), unreachability marks, node exits, lost, duplicates, gaps. "
          + "Kill trials follow only when --trials is given too.")
  String soak;

  @Option(names = "--jar", defaultValue = "app/target/kimp.jar", description = "The kimp jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Mixin PostgresOptions pg;

  @Option(names = "--coins", defaultValue = "XRP,TRX,XLM,ADA,DOGE,SOL,DOT,LINK,ATOM,NEAR,AVAX,ETC", split = ",",
      description = "Coins traded (default: ${DEFAULT-VALUE}).")
  List<String> coins;

  @Option(names = "--transfer-time", defaultValue = "3s",
      description = "How long a withdrawal takes to arrive at the other fake venue (default: ${DEFAULT-VALUE}).")
  String transferTime;

  @Option(names = "--work-dir", description = "Node configs, data and logs (default: a new temp directory).")
  Path workDir;

  @Option(names = "--node-heap", defaultValue = "384m", description = "-Xmx of each node (default: ${DEFAULT-VALUE}).")
  String nodeHeap;

  @Spec CommandSpec spec;

  private final List<NodeProcess> nodes = new ArrayList<>();
  private JournalAudit audit;
  private FailoverVenues venues;
  private TcpCutProxy pgProxy;
  private final ClusterLogScan clusterLog = new ClusterLogScan();
  /** Members downed that the harness did not kill, and unreachability marks, over the whole run. */
  private int falseDownings;
  private int unreachableMarks;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(jar)) {
      System.err.println("no kimp jar at " + jar.toAbsolutePath() + ": build it (mvn -B -q -DskipTests package) or pass --jar");
      return 2;
    }
    Duration outage = duration("--pg-outage", pgOutage);
    Duration soakFor = duration("--soak", soak);
    if (!soakFor.isZero() && !spec.commandLine().getParseResult().hasMatchedOption("--trials")) {
      trials = 0;
    }
    // the harness's own JVM (simulator, fake venues) prints only problems; the nodes log to their files
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("kimp-failover-");
    System.out.println("work dir (node configs and logs): " + dir.toAbsolutePath());
    int problems;
    // Ctrl-C or SIGTERM of the harness (a soak cut short): no node JVM stays behind
    Thread stopNodes = new Thread(() -> nodes.forEach(n -> {
      if (n.alive()) {
        try {
          n.kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }), "failover-harness-stop-nodes");
    Runtime.getRuntime().addShutdownHook(stopNodes);
    try (BenchDatabase db = BenchDatabase.postgres(pg.url, pg.user)) {
      audit = new JournalAudit(db.url, db.user);
      URI base = URI.create(pg.url.substring("jdbc:".length()));
      pgProxy = new TcpCutProxy(base.getHost(), base.getPort() > 0 ? base.getPort() : 5432);
      String nodesDbUrl = db.url.replace(base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : ""),
          "127.0.0.1:" + pgProxy.port());
      venues = new FailoverVenues(coins, 3.0, duration("--transfer-time", transferTime));
      try {
        startNodes(dir, nodesDbUrl);
        problems = run(outage, soakFor);
      } finally {
        for (NodeProcess n : nodes) {
          if (n.alive()) {
            n.terminate(Duration.ofSeconds(60));
          }
        }
        venues.close();
        pgProxy.close();
      }
    }
    return problems == 0 ? 0 : 1;
  }

  /** A HOCON duration ("30s", "2m") given to {@code option}. */
  private Duration duration(String option, String value) {
    try {
      return com.typesafe.config.ConfigFactory.parseMap(Map.of("d", value)).getDuration("d");
    } catch (com.typesafe.config.ConfigException e) {
      throw new ParameterException(spec.commandLine(), option + " must be a duration such as 30s, not '" + value + "'");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the scenario

  private int run(Duration outage, Duration soakFor) throws Exception {
    awaitCluster(Duration.ofMinutes(3));
    awaitOpenCycles(Duration.ofMinutes(2));
    int problems = falseDownings(Set.of()); // none while the cluster formed
    if (!soakFor.isZero()) {
      problems += soak(soakFor);
    }
    if (trials > 0) {
      System.out.printf(Locale.ROOT, "%n%-6s %-7s %14s %10s %11s %6s %11s %16s %13s %12s%n", "trial", "killed",
          "open cycles", "downed s", "resumed s", "lost", "dup orders", "dup withdrawals", "journal gaps",
          "false downs");
    }
    List<Double> resumed = new ArrayList<>();
    for (int t = 1; t <= trials; t++) {
      Trial r = killTrial(t);
      resumed.add(r.resumedSeconds);
      problems += r.lost + r.duplicateOrders + r.duplicateWithdrawals + (int) r.gaps + r.falseDownings;
      System.out.printf(Locale.ROOT, "%-6d %-7s %14d %10.1f %11.1f %6d %11d %16d %13d %12d%n", t, r.victim, r.open,
          r.downedSeconds, r.resumedSeconds, r.lost, r.duplicateOrders, r.duplicateWithdrawals, r.gaps,
          r.falseDownings);
    }
    if (!resumed.isEmpty()) {
      resumed.sort(null);
      System.out.printf(Locale.ROOT, "resume time over %d trials: min %.1f s, median %.1f s, max %.1f s%n",
          resumed.size(), resumed.get(0), median(resumed), resumed.get(resumed.size() - 1));
    }
    if (rolling) {
      problems += rollingRestart();
    }
    if (!outage.isZero()) {
      problems += databaseOutage(outage);
    }
    problems += falseDownings(Set.of());
    problems += drainAndAudit();
    System.out.println(problems == 0 ? "PASS: nothing lost, nothing duplicated, no journal gap, no false downing"
        : "FAIL: " + problems + " problem(s) above");
    return problems;
  }

  private record Trial(String victim, int open, double downedSeconds, double resumedSeconds, int lost,
      int duplicateOrders, int duplicateWithdrawals, long gaps, int falseDownings) {}

  private Trial killTrial(int trial) throws Exception {
    awaitCluster(Duration.ofMinutes(3));
    Map<NodeProcess, Map<UUID, String>> placement = awaitOpenCycles(Duration.ofMinutes(2));
    NodeProcess victim = placement.entrySet().stream()
        .max((a, b) -> a.getValue().size() != b.getValue().size()
            ? Integer.compare(a.getValue().size(), b.getValue().size())
            : Integer.compare(Math.floorMod(nodes.indexOf(b.getKey()) - trial, 3),
                Math.floorMod(nodes.indexOf(a.getKey()) - trial, 3)))
        .orElseThrow().getKey();
    Map<UUID, String> victimCycles = placement.get(victim);
    List<NodeProcess> survivors = nodes.stream().filter(n -> n != victim).toList();
    int falseBefore = falseDownings(Set.of()); // anything downed since the last look was not killed by the harness

    long t0 = System.currentTimeMillis();
    victim.kill();
    double downed = -1;
    long deadline = t0 + Duration.ofMinutes(3).toMillis();
    Map<UUID, Long> resumedAt = new HashMap<>();
    while (System.currentTimeMillis() < deadline && resumedAt.size() < victimCycles.size()) {
      if (downed < 0 && survivors.stream().allMatch(n -> n.membersUp().size() == 2)) {
        downed = (System.currentTimeMillis() - t0) / 1000.0;
      }
      for (Map.Entry<UUID, String> c : victimCycles.entrySet()) {
        if (!resumedAt.containsKey(c.getKey())) {
          long at = audit.firstEventAfter(persistenceId(c.getValue()), t0);
          if (at > 0) {
            resumedAt.put(c.getKey(), at);
          } else if (isTerminal(audit.status(c.getKey()))) {
            resumedAt.put(c.getKey(), -1L); // finished by its last event before the kill (projection lag)
          }
        }
      }
      pause(200);
    }
    double resumedSeconds = resumedAt.values().stream().mapToLong(v -> v).filter(v -> v > 0)
        .mapToDouble(v -> (v - t0) / 1000.0).max().orElse(Double.NaN);
    int lost = awaitTerminal(victimCycles.keySet(), Duration.ofMinutes(3));
    int falseNow = falseDownings(Set.of(victim.remotingPort)); // the victim's downing is the expected one
    victim.start();
    awaitCluster(Duration.ofMinutes(3));
    return new Trial(victim.name, victimCycles.size(), downed, resumedSeconds, lost, venues.duplicateOrders(),
        venues.duplicateBinanceWithdrawals(), audit.journalGaps(), falseBefore + falseNow);
  }

  /** SIGTERM each node in turn while cycles run; its cycles must hand off and complete. */
  private int rollingRestart() throws Exception {
    System.out.printf(Locale.ROOT, "%nrolling restart (SIGTERM, one node after the other)%n%-7s %14s %10s %11s %6s%n",
        "node", "open cycles", "exited s", "resumed s", "lost");
    int problems = 0;
    for (NodeProcess node : nodes) {
      awaitCluster(Duration.ofMinutes(3));
      Map<UUID, String> open = awaitOpenCycles(Duration.ofMinutes(2)).get(node);
      for (long until = System.currentTimeMillis() + 60_000; open.isEmpty() && System.currentTimeMillis() < until; ) {
        pause(250); // until this node hosts open cycles, so that its leave hands some off
        open = awaitOpenCycles(Duration.ofMinutes(2)).get(node);
      }
      long t0 = System.currentTimeMillis();
      boolean exited = node.terminate(Duration.ofMinutes(2));
      double exitedSeconds = (System.currentTimeMillis() - t0) / 1000.0;
      if (!exited) {
        System.out.println(node.name + " did not exit within 2 minutes of SIGTERM");
        problems++;
        node.kill();
      }
      double resumed = secondsUntilAllWriteAfter(open, t0, Duration.ofMinutes(2));
      int lost = awaitTerminal(open.keySet(), Duration.ofMinutes(3));
      problems += lost;
      System.out.printf(Locale.ROOT, "%-7s %14d %10.1f %11.1f %6d%n", node.name, open.size(), exitedSeconds, resumed,
          lost);
      node.start();
    }
    awaitCluster(Duration.ofMinutes(3));
    int falseDowns = falseDownings(Set.of()); // a graceful leave downs nobody
    System.out.printf(Locale.ROOT, "  members downed during the rolling restart (false downings): %d%n", falseDowns);
    return problems + falseDowns;
  }

  /** Cuts every node's database connections for {@code outage}: entities back off and recover, nothing is lost. */
  private int databaseOutage(Duration outage) throws Exception {
    awaitCluster(Duration.ofMinutes(3));
    awaitOpenCycles(Duration.ofMinutes(2));
    Map<UUID, String> open = audit.openCycles();
    Map<String, Long> before = audit.highestSequenceNumbers();
    Map<NodeProcess, Long> logOffsets = new HashMap<>();
    for (NodeProcess n : nodes) {
      logOffsets.put(n, Files.size(n.log()));
    }
    System.out.printf(Locale.ROOT, "%ndatabase outage: cutting the nodes' PostgreSQL connections for %d s with %d "
        + "cycles open%n", outage.toSeconds(), open.size());
    pgProxy.cut();
    pause(outage.toMillis());
    pgProxy.restore();
    long restored = System.currentTimeMillis();
    double writing = secondsUntilAllWriteAfter(open, restored, Duration.ofMinutes(3));
    int lost = awaitTerminal(open.keySet(), Duration.ofMinutes(5));
    double recovered = (System.currentTimeMillis() - restored) / 1000.0;
    Map<String, Long> after = audit.highestSequenceNumbers();
    long eventsLost = before.entrySet().stream()
        .filter(e -> after.getOrDefault(e.getKey(), 0L) < e.getValue()).count();
    int backoffs = 0;
    int persistFailures = 0;
    for (NodeProcess n : nodes) {
      String log = readFrom(n.log(), logOffsets.get(n));
      backoffs += count(log, "RestartSupervisor saw failure");
      persistFailures += count(log, "Failed to persist") + count(log, "Exception during recovery");
    }
    long alive = nodes.stream().filter(NodeProcess::alive).count();
    long gaps = audit.journalGaps();
    System.out.printf(Locale.ROOT, "  nodes alive afterwards: %d/3; journal writes/recoveries that failed during the "
            + "outage: %d; supervisor restarts with backoff: %d%n", alive, persistFailures, backoffs);
    System.out.printf(Locale.ROOT, "  after the database came back: every open cycle wrote to its journal again within "
        + "%.1f s and had completed after %.1f s; lost %d; persistence ids whose stored events shrank: %d; journal "
        + "gaps: %d%n", writing, recovered, lost, eventsLost, gaps);
    int falseDowns = falseDownings(Set.of()); // a database outage must not cost a member
    System.out.printf(Locale.ROOT, "  members downed during the outage (false downings): %d%n", falseDowns);
    return lost + (int) eventsLost + (int) gaps + (int) (3 - alive) + falseDowns;
  }

  /** No new opportunities; every open cycle finishes; then the totals. */
  private int drainAndAudit() throws Exception {
    venues.stopOpportunities();
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
    // every cycle the journal started is in the read table, and none is open
    while ((!audit.openCycles().isEmpty() || audit.cyclesInReadTable() < audit.cyclesStartedInJournal())
        && System.currentTimeMillis() < deadline) {
      pause(500);
    }
    long started = audit.cyclesStartedInJournal();
    long completed = audit.cyclesWithStatus("COMPLETED");
    long deadLettered = audit.cyclesWithStatus("DEAD_LETTER");
    long open = audit.openCycles().size();
    int dupOrders = venues.duplicateOrders();
    int dupBinanceWithdrawals = venues.duplicateBinanceWithdrawals();
    long upbitWithdrawals = venues.upbit.withdrawalCount();
    long upbitExpected = audit.completedUpbitWithdrawals();
    long gaps = audit.journalGaps();
    System.out.printf(Locale.ROOT, "%ntotals: %d cycles started (journal), %d completed, %d dead-lettered, %d still open%n",
        started, completed, deadLettered, open);
    System.out.printf(Locale.ROOT, "  orders at the venues: %d (Binance %d, Upbit %d), beyond one per intent: %d%n",
        venues.ordersByClientId().size(), venues.binance.orderCount(), venues.upbit.orderCount(), dupOrders);
    System.out.printf(Locale.ROOT, "  withdrawals: Binance %d (beyond one per intent: %d), Upbit %d for %d completed "
        + "(no client id: compared by count)%n", venues.binance.withdrawalCount(), dupBinanceWithdrawals,
        upbitWithdrawals, upbitExpected);
    System.out.printf(Locale.ROOT, "  journal gaps: %d%n", gaps);
    int limited = venues.rateLimitReplies();
    System.out.printf(Locale.ROOT, "  rate-limit replies the fakes returned over the run: Binance %d x 429, %d x 418; "
        + "Upbit %d x 429, %d x 418%n", venues.binance.returned429(), venues.binance.returned418(),
        venues.upbit.returned429(), venues.upbit.returned418());
    System.out.printf(Locale.ROOT, "  false downings (members downed that the harness did not kill): %d; "
        + "unreachability marks in the node logs: %d%n", falseDownings, unreachableMarks);
    long upbitDuplicates = Math.max(0, upbitWithdrawals - upbitExpected);
    return (int) (started - completed) + dupOrders + dupBinanceWithdrawals + (int) upbitDuplicates + (int) gaps
        + limited;
  }

  /**
   * Reads the node logs since the last look: every member the split-brain resolver downed whose remoting port is not in
   * {@code killed} is a false downing; prints the decision, adds it to the run's count and returns how many.
   */
  private int falseDownings(Set<Integer> killed) throws IOException {
    ClusterLogScan.Findings f = clusterLog.scan(nodes.stream().map(NodeProcess::log).toList());
    unreachableMarks += f.unreachableMarks();
    Set<Integer> unexpected = new java.util.TreeSet<>(f.downedPorts());
    unexpected.removeAll(killed);
    if (!unexpected.isEmpty()) {
      f.decisions().forEach(d -> System.out.println("  false downing: " + d));
    }
    falseDownings += unexpected.size();
    return unexpected.size();
  }

  /**
   * Three nodes trading for {@code duration} with nothing killed: every member downed is a false downing, and so is a
   * node that exits (it is started again so that the soak goes on). Prints progress every few minutes, so that a soak
   * cut short still leaves figures.
   */
  private int soak(Duration duration) throws Exception {
    long t0 = System.currentTimeMillis();
    long end = t0 + duration.toMillis();
    long every = Math.max(60_000, Math.min(300_000, duration.toMillis() / 6));
    long nextReport = t0 + every;
    int exits = 0;
    int falseBefore = falseDownings;
    int marksBefore = unreachableMarks;
    System.out.printf(Locale.ROOT, "%nsoak: 3 nodes trading for %d min, no kills (every member downed is a false "
        + "downing)%n%-9s %16s %10s %10s %14s %13s %11s%n", duration.toMinutes(), "elapsed", "cycles started",
        "completed", "open", "false downs", "unreachable", "node exits");
    while (System.currentTimeMillis() < end) {
      pause(Math.min(2_000, Math.max(1, end - System.currentTimeMillis())));
      falseDownings(Set.of());
      for (NodeProcess n : nodes) {
        if (!n.alive()) {
          exits++;
          System.out.printf(Locale.ROOT, "  %s exited at %.0f s (see %s); starting it again%n", n.name,
              (System.currentTimeMillis() - t0) / 1000.0, n.log());
          n.start();
        }
      }
      long now = System.currentTimeMillis();
      if (now >= nextReport || now >= end) {
        nextReport += every;
        System.out.printf(Locale.ROOT, "%-9s %16d %10d %10d %14d %13d %11d%n",
            (now - t0) / 60_000 + " min", audit.cyclesStartedInJournal(), audit.cyclesWithStatus("COMPLETED"),
            audit.openCycles().size(), falseDownings - falseBefore, unreachableMarks - marksBefore, exits);
      }
    }
    int falseDowns = falseDownings - falseBefore;
    System.out.printf(Locale.ROOT, "soak over %d min: false downings %d, unreachability marks %d, node exits %d%n",
        duration.toMinutes(), falseDowns, unreachableMarks - marksBefore, exits);
    return falseDowns + exits;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // waiting

  /** Every node runs, is ready and sees three members Up. */
  private void awaitCluster(Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      if (nodes.stream().allMatch(n -> n.alive() && n.ready() && n.membersUp().size() == 3)) {
        return;
      }
      for (NodeProcess n : nodes) {
        if (!n.alive()) {
          throw new IllegalStateException(n.name + " exited; see " + n.log());
        }
      }
      pause(500);
    }
    throw new IllegalStateException("the cluster did not form within " + timeout.toSeconds() + " s; see the logs in "
        + nodes.get(0).log().getParent());
  }

  /** Waits until some node hosts open cycles; returns the open cycles per node (by shard placement). */
  private Map<NodeProcess, Map<UUID, String>> awaitOpenCycles(Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (true) {
      Map<UUID, String> open = audit.openCycles();
      Map<NodeProcess, Map<UUID, String>> placement = new LinkedHashMap<>();
      for (NodeProcess n : nodes) {
        Set<String> shards = n.shards(ENTITY_TYPE);
        placement.put(n, open.entrySet().stream().filter(e -> shards.contains(shardOf(e.getValue())))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
      }
      if (placement.values().stream().anyMatch(m -> !m.isEmpty())) {
        return placement;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("no cycle opened within " + timeout.toSeconds() + " s: are opportunities "
            + "offered? see the node logs in " + nodes.get(0).log().getParent());
      }
      pause(250);
    }
  }

  /**
   * Seconds from {@code t0} until the last of {@code cycles} persisted an event after it (0 if none had to: they had
   * ended), waiting up to {@code timeout} for each.
   */
  private double secondsUntilAllWriteAfter(Map<UUID, String> cycles, long t0, Duration timeout) throws Exception {
    double seconds = 0;
    for (Map.Entry<UUID, String> c : cycles.entrySet()) {
      long at = awaitEventAfter(c, t0, timeout);
      if (at > 0) {
        seconds = Math.max(seconds, (at - t0) / 1000.0);
      }
    }
    return seconds;
  }

  private long awaitEventAfter(Map.Entry<UUID, String> cycle, long t0, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      long at = audit.firstEventAfter(persistenceId(cycle.getValue()), t0);
      if (at > 0 || isTerminal(audit.status(cycle.getKey()))) {
        return at;
      }
      pause(200);
    }
    return -1;
  }

  /** Waits for the cycles to end; returns how many did not complete. */
  private int awaitTerminal(Set<UUID> cycles, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      boolean all = true;
      for (UUID c : cycles) {
        all &= isTerminal(audit.status(c));
      }
      if (all) {
        break;
      }
      pause(250);
    }
    int notCompleted = 0;
    for (UUID c : cycles) {
      String s = audit.status(c);
      if (!"COMPLETED".equals(s)) {
        System.out.println("  cycle " + c + " ended " + s);
        notCompleted++;
      }
    }
    return notCompleted;
  }

  /** The median of sorted {@code values} (the mean of the middle two for an even count). */
  static double median(List<Double> values) {
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  private static boolean isTerminal(String status) {
    return status != null && JournalAudit.TERMINAL.contains("'" + status + "'");
  }

  private static String persistenceId(String symbol) {
    return ArbitrageCycle.persistenceIdOf(symbol).id();
  }

  /** Sharding's default placement of an entity id: |hashCode mod number-of-shards|. */
  static String shardOf(String symbol) {
    return String.valueOf(Math.abs(symbol.hashCode() % SHARDS));
  }

  private static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis); // the harness's own main thread between polls of processes and the database
  }

  private static String readFrom(Path file, long offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
        StandardCharsets.UTF_8);
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the nodes

  private void startNodes(Path dir, String dbUrl) throws Exception {
    int[] remoting = freePorts(3);
    int[] management = freePorts(3);
    int[] admin = freePorts(3);
    String endpoints = java.util.Arrays.stream(management)
        .mapToObj(p -> "{ host = \"127.0.0.1\", port = " + p + " }").collect(Collectors.joining(", "));
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int i = 0; i < 3; i++) {
      String name = "node" + (i + 1);
      Path conf = dir.resolve(name + ".conf");
      Files.writeString(conf, nodeConfig(dir.resolve(name), dbUrl, remoting[i], management[i], admin[i], endpoints));
      NodeProcess n = new NodeProcess(name, java, List.of("-Xms128m", "-Xmx" + nodeHeap, "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-Dkimp.log.format=text"), jar.toAbsolutePath(), conf, remoting[i], management[i],
          dir.resolve(name + ".log"));
      nodes.add(n);
      n.start();
    }
    System.out.printf(Locale.ROOT, "3 nodes starting (management ports %d, %d, %d); PostgreSQL through a proxy on %d%n",
        management[0], management[1], management[2], pgProxy.port());
  }

  private String nodeConfig(
      Path dataDir, String dbUrl, int remotingPort, int managementPort, int adminPort, String endpoints) {
    String symbols = coins.stream().map(String::trim).collect(Collectors.joining(", "));
    return String.join("\n",
        "# written by kimp bench failover",
        "kimp {",
        "  db { url = \"" + dbUrl + "\", user = \"" + pg.user + "\", pool-size = 4 }",
        "  data-dir = \"" + dataDir.toAbsolutePath() + "\"",
        "  trading.mode = live",
        "  exchanges.binance { base-url = \"" + venues.binance.baseUrl() + "\", api-key = \""
            + FailoverVenues.BINANCE_KEY + "\", secret-key = \"" + FailoverVenues.BINANCE_SECRET
            + "\", request-timeout = 3s }",
        "  exchanges.upbit { base-url = \"" + venues.upbit.baseUrl() + "\", access-key = \"" + FailoverVenues.UPBIT_KEY
            + "\", secret-key = \"" + FailoverVenues.UPBIT_SECRET + "\", request-timeout = 3s }",
        "  feeds {",
        "    symbols = [" + symbols + "]",
        "    upbit { websocket-url = \"" + venues.simulator.upbitWebSocketUrl() + "\", rest-url = \""
            + venues.simulator.upbitRestUrl() + "\" }",
        "    binance { websocket-url = \"" + venues.simulator.binanceWebSocketUrl() + "\", rest-url = \""
            + venues.simulator.binanceRestUrl() + "\" }",
        "    fx.usd-krw-url = \"\"",
        "    opportunity-cooldown = 2s",
        "  }",
        "  admin.port = " + adminPort,
        "  telegram.enabled = off",
        "  cluster { management.enabled = on, bootstrap.enabled = on }",
        "  portfolio { capital-krw = 1000000000, sizing = FIXED_AMOUNT, fixed-amount-krw = 250000 }",
        "  risk { max-concurrent-cycles = 100, max-exposure-krw = 1000000000, daily-loss-limit-krw = 0 }",
        // the harness measures failover, not profit: a rebalance leg always starts
        "  strategy { finalizer-min-profit-percent = -100, rebalance-check-interval = 500ms }",
        "  transfer { poll-interval = 500ms, deposit-timeout = 2m }",
        "  execution { order-timeout = 5s, withdraw-timeout = 5s, reconcile-interval = 500ms, "
            + "unknown-outcome-grace = 6s, redelivery-interval = 1s }",
        "  retry.base-delay = 2s",
        "}",
        "pekko {",
        "  loglevel = INFO",
        "  remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remotingPort + " }",
        "  management.http { hostname = \"127.0.0.1\", port = " + managementPort + " }",
        "  discovery.config.services.kimp.endpoints = [" + endpoints + "]",
        "  management.cluster.bootstrap.contact-point-discovery { required-contact-point-nr = 3, stable-margin = 1ms }",
        "}",
        "");
  }

  /** {@code n} ports free on loopback right now (also for the durability bench's nodes). */
  static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return ports;
  }
}
