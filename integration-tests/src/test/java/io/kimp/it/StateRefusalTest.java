package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.fixtures.db.TestDatabases;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code kimp run --simulate} as a person runs it (a separate JVM running {@code Main}, its stderr and exit code):
 * a fresh start, a kill -9 and a clean stop are restarted without complaint, while damaged or inconsistent state is
 * refused with one line on stderr and exit code 2, and {@code --discard-state} starts over saying what it moved aside.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StateRefusalTest {
  private static final String STARTED = "watching ";
  private static final String TRADED = " at avg ";
  private final Path root = TestDatabases.tempDir("kimp-refusal-");
  /** The data directory every case runs in (the journal's high-water mark names the database by its URL). */
  private final Path dir = root.resolve("data");
  /** The state after the healthy runs: each case starts from a copy of it. */
  private final Path seed = root.resolve("seed");
  private final List<Process> running = new ArrayList<>();
  private int run;
  private String dbUser = "";

  private String url() {
    return TestDatabases.h2File(dir);
  }

  private Path h2() {
    return dir.resolve("kimp.mv.db");
  }

  /** A node's process: its combined output goes to a file the test reads. */
  private record Node(Process process, Path output) {
    String text() {
      try {
        return Files.readString(output, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }

    int count(String s) {
      String t = text();
      int n = 0;
      for (int i = t.indexOf(s); i >= 0; i = t.indexOf(s, i + 1)) {
        n++;
      }
      return n;
    }
  }

  private Node start(String dbUrl, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Xmx384m",
        "-Dkimp.data-dir=" + dir,
        "-Dkimp.db.url=" + dbUrl,
        "-Dkimp.db.user=" + dbUser,
        "-Dkimp.admin.port=0",
        "-Dpekko.remote.artery.canonical.port=0",
        "-Dkimp.paper.transfer-time.default=1s",
        "-Dkimp.feeds.opportunity-cooldown=2s",
        "io.kimp.app.Main", "run", "--simulate"));
    cmd.addAll(List.of(extra));
    Path out = root.resolve("run-" + (++run) + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("KIMP_LOG_FORMAT", "text");
    pb.environment().remove("DATABASE_URL");
    Process p = pb.start();
    running.add(p);
    return new Node(p, out);
  }

  /** Runs a node that must refuse: exit code 2, one line on stderr, no stack trace, and it never started. */
  private String refused(String dbUrl) throws Exception {
    Node n = start(dbUrl);
    await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> !n.process().isAlive() || n.text().contains(STARTED));
    String out = n.text();
    if (n.process().isAlive()) {
      n.process().destroyForcibly().waitFor();
    }
    assertThat(out).as("the node must not start on this state").doesNotContain(STARTED);
    assertThat(n.process().exitValue()).as(out).isEqualTo(2);
    assertThat(out).doesNotContain("\tat ").doesNotContain("Exception in thread");
    List<String> refusals = out.lines().filter(l -> l.startsWith("kimp: ")).toList();
    assertThat(refusals).as(out).hasSize(1);
    return refusals.get(0);
  }

  /** A node that starts and (with {@code trades}) fills paper orders; the bound only ends a hung test. */
  private Node started(boolean trades, String... extra) throws Exception {
    Node n = start(url(), extra);
    await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          assertThat(n.process().isAlive()).as(n.text()).isTrue();
          assertThat(n.text()).contains(STARTED);
          assertThat(n.count(TRADED)).isGreaterThanOrEqualTo(trades ? 1 : 0);
        });
    return n;
  }

  /** The healthy runs: a fresh start, kill -9 while trading, a restart, a clean stop, a restart, a clean stop. */
  @BeforeAll
  void healthyRuns() throws Exception {
    Node fresh = started(true);
    fresh.process().destroyForcibly().waitFor();
    Node afterKill = started(false);
    assertThat(afterKill.text()).doesNotContain("refusing");
    afterKill.process().destroy();
    afterKill.process().waitFor();
    Node afterStop = started(false);
    afterStop.process().destroy();
    afterStop.process().waitFor();
    assertThat(dir.resolve("journal.hwm")).exists();
    copy(dir, seed);
  }

  @BeforeEach
  void fromSeed() throws IOException {
    dbUser = "";
    delete(dir);
    copy(seed, dir);
  }

  @AfterAll
  void cleanUp() throws IOException {
    running.forEach(Process::destroyForcibly);
    delete(root);
  }

  @Test
  void aTruncatedH2FileIsRefused() throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(h2().toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    assertThat(refused(url())).startsWith("kimp: refusing to start: ").contains("--discard-state=" + dir);
  }

  @Test
  void randomBytesInTheMiddleOfTheH2FileAreRefused() throws Exception {
    // 4 KiB of random bytes every 32 KiB between a tenth and nine tenths of the file: enough to land in live chunks
    // (one spot in the middle may fall into space H2 no longer uses, and then nothing is damaged)
    try (RandomAccessFile f = new RandomAccessFile(h2().toFile(), "rw")) {
      byte[] junk = new byte[4096];
      Random random = new Random(7);
      for (long at = f.length() / 10; at < f.length() * 9 / 10; at += 32 * 1024) {
        random.nextBytes(junk);
        f.seek(at);
        f.write(junk);
      }
    }
    assertThat(refused(url())).startsWith("kimp: refusing to start: ").contains("backup");
  }

  @Test
  void aDeletedH2FileNextToAnEarlierRunsDataIsRefused() throws Exception {
    Files.delete(h2());
    assertThat(refused(url())).contains("is missing").contains("journal.hwm");
  }

  @Test
  void aJournalBehindTheLedgerIsRefused() throws Exception {
    sql("INSERT INTO paper_orders (venue, client_id, order_id, coin, side, status, filled_quantity, quote_amount, fee, "
        + "fee_asset, updated_at_ms) VALUES ('BINANCE', '0123456789abcdef0123456789abcdefIB01', 'lost', 'XRP', 'BUY', "
        + "'FILLED', 1, 1, 0, 'XRP', 0)");
    assertThat(refused(url())).contains("journal is behind the paper ledger")
        .contains("0123456789abcdef0123456789abcdefIB01");
  }

  @Test
  void aMissingLedgerNextToAJournalWithCyclesIsRefused() throws Exception {
    sql("DELETE FROM paper_ledger");
    assertThat(refused(url())).contains("paper ledger is missing");
  }

  @Test
  void anUnreadableLedgerFileIsRefused() throws Exception {
    Files.writeString(dir.resolve("paper-ledger.json"), "{\"version\": 1, \"balances\": {");
    assertThat(refused(url())).contains("paper-ledger.json").contains("cannot be read");
  }

  /** The evidence case: a new, migrated but empty database next to a kimp 0.1 ledger full of orders. */
  @Test
  void anEmptyDatabaseNextToALedgerWithOrdersIsRefused() throws Exception {
    Path other = TestDatabases.tempDir("kimp-empty-");
    String emptyUrl = TestDatabases.h2File(other);
    try (Connection c = DriverManager.getConnection(emptyUrl)) {
      io.kimp.persistence.Migrations.migrate(io.kimp.persistence.DatabaseSettings.fromConfig(
          com.typesafe.config.ConfigFactory.parseString("kimp.db { url = \"" + emptyUrl
              + "\", user = \"\", password = \"\", pool-size = 1 }")));
    }
    Files.writeString(dir.resolve("paper-ledger.json"), """
        { "version" : 1, "sequence" : 1,
          "balances" : { "BINANCE" : { "USDT" : 9950, "XRP" : 100 }, "UPBIT" : { "KRW" : 10000000 } },
          "orders" : { "BINANCE" : { "c0ffee00000000000000000000000001IB01" : {
              "clientId" : "c0ffee00000000000000000000000001IB01", "orderId" : "paper-binance-order-1", "coin" : "XRP",
              "side" : "BUY", "status" : "FILLED", "filledQuantity" : 100, "quoteAmount" : 50, "fee" : 0.1,
              "feeAsset" : "XRP", "updatedAtMs" : 1 } } },
          "usedClientIds" : { "BINANCE" : [ "c0ffee00000000000000000000000001IB01" ] },
          "withdrawals" : { }, "deposits" : [ ] }
        """);
    assertThat(refused(emptyUrl)).contains("journal is behind the paper ledger").contains("paper-ledger.json");
    delete(other);
  }

  @Test
  void discardStateStartsOverAndSaysWhatItMovedAside() throws Exception {
    Files.delete(h2());
    Node wrong = start(url(), "--discard-state=" + root);
    wrong.process().waitFor();
    assertThat(wrong.process().exitValue()).isEqualTo(2);
    assertThat(wrong.text()).contains("--discard-state must name the data directory").contains(dir.toString());

    Node n = started(false, "--discard-state=" + dir);
    assertThat(n.text()).contains("kimp: discarded (moved aside): " + dir.resolve("journal.hwm") + " -> ");
    n.process().destroy();
    n.process().waitFor();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(f -> f.startsWith("journal.hwm.discarded-"));
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
