package io.kimp.it;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.Cycle;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.cycle.StepRecord;
import io.kimp.core.cycle.journal.FilledOrder;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedPerpetual;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transfer hedge end to end on a real journal (H2 file or PostgreSQL) with scripted spot venues and a scripted
 * perpetual: a hedged cycle opens and closes a short on each leg and settles with the hedge's result; a node stopped
 * between the buy and the short, or between the sell and the close, is restarted on the same journal and finishes with
 * exactly one short and one close per leg, flat; a discarded cycle closes its open short.
 */
class HedgedCycleTest {
  private static final MathContext MC = MathContext.DECIMAL64;

  private String db;
  private HedgeTestNode node;
  private final RecordingAlertSink alerts = new RecordingAlertSink();

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    TestNodes.dropDatabase(db);
  }

  private static ScriptedPerpetual perpetual() {
    // XRP-USDT perpetual: quantities on a 0.1 step, at least 1
    return new ScriptedPerpetual().list("XRP", "2.0", "0.1", "1");
  }

  private HedgeTestNode start(Config config, ScriptedExchange exchange, ScriptedPerpetual perp, FixedMarketView market) {
    return HedgeTestNode.start(config, exchange.venues().withPerpetual(perp), market, alerts);
  }

  private static UUID startCycle(HedgeTestNode n) throws Exception {
    CycleReply reply = n.cycles().ask("XRP", new CycleInput.Start(TestNodes.opportunity("XRP")))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(reply.accepted()).as(reply.message()).isTrue();
    return reply.cycleId();
  }

  private static Cycle cycle(HedgeTestNode n) throws Exception {
    return n.cycles().ask("XRP", new CycleInput.Get()).toCompletableFuture().get(10, TimeUnit.SECONDS).state().cycle();
  }

  private void awaitStatus(UUID cycle, String s) {
    await().atMost(Duration.ofSeconds(60)).until(() -> s.equals(status(node.readSide(), cycle)));
  }

  /** Both legs' spot steps once each, and exactly one short and one reduce-only close of it per leg: flat. */
  private static void assertHedgedOncePerIntent(ScriptedExchange exchange, ScriptedPerpetual perp) {
    assertThat(exchange.executedPerIntent()).hasSize(6);
    assertThat(exchange.executedPerIntent().values()).containsOnly(1L);
    assertThat(exchange.rejectedDuplicates()).isEmpty();
    Map<String, Long> perIntent = perp.executedPerIntent();
    assertThat(perIntent.keySet()).map(id -> id.substring(32)).containsExactly("IH", "IC", "RH", "RC");
    assertThat(perIntent.values()).containsOnly(1L);
    assertThat(perp.rejectedDuplicates()).isEmpty();
    assertThat(perp.positionOf("XRP")).isZero();
    List<PerpOrderRequest> reqs = List.copyOf(perp.requests().values());
    List<OrderResult> fills = List.copyOf(perp.orders().values());
    for (int leg = 0; leg < 2; leg++) {
      assertThat(reqs.get(2 * leg).reduceOnly()).isFalse();
      assertThat(reqs.get(2 * leg + 1).reduceOnly()).isTrue();
      // the close is exactly the executed short
      assertThat(fills.get(2 * leg + 1).filledQuantity()).isEqualByComparingTo(fills.get(2 * leg).filledQuantity());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aHedgedCycleCompletesBothLegsWithTheShortOpenedAndClosed(String kind) throws Exception {
    db = TestNodes.database(kind);
    ScriptedExchange exchange = TestNodes.exchange();
    // initial leg: short at 2.00, closed at 1.90; rebalance leg: short at 2.05, closed at 2.00 (the price fell both times)
    ScriptedPerpetual perp = perpetual().fills("XRP", "2.00", "1.90", "2.05", "2.00");
    node = start(TestNodes.config(db, "kimp.hedge.enabled = on"), exchange, perp, TestNodes.profitableMarket());
    UUID id = startCycle(node);
    awaitStatus(id, "COMPLETED");

    assertHedgedOncePerIntent(exchange, perp);
    assertThat(perp.leverageOf("XRP")).isEqualTo(2);
    Cycle c = cycle(node);
    for (Leg leg : Leg.values()) {
      assertThat(c.steps().stream().filter(r -> r.leg() == leg).map(StepRecord::step))
          .containsExactly(Step.BUY, Step.HEDGE_OPEN, Step.WITHDRAW, Step.DEPOSIT, Step.SELL, Step.HEDGE_CLOSE);
    }
    // the short is the bought quantity net of the fee in XRP, rounded down to the contract's step
    FilledOrder buy = c.completed(Leg.INITIAL, Step.BUY).orElseThrow().order();
    BigDecimal net = buy.filledQuantity().subtract(buy.fee());
    BigDecimal hedged = c.completed(Leg.INITIAL, Step.HEDGE_OPEN).orElseThrow().order().filledQuantity();
    assertThat(hedged).isLessThanOrEqualTo(net).isGreaterThan(net.subtract(new BigDecimal("0.1")));

    // the cycle's result = the spot legs' + the hedge's (open − close) × quantity − the futures fees, in USDT
    FilledOrder sell = c.completed(Leg.REBALANCE, Step.SELL).orElseThrow().order();
    BigDecimal spot = sell.quoteAmount().subtract(sell.fee()).subtract(c.investmentQuote());
    BigDecimal hedge = BigDecimal.ZERO;
    List<OrderResult> fills = List.copyOf(perp.orders().values());
    for (int leg = 0; leg < 2; leg++) {
      OrderResult open = fills.get(2 * leg);
      OrderResult close = fills.get(2 * leg + 1);
      hedge = hedge.add(open.averagePrice().subtract(close.averagePrice()).multiply(close.filledQuantity()))
          .subtract(open.fee()).subtract(close.fee());
    }
    assertThat(hedge).isPositive();
    assertThat(c.netProfitQuote()).isCloseTo(spot.add(hedge, MC), within(new BigDecimal("1e-9")));
    assertThat(c.netProfitKrw()).isCloseTo(spot.add(hedge, MC).multiply(c.usdtKrw(), MC), within(new BigDecimal("1e-6")));

    // the read side shows the hedge's trades
    List<Map<String, Object>> rows = TestNodes.query(node.readSide(),
        "SELECT side, status, exchange FROM trades WHERE cycle_id = ? AND side LIKE 'HEDGE%' ORDER BY created_at", id);
    assertThat(rows).hasSize(4).allSatisfy(r -> {
      assertThat(r.get("status")).isEqualTo("FILLED");
      assertThat(r.get("exchange")).isEqualTo("BINANCE");
    });
  }

  /**
   * The node stops right after the buy filled: the short's intent is persisted, and the order was lost before the venue
   * (NO_REPLY: reconciliation finds none, one new attempt) or reached it (EXECUTED_NO_REPLY: found by client id, no
   * second order).
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"h2, NO_REPLY", "h2, EXECUTED_NO_REPLY", "postgresql, NO_REPLY", "postgresql, EXECUTED_NO_REPLY"})
  void aCrashBetweenTheBuyAndTheShortLeavesExactlyOneShort(String kind, Fault fault) throws Exception {
    db = TestNodes.database(kind);
    Config config = TestNodes.config(db, "kimp.hedge.enabled = on");
    ScriptedExchange exchange = TestNodes.exchange();
    ScriptedPerpetual perp = perpetual().script(ScriptedPerpetual.Op.PLACE_ORDER, fault);
    FixedMarketView market = TestNodes.profitableMarket();

    HedgeTestNode first = start(config, exchange, perp, market);
    node = first;
    UUID id = startCycle(first);
    await().atMost(Duration.ofSeconds(20)).until(() -> perp.calls(ScriptedPerpetual.Op.PLACE_ORDER) == 1);
    first.close();
    node = null;
    assertThat(exchange.executedPerIntent()).hasSize(1); // the buy
    assertThat(perp.orders()).hasSize(fault == Fault.EXECUTED_NO_REPLY ? 1 : 0);
    assertThat(exchange.withdrawals()).isEmpty(); // nothing leaves before the short is on

    node = start(config, exchange, perp, market);
    awaitStatus(id, "COMPLETED");
    assertHedgedOncePerIntent(exchange, perp);
    String initialShort = perp.orders().keySet().iterator().next();
    assertThat(initialShort).endsWith(fault == Fault.EXECUTED_NO_REPLY ? "IH01" : "IH02");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aCrashBetweenTheSellAndTheCloseClosesExactlyOnce(String kind) throws Exception {
    db = TestNodes.database(kind);
    Config config = TestNodes.config(db, "kimp.hedge.enabled = on");
    ScriptedExchange exchange = TestNodes.exchange();
    // the initial short opens; its close executes, but the node stops before hearing of it
    ScriptedPerpetual perp = perpetual().script(ScriptedPerpetual.Op.PLACE_ORDER, Fault.NONE, Fault.EXECUTED_NO_REPLY);
    FixedMarketView market = TestNodes.profitableMarket();

    HedgeTestNode first = start(config, exchange, perp, market);
    node = first;
    UUID id = startCycle(first);
    await().atMost(Duration.ofSeconds(30)).until(() -> perp.orders().size() == 2);
    first.close();
    node = null;
    assertThat(perp.positionOf("XRP")).isZero();
    assertThat(exchange.executedPerIntent()).hasSize(3); // the initial leg's buy, withdrawal and sell

    node = start(config, exchange, perp, market);
    awaitStatus(id, "COMPLETED");
    assertHedgedOncePerIntent(exchange, perp);
    assertThat(perp.orders().keySet()).allSatisfy(k -> assertThat(k).endsWith("01"));
  }

  @Test
  void aCoinWithoutAPerpetualTradesUnhedgedAndSaysSo() throws Exception {
    db = TestNodes.database("h2");
    ScriptedExchange exchange = TestNodes.exchange();
    ScriptedPerpetual perp = new ScriptedPerpetual(); // lists nothing
    node = start(TestNodes.config(db, "kimp.hedge.enabled = on"), exchange, perp, TestNodes.profitableMarket());
    UUID id = startCycle(node);
    awaitStatus(id, "COMPLETED");
    assertThat(perp.orders()).isEmpty();
    assertThat(perp.calls(ScriptedPerpetual.Op.PLACE_ORDER)).isEqualTo(2); // one refused short per leg
    assertThat(exchange.executedPerIntent()).hasSize(6);
    assertThat(alerts.of(AlertKind.HEDGE_SKIPPED)).hasSize(2)
        .allSatisfy(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.INFO));
    Cycle c = cycle(node);
    assertThat(c.steps()).noneMatch(r -> r.step().isHedge());
    assertThat(c.legHedged()).isFalse();
  }

  @Test
  void discardingACycleWithItsShortOpenClosesTheShortFirst() throws Exception {
    db = TestNodes.database("h2");
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, ScriptedExchange.Op.WITHDRAW, Fault.PERMANENT);
    ScriptedPerpetual perp = perpetual();
    node = start(TestNodes.config(db, "kimp.hedge.enabled = on"), exchange, perp, TestNodes.profitableMarket());
    UUID id = startCycle(node);
    awaitStatus(id, "DEAD_LETTER");
    BigDecimal open = perp.positionOf("XRP");
    assertThat(open).isNegative();
    assertThat(alerts.of(AlertKind.HEDGE_EXPOSED)).singleElement().satisfies(a -> {
      assertThat(a.severity()).isEqualTo(Alert.Severity.WARNING);
      assertThat(a.title()).contains("the short of " + open.negate().toPlainString() + " XRP is still open");
    });

    CycleReply reply = node.cycles().ask("XRP", new CycleInput.Discard(id, "withdrawals suspended"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(reply.accepted()).as(reply.message()).isTrue();
    assertThat(reply.message()).contains("closing the short");
    awaitStatus(id, "FAILED");
    assertThat(perp.positionOf("XRP")).isZero();
    assertThat(perp.requests().values()).extracting(PerpOrderRequest::reduceOnly).containsExactly(false, true);
    assertThat(cycle(node).completed(Leg.INITIAL, Step.HEDGE_CLOSE)).isPresent();
  }
}
