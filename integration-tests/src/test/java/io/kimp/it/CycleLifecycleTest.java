package io.kimp.it;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.kimp.app.Main;
import io.kimp.app.node.KimpNode;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.Venue;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import io.kimp.persistence.JournalReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node's whole cycle lifecycle against the real journal and read tables, on H2 and on PostgreSQL: the retry schedule to
 * the dead-letter queue and back, the operators' SQL, journal replay and the read-model rebuild.
 */
class CycleLifecycleTest {
  private String db;
  private KimpNode node;

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    TestNodes.dropDatabase(db);
  }

  private UUID startCycle(String symbol) throws Exception {
    CycleReply reply =
        node.cycles().ask(symbol, new CycleInput.Start(TestNodes.opportunity(symbol))).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(reply.accepted()).as(reply.message()).isTrue();
    return reply.cycleId();
  }

  private DeadLetterQueue.Outcome recover(UUID cycle) throws Exception {
    return AskPattern.<DeadLetterQueue.Command, DeadLetterQueue.Outcome>ask(
            node.deadLetters(), r -> new DeadLetterQueue.Recover(cycle, "it-test", r), Duration.ofSeconds(15),
            node.system().scheduler())
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void fiveTransientFailuresDeadLetterWithOneAlertAndRecoverCompletesTheCycle(String kind) throws Exception {
    db = TestNodes.database(kind);
    Config config = TestNodes.config(db, "kimp.retry.base-delay = 200ms");
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.TRANSIENT, Fault.TRANSIENT, Fault.TRANSIENT, Fault.TRANSIENT,
        Fault.TRANSIENT);
    RecordingAlertSink alerts = new RecordingAlertSink();
    node = TestNodes.start(config, exchange, TestNodes.profitableMarket(), alerts);

    UUID cycle = startCycle("XRP");
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD_LETTER".equals(status(node.readSide(), cycle)));
    await().atMost(Duration.ofSeconds(10)).until(() -> alerts.of(AlertKind.CYCLE_DEAD_LETTERED).size() == 1);
    assertThat(exchange.orders()).isEmpty();
    assertThat(exchange.calls(Venue.BINANCE, Op.PLACE_ORDER)).isEqualTo(5);

    // the journal shows the schedule: retry n after 200 ms × 2^(n−1)
    List<ObjectNode> events =
        new JournalReader(node.system(), node.readSide()).cycle(cycle).toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<ObjectNode> scheduled = events.stream().filter(e -> e.get("type").asText().equals("RetryScheduled")).toList();
    assertThat(scheduled).hasSize(4);
    for (int n = 1; n <= 4; n++) {
      ObjectNode e = scheduled.get(n - 1);
      Duration delay =
          Duration.between(Instant.parse(e.get("at").asText()), Instant.parse(e.get("nextRetryAt").asText()));
      assertThat(delay).isEqualTo(Duration.ofMillis(200L << (n - 1)));
      assertThat(e.get("retryCount").asInt()).isEqualTo(n);
    }
    assertThat(events.stream().filter(e -> e.get("type").asText().equals("CycleDeadLettered"))).hasSize(1);
    List<Map<String, Object>> row =
        TestNodes.query(node.readSide(), "SELECT retry_count, failure_reason FROM arbitrage_cycles WHERE id = ?", cycle);
    assertThat(((Number) row.get(0).get("retry_count")).intValue()).isEqualTo(5);
    assertThat((String) row.get(0).get("failure_reason")).contains("gave up after 5 failures");

    DeadLetterQueue.Outcome outcome = recover(cycle);
    assertThat(outcome.ok()).as(outcome.message()).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(node.readSide(), cycle)));
    assertThat(alerts.of(AlertKind.CYCLE_RECOVERED)).hasSize(1);
    assertThat(alerts.of(AlertKind.CYCLE_DEAD_LETTERED)).hasSize(1);
    assertThat(exchange.executedPerIntent().values()).containsOnly(1L);
    // a second recovery of the same cycle is refused
    assertThat(recover(cycle).code()).isEqualTo("CONFLICT");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void theOperatorsSqlRunsOnTheProjectedTables(String kind) throws Exception {
    db = TestNodes.database(kind);
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT);
    FixedMarketView market = new FixedMarketView(); // no coin carries KRW home yet
    node = TestNodes.start(TestNodes.config(db, ""), exchange, market, new RecordingAlertSink());

    UUID dead = startCycle("XRP"); // the scripted -2010 dead-letters it
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD_LETTER".equals(status(node.readSide(), dead)));
    UUID waiting = startCycle("TRX");
    await().atMost(Duration.ofSeconds(30)).until(() -> "AWAITING_REBALANCE".equals(status(node.readSide(), waiting)));

    List<Map<String, Object>> dlq =
        TestNodes.query(node.readSide(),
            "SELECT id, status, failure_reason, retry_count, last_retry_at FROM arbitrage_cycles "
                + "WHERE status = 'DEAD_LETTER' ORDER BY last_retry_at DESC;");
    assertThat(dlq).singleElement().satisfies(r -> {
      assertThat(r.get("id")).isEqualTo(dead);
      assertThat((String) r.get("failure_reason")).contains("-2010");
      assertThat(((Number) r.get("retry_count")).intValue()).isEqualTo(1);
    });
    List<Map<String, Object>> awaiting =
        TestNodes.query(node.readSide(),
            "SELECT id, status, locked_at, retry_count FROM arbitrage_cycles WHERE status = 'AWAITING_REBALANCE';");
    assertThat(awaiting).singleElement().satisfies(r -> {
      assertThat(r.get("id")).isEqualTo(waiting);
      assertThat(r.get("locked_at")).isNotNull();
      assertThat(((Number) r.get("retry_count")).intValue()).isZero();
    });

    // the market turns: the waiting cycle carries its KRW home through XRP
    market.quote("XRP", "2820", "2.02", "1400");
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(node.readSide(), waiting)));
    List<Map<String, Object>> done =
        TestNodes.query(node.readSide(),
            "SELECT rebalance_symbol, initial_trade_id, rebalance_trade_id, total_net_profit_krw, "
                + "initial_investment_krw, end_time FROM arbitrage_cycles WHERE id = ?", waiting);
    assertThat(done.get(0).get("rebalance_symbol")).isEqualTo("XRP");
    assertThat(done.get(0).get("initial_trade_id")).isNotNull();
    assertThat(done.get(0).get("rebalance_trade_id")).isNotNull();
    assertThat(done.get(0).get("total_net_profit_krw")).isNotNull();
    assertThat(done.get(0).get("end_time")).isNotNull();
    List<Map<String, Object>> trades =
        TestNodes.query(node.readSide(),
            "SELECT trade_type, side, status FROM trades WHERE cycle_id = ? ORDER BY created_at", waiting);
    assertThat(trades).extracting(r -> r.get("trade_type") + " " + r.get("side") + " " + r.get("status"))
        .containsExactly(
            "INITIAL BUY FILLED", "INITIAL WITHDRAW COMPLETED", "INITIAL DEPOSIT COMPLETED", "INITIAL SELL FILLED",
            "REBALANCE BUY FILLED", "REBALANCE WITHDRAW COMPLETED", "REBALANCE DEPOSIT COMPLETED",
            "REBALANCE SELL FILLED");

    // operators' tools: journal replay and a rebuild of the read tables from the journal give the same picture
    String projected = snapshot(node.readSide());
    node.close();
    node = null;
    String[] db = dbArgs();
    String journal = run(concat(new String[] {"journal", "--cycle", waiting.toString()}, db));
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> types = new java.util.ArrayList<>();
    for (String line : journal.lines().toList()) {
      com.fasterxml.jackson.databind.JsonNode e = json.readTree(line); // every line is a JSON object
      assertThat(e.get("sequenceNr").asLong()).isPositive();
      assertThat(e.get("cycleId").asText()).isEqualTo(waiting.toString());
      types.add(e.get("type").asText());
    }
    assertThat(types)
        .startsWith("CapitalRequested", "CycleStarted", "StepRequested", "StepCompleted")
        .contains("RebalanceDeferred", "RebalanceStarted", "CycleCompleted");
    String rebuilt = run(concat(new String[] {"projections", "rebuild"}, db));
    assertThat(rebuilt).contains("2 cycles");
    io.kimp.persistence.DatabaseSettings settings =
        io.kimp.persistence.DatabaseSettings.fromConfig(TestNodes.config(this.db, ""));
    try (var ds = io.kimp.persistence.ReadSideDataSource.create(settings, "it-snapshot")) {
      assertThat(snapshot(ds)).isEqualTo(projected);
    }
  }

  private String[] dbArgs() {
    return new String[] {
      "-Dkimp.db.url=" + db,
      "-Dkimp.db.user=" + (db.startsWith("jdbc:postgresql:") ? io.kimp.fixtures.db.TestDatabases.PG_USER : "")
    };
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Runs the kimp CLI in-process and returns what it printed. */
  private static String run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.commandLine().execute(args);
    } finally {
      System.setOut(saved);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as("kimp %s exit code; printed:%n%s", String.join(" ", args), printed).isZero();
    return printed;
  }

  private static String snapshot(javax.sql.DataSource ds) {
    StringBuilder sb = new StringBuilder();
    for (Map<String, Object> r : TestNodes.query(ds,
        "SELECT id, symbol, status, retry_count, failure_reason, total_net_profit_krw, initial_trade_id, "
            + "rebalance_trade_id FROM arbitrage_cycles ORDER BY id")) {
      sb.append(r).append('\n');
    }
    for (Map<String, Object> r : TestNodes.query(ds,
        "SELECT id, cycle_id, trade_type, side, status, quantity, price, fee, net_profit_krw FROM trades ORDER BY id")) {
      sb.append(r).append('\n');
    }
    return sb.toString();
  }
}
