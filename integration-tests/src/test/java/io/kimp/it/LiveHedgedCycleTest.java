package io.kimp.it;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.kimp.app.node.KimpNode;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.Cycle;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleEvent.CycleCompleted;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.cycle.StepRecord;
import io.kimp.core.cycle.journal.FilledOrder;
import io.kimp.core.market.Venue;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeBinanceFutures;
import io.kimp.fixtures.venue.FakeBinanceFutures.Fill;
import io.kimp.fixtures.venue.Fault;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transfer hedge through the production node in live mode: the production gateway factory builds the signed
 * Binance spot, Upbit and Binance USDT-M futures gateways against the fake venues on loopback (which check every
 * signature with their own code, keep balances, positions and orders, and inject the venues' failures), and the cycle
 * opens a perpetual short after each leg's buy and closes it reduce-only after the leg's sell. A node stopped between
 * the buy and the short, or between the sell and the close (the order lost on its way or executed with its reply
 * lost), is restarted on the same H2 file journal and finishes with exactly one short and one close per leg, flat.
 */
class LiveHedgedCycleTest {
  private static final String FUTURES_ORDER = "POST /fapi/v1/order";
  private static final BigDecimal STEP = new BigDecimal("0.1");
  private static final MathContext MC = MathContext.DECIMAL64;

  private LiveFakeVenues venues;
  private FakeBinance binance;
  private FakeBinanceFutures futures;
  private String db;
  private KimpNode node;
  private final RecordingAlertSink alerts = new RecordingAlertSink();

  @BeforeEach
  void venues() {
    // a transfer slow enough that a test acts between a leg's short and its close
    venues = new LiveFakeVenues(Duration.ofSeconds(1));
    binance = venues.binance;
    futures = venues.startFutures("2.001", "2.002", "2000");
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      stop(node);
    }
    futures.close();
    venues.close();
    TestNodes.dropDatabase(db);
  }

  private Config config(String extra) {
    db = TestNodes.database("h2");
    Path dataDir = TestDatabases.tempDir("kimp-live-hedge-");
    return TestNodes.config(db, String.join("\n",
        "kimp.data-dir = \"" + dataDir + "\"",
        venues.liveSettings(),
        LiveFakeVenues.hedgeSettings(futures),
        "kimp.execution.unknown-outcome-grace = 2s",
        // a stop is a crash: the actor system ends without leaving the cluster or handing its shards off
        "pekko.coordinated-shutdown.run-by-actor-system-terminate = off",
        extra));
  }

  private KimpNode startNode(Config config) {
    KimpNode n = LiveFakeVenues.startHedgedNode(config, TestNodes.profitableMarket(), alerts);
    assertThat(n.components().venues().perpetual()).as("the node's venues carry the perpetual").isPresent();
    return n;
  }

  /** Stops the node's actor system at once (no coordinated shutdown: see the config) and releases its read side. */
  private static void stop(KimpNode n) {
    n.close();
    n.readSide().close();
  }

  private UUID startCycle() throws Exception {
    CycleReply reply = node.cycles().ask("XRP", new CycleInput.Start(TestNodes.opportunity("XRP")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(reply.accepted()).as(reply.message()).isTrue();
    return reply.cycleId();
  }

  private Cycle cycle() throws Exception {
    return node.cycles().ask("XRP", new CycleInput.Get()).toCompletableFuture().get(10, TimeUnit.SECONDS).state()
        .cycle();
  }

  private void awaitStatus(UUID cycle, String s, int seconds) {
    await().atMost(Duration.ofSeconds(seconds)).until(() -> s.equals(status(node.readSide(), cycle)));
  }

  private List<CycleEvent> journal() throws Exception {
    JdbcReadJournal journal =
        PersistenceQuery.get(node.system()).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal.currentEventsByPersistenceId(ArbitrageCycle.persistenceIdOf("XRP").id(), 0L, Long.MAX_VALUE)
        .map(env -> (CycleEvent) env.event())
        .runWith(Sink.seq(), node.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static BigDecimal roundDown(BigDecimal q) {
    return q.divide(STEP, 0, RoundingMode.DOWN).multiply(STEP);
  }

  /**
   * Exactly one short and one reduce-only close per leg at the fake futures venue, in the legs' order, each close the
   * executed short; the position flat; both legs' spot orders and withdrawals once each.
   */
  private void assertHedgedOncePerIntent() {
    List<Fill> fills = futures.fills();
    assertThat(fills).extracting(f -> f.clientOrderId().substring(32, 34)).containsExactly("IH", "IC", "RH", "RC");
    assertThat(futures.ordersByClientId().values()).containsOnly(1);
    for (int leg = 0; leg < 2; leg++) {
      Fill open = fills.get(2 * leg);
      Fill close = fills.get(2 * leg + 1);
      assertThat(open.side()).isEqualTo("SELL");
      assertThat(open.reduceOnly()).isFalse();
      assertThat(close.side()).isEqualTo("BUY");
      assertThat(close.reduceOnly()).isTrue();
      assertThat(close.quantity()).isEqualByComparingTo(open.quantity());
    }
    assertThat(futures.position("XRP")).isZero();
    assertThat(binance.ordersByClientId().values()).containsOnly(1);
    assertThat(venues.upbit.ordersByIdentifier().values()).containsOnly(1);
    assertThat(binance.orderCount()).isEqualTo(2);
    assertThat(venues.upbit.orderCount()).isEqualTo(2);
    assertThat(binance.withdrawalCount()).isEqualTo(1);
    assertThat(venues.upbit.withdrawalCount()).isEqualTo(1);
  }

  @Test
  void aHedgedCycleOpensAndClosesOneShortPerLegAndCountsItsResult() throws Exception {
    node = startNode(config(""));
    UUID id = startCycle();
    // the initial leg's short is on (the coin is in transit): the perpetual falls before the leg's close
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> futures.orderCount() == 1);
    futures.setPrice("XRP", new BigDecimal("1.951"), new BigDecimal("1.952"));
    awaitStatus(id, "COMPLETED", 60);

    assertHedgedOncePerIntent();
    assertThat(futures.leverage("XRP")).isEqualTo(2); // kimp.hedge.leverage
    Cycle c = cycle();
    for (Leg leg : Leg.values()) {
      assertThat(c.steps().stream().filter(r -> r.leg() == leg).map(StepRecord::step))
          .containsExactly(Step.BUY, Step.HEDGE_OPEN, Step.WITHDRAW, Step.DEPOSIT, Step.SELL, Step.HEDGE_CLOSE);
    }
    // each short is the quantity the leg's buy left to transfer (Binance takes its fee in XRP), down to the step
    List<Fill> fills = futures.fills();
    FilledOrder initialBuy = c.completed(Leg.INITIAL, Step.BUY).orElseThrow().order();
    assertThat(initialBuy.feeAsset()).isEqualTo("XRP");
    assertThat(fills.get(0).quantity())
        .isEqualByComparingTo(roundDown(initialBuy.filledQuantity().subtract(initialBuy.fee())));
    FilledOrder rebalanceBuy = c.completed(Leg.REBALANCE, Step.BUY).orElseThrow().order();
    assertThat(rebalanceBuy.feeAsset()).isEqualTo("KRW");
    assertThat(fills.get(2).quantity()).isEqualByComparingTo(roundDown(rebalanceBuy.filledQuantity()));
    // the journal's fills are the venue's
    for (int i = 0; i < 4; i++) {
      Leg leg = i < 2 ? Leg.INITIAL : Leg.REBALANCE;
      FilledOrder f = c.completed(leg, i % 2 == 0 ? Step.HEDGE_OPEN : Step.HEDGE_CLOSE).orElseThrow().order();
      assertThat(f.clientId()).isEqualTo(fills.get(i).clientOrderId());
      assertThat(f.filledQuantity()).isEqualByComparingTo(fills.get(i).quantity());
      assertThat(f.averagePrice()).isEqualByComparingTo(fills.get(i).avgPrice());
      assertThat(f.fee()).isEqualByComparingTo(fills.get(i).commission());
    }

    // the cycle's result counts the hedge: (open − close) × quantity per leg less both futures fees, in USDT
    BigDecimal hedgePnl = BigDecimal.ZERO;
    BigDecimal hedgeFees = BigDecimal.ZERO;
    for (int leg = 0; leg < 2; leg++) {
      Fill open = fills.get(2 * leg);
      Fill close = fills.get(2 * leg + 1);
      hedgePnl = hedgePnl.add(open.avgPrice().subtract(close.avgPrice()).multiply(close.quantity()));
      hedgeFees = hedgeFees.add(open.commission()).add(close.commission());
    }
    // the perpetual fell 0.05 under the initial leg's short: the hedge earned it
    assertThat(hedgePnl).isGreaterThan(fills.get(0).quantity().multiply(new BigDecimal("0.04")));
    // the venue realised the same: the futures wallet moved by the hedge's result less its fees
    assertThat(futures.wallet()).isEqualByComparingTo(new BigDecimal("2000").add(hedgePnl).subtract(hedgeFees));
    CycleCompleted done = journal().stream().filter(CycleCompleted.class::isInstance).map(CycleCompleted.class::cast)
        .filter(e -> e.cycleId().equals(id)).findFirst().orElseThrow();
    assertThat(done.hedgePnlUsdt()).isEqualByComparingTo(hedgePnl);
    assertThat(done.hedgeFeesUsdt()).isEqualByComparingTo(hedgeFees);
    FilledOrder sell = c.completed(Leg.REBALANCE, Step.SELL).orElseThrow().order();
    assertThat(c.homeVenue()).isEqualTo(Venue.BINANCE);
    assertThat(sell.feeAsset()).isEqualTo("USDT");
    BigDecimal spot = sell.quoteAmount().subtract(sell.fee()).subtract(c.investmentQuote());
    BigDecimal expected = spot.add(hedgePnl).subtract(hedgeFees);
    assertThat(done.netProfitQuote()).isCloseTo(expected, within(new BigDecimal("1e-9")));
    assertThat(done.netProfitKrw()).isCloseTo(expected.multiply(c.usdtKrw(), MC), within(new BigDecimal("1e-6")));

    // the read model: the hedge's four trades, filled, with their quantities
    List<Map<String, Object>> rows = TestNodes.query(node.readSide(),
        "SELECT id, trade_type, side, status, exchange, quantity FROM trades WHERE cycle_id = ? AND side LIKE 'HEDGE%'"
            + " ORDER BY created_at", id);
    assertThat(rows).extracting(r -> r.get("trade_type") + " " + r.get("side"))
        .containsExactly("INITIAL HEDGE_OPEN", "INITIAL HEDGE_CLOSE", "REBALANCE HEDGE_OPEN", "REBALANCE HEDGE_CLOSE");
    for (int i = 0; i < 4; i++) {
      Map<String, Object> r = rows.get(i);
      assertThat(r.get("status")).isEqualTo("FILLED");
      assertThat(r.get("exchange")).isEqualTo("BINANCE");
      assertThat((BigDecimal) r.get("quantity")).isEqualByComparingTo(fills.get(i).quantity());
    }
  }

  /**
   * A lost reply to the short, without a crash (the order executed, then a 503): the runner asks the venue by client id
   * and finds it; nothing is sent twice.
   */
  @Test
  void aShortWhoseReplyIsLostIsFoundByItsClientIdNotSentAgain() throws Exception {
    futures.inject(FUTURES_ORDER, Fault.executeThenStatus(503), 1);
    node = startNode(config(""));
    UUID id = startCycle();
    awaitStatus(id, "COMPLETED", 60);
    assertHedgedOncePerIntent();
    assertThat(futures.requests(FUTURES_ORDER)).isEqualTo(4);
    assertThat(futures.requests("GET /fapi/v1/order")).isPositive();
  }

  /**
   * The node stops right after the buy filled and the short's intent is journaled, while the short is at the venue:
   * lost on its way (held unanswered, never executed) or executed with its reply lost. After a restart on the same
   * journal the cycle asks the venue by client id: a short it finds is taken as the leg's, one it does not find is
   * placed once under the next attempt's id. Nothing was withdrawn before the short was on.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lost", "executed"})
  void aNodeStoppedBetweenTheBuyAndTheShortLeavesExactlyOneShort(String fault) throws Exception {
    boolean executed = fault.equals("executed");
    futures.inject(FUTURES_ORDER,
        executed ? Fault.executeThenNoReply(Duration.ofSeconds(30)) : Fault.noReply(Duration.ofSeconds(30)), 1);
    // no retry of the first node's own fires before it is stopped
    Config config = config("kimp.retry.base-delay = 10s");
    node = startNode(config);
    UUID id = startCycle();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> futures.requests(FUTURES_ORDER) == 1);
    stop(node);
    node = null;
    assertThat(binance.orderCount()).isEqualTo(1); // the buy
    assertThat(binance.withdrawalCount()).isZero(); // nothing leaves before the short is on
    assertThat(futures.orderCount()).isEqualTo(executed ? 1 : 0);

    node = startNode(config);
    awaitStatus(id, "COMPLETED", 60);
    assertHedgedOncePerIntent();
    assertThat(futures.fills().get(0).clientOrderId()).endsWith(executed ? "IH01" : "IH02");
    assertThat(futures.requests(FUTURES_ORDER)).isEqualTo(executed ? 4 : 5);
    assertThat(cycle().completed(Leg.INITIAL, Step.BUY).orElseThrow().order().clientId()).endsWith("IB01");
  }

  /**
   * The node stops after the initial leg's sell, while the reduce-only close is at the venue (lost on its way, or
   * executed with its reply lost). After a restart the cycle finds the close by client id or places it once: exactly
   * one close, flat, and the cycle completes with its rebalance leg hedged as usual.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lost", "executed"})
  void aNodeStoppedBetweenTheSellAndTheCloseClosesExactlyOnce(String fault) throws Exception {
    boolean executed = fault.equals("executed");
    Config config = config("kimp.retry.base-delay = 10s");
    node = startNode(config);
    UUID id = startCycle();
    // the short is on and the coin in transit: the leg's next futures order is its close
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> futures.orderCount() == 1);
    futures.inject(FUTURES_ORDER,
        executed ? Fault.executeThenNoReply(Duration.ofSeconds(30)) : Fault.noReply(Duration.ofSeconds(30)), 1);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> futures.requests(FUTURES_ORDER) == 2);
    stop(node);
    node = null;
    assertThat(venues.upbit.orderCount()).isEqualTo(1); // the initial leg's sell
    assertThat(futures.position("XRP").signum()).isEqualTo(executed ? 0 : -1);

    node = startNode(config);
    awaitStatus(id, "COMPLETED", 60);
    assertHedgedOncePerIntent();
    assertThat(futures.fills().get(1).clientOrderId()).endsWith(executed ? "IC01" : "IC02");
    assertThat(futures.requests(FUTURES_ORDER)).isEqualTo(executed ? 4 : 5);
  }
}
