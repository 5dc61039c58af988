package io.kimp.it;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.kimp.app.node.KimpNode;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.fixtures.venue.Fault;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole cycles in live mode: the production gateways (signed Binance REST, Upbit JWT) against the fake venues on loopback,
 * which verify every signature, keep balances and orders, move coins over a fake chain, and inject the venues' failures.
 */
class LiveVenueCycleTest {
  private static final String ORDER = "POST /api/v3/order";
  private static final String WITHDRAW = "POST /sapi/v1/capital/withdraw/apply";

  private FakeChain chain;
  private FakeBinance binance;
  private FakeUpbit upbit;
  private String db;
  private KimpNode node;

  private LiveFakeVenues venues;

  @BeforeEach
  void venues() {
    venues = new LiveFakeVenues(Duration.ofMillis(300));
    chain = venues.chain;
    binance = venues.binance;
    upbit = venues.upbit;
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    venues.close();
    TestNodes.dropDatabase(db);
  }

  private Config config(String kind, String extra) {
    db = db != null ? db : TestNodes.database(kind);
    Path dataDir = TestDatabases.tempDir("kimp-live-");
    return TestNodes.config(db, String.join("\n",
        "kimp.data-dir = \"" + dataDir + "\"",
        venues.liveSettings(),
        "kimp.execution.unknown-outcome-grace = 2s",
        extra));
  }

  /** A node trading through the production gateway factory (live mode: the fakes). */
  private KimpNode startNode(Config config) {
    return LiveFakeVenues.startNode(config, TestNodes.profitableMarket(), new RecordingAlertSink());
  }

  private UUID startCycle() throws Exception {
    CycleReply reply =
        node.cycles().ask("XRP", new CycleInput.Start(TestNodes.opportunity("XRP"))).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(reply.accepted()).as(reply.message()).isTrue();
    return reply.cycleId();
  }

  private void awaitStatus(UUID cycle, String status, int seconds) {
    await().atMost(Duration.ofSeconds(seconds)).until(() -> status.equals(status(node.readSide(), cycle)));
  }

  private void assertOneOrderAndWithdrawalPerIntent() {
    assertThat(binance.ordersByClientId().values()).containsOnly(1);
    assertThat(upbit.ordersByIdentifier().values()).containsOnly(1);
    assertThat(binance.withdrawalsByClientId().values()).containsOnly(1);
    // buy + rebalance sell at Binance, sell + rebalance buy at Upbit, one withdrawal each way
    assertThat(binance.orderCount()).isEqualTo(2);
    assertThat(upbit.orderCount()).isEqualTo(2);
    assertThat(binance.withdrawalCount()).isEqualTo(1);
    assertThat(upbit.withdrawalCount()).isEqualTo(1);
  }

  private String failureReason(UUID cycle) {
    List<Map<String, Object>> r =
        TestNodes.query(node.readSide(), "SELECT failure_reason FROM arbitrage_cycles WHERE id = ?", cycle);
    return (String) r.get(0).get("failure_reason");
  }

  @Test
  void aWholeCycleTradesAtTheVenues() throws Exception {
    node = startNode(config("h2", ""));
    UUID cycle = startCycle();
    awaitStatus(cycle, "COMPLETED", 60);
    assertOneOrderAndWithdrawalPerIntent();
    List<Map<String, Object>> row =
        TestNodes.query(node.readSide(),
            "SELECT total_net_profit_krw, total_net_profit_percent FROM arbitrage_cycles WHERE id = ?", cycle);
    // buying back at 2,900 KRW what was sold at 2,899 costs fees and spread: a small, known loss
    assertThat((BigDecimal) row.get(0).get("total_net_profit_percent")).isBetween(new BigDecimal("-3"), BigDecimal.ZERO);
    assertThat(binance.balance("USDT")).isLessThan(new BigDecimal("10000"));
  }

  @Test
  void aServerErrorAfterTheOrderExecutedLeavesExactlyOneOrder() throws Exception {
    binance.inject(ORDER, Fault.executeThenStatus(503), 1);
    node = startNode(config("h2", ""));
    UUID cycle = startCycle();
    awaitStatus(cycle, "COMPLETED", 60);
    assertOneOrderAndWithdrawalPerIntent();
  }

  @Test
  void aTimeoutAfterTheOrderWasSentLeavesExactlyOneOrder() throws Exception {
    binance.inject(ORDER, Fault.executeThenNoReply(Duration.ofSeconds(4)), 1);
    node = startNode(config("h2", ""));
    UUID cycle = startCycle();
    awaitStatus(cycle, "COMPLETED", 60);
    assertOneOrderAndWithdrawalPerIntent();
  }

  @Test
  void retryAfterOfA429IsObeyedBeforeTheOrderIsRetried() throws Exception {
    binance.inject(ORDER, Fault.rateLimited(429, Duration.ofSeconds(2)), 1);
    node = startNode(config("h2", "kimp.retry.base-delay = 500ms"));
    UUID cycle = startCycle();
    awaitStatus(cycle, "COMPLETED", 60);
    assertThat(binance.requestsDuringBackoff()).isZero();
    assertOneOrderAndWithdrawalPerIntent();
  }

  /**
   * The key is refused in the middle of a cycle (Binance -2015 on the withdrawal of the coin just bought: a key revoked,
   * or this IP taken off its allow-list): the venue did not act on the refused request, so the step retries with the
   * cycle's backoff while trading stops cluster-wide saying "check your API key", and once the key passes again the cycle
   * goes on by itself instead of waiting in the dead-letter queue with the coin stranded.
   */
  @Test
  void aKeyRefusedInTheMiddleOfACycleIsRetriedAndTheCycleGoesOnOnceTheKeyPasses() throws Exception {
    binance.inject(WITHDRAW,
        Fault.status(401, "{\"code\":-2015,\"msg\":\"Invalid API-key, IP, or permissions for action.\"}"), 1);
    node = startNode(config("h2", "kimp.retry.base-delay = 2s"));
    UUID cycle = startCycle();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var c = node.cycles().ask("XRP", new CycleInput.Get()).toCompletableFuture().get(10, TimeUnit.SECONDS)
          .state().cycle();
      assertThat(c.failureReason()).contains("check your API key").contains("kimp.exchanges.binance.api-key");
      assertThat(c.status()).isIn(io.kimp.core.cycle.CycleStatus.AWAITING_RETRY, io.kimp.core.cycle.CycleStatus.STARTED);
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var p = node.operator().portfolio().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(p.pauseKind()).isEqualTo(io.kimp.core.portfolio.Portfolio.PauseKind.KEY_REJECTED);
    });

    awaitStatus(cycle, "COMPLETED", 120); // the retry found the key passing
    assertOneOrderAndWithdrawalPerIntent();
    assertThat(binance.requests(WITHDRAW)).isEqualTo(2); // the refused one, and the retry
  }

  @Test
  void insufficientBalanceIsPermanentAndDeadLetters() throws Exception {
    binance.inject(ORDER,
        Fault.status(400, "{\"code\":-2010,\"msg\":\"Account has insufficient balance for requested action.\"}"), 1);
    node = startNode(config("h2", ""));
    UUID cycle = startCycle();
    awaitStatus(cycle, "DEAD_LETTER", 30);
    assertThat(failureReason(cycle)).contains("-2010");
    assertThat(binance.orderCount()).isZero();
    assertThat(binance.requests(ORDER)).isEqualTo(1); // permanent: never retried
  }

  @Test
  void aStuckDepositRetriesAndThenDeadLetters() throws Exception {
    chain.holdTransfers(true);
    node = startNode(config("h2", "kimp.transfer.deposit-timeout = 1s\nkimp.retry.base-delay = 200ms"));
    UUID cycle = startCycle();
    awaitStatus(cycle, "DEAD_LETTER", 60);
    assertThat(failureReason(cycle)).contains("gave up after 5 failures").contains("not credited");
    assertThat(binance.withdrawalCount()).isEqualTo(1); // the wait was retried, never the withdrawal
    List<Map<String, Object>> deposits =
        TestNodes.query(node.readSide(),
            "SELECT COUNT(*) AS n FROM trades WHERE cycle_id = ? AND side = 'DEPOSIT'", cycle);
    assertThat(((Number) deposits.get(0).get("n")).intValue()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aNodeKilledBetweenAnOrderAndItsAnswerOrdersOnceAfterRestart(String kind) throws Exception {
    binance.inject(ORDER, Fault.executeThenNoReply(Duration.ofSeconds(30)), 1);
    Config config = config(kind, "");
    node = startNode(config);
    UUID cycle = startCycle();
    await().atMost(Duration.ofSeconds(20)).until(() -> binance.orderCount() == 1);
    node.close();
    node = null;

    node = startNode(config);
    awaitStatus(cycle, "COMPLETED", 60);
    assertOneOrderAndWithdrawalPerIntent();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aNodeKilledBetweenAWithdrawalAndItsAnswerWithdrawsOnceAfterRestart(String kind) throws Exception {
    binance.inject(WITHDRAW, Fault.executeThenNoReply(Duration.ofSeconds(30)), 1);
    Config config = config(kind, "");
    node = startNode(config);
    UUID cycle = startCycle();
    await().atMost(Duration.ofSeconds(20)).until(() -> binance.withdrawalCount() == 1);
    node.close();
    node = null;

    node = startNode(config);
    awaitStatus(cycle, "COMPLETED", 60);
    assertOneOrderAndWithdrawalPerIntent();
  }
}
