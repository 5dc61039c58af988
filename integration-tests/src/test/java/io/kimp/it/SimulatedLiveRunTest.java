package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.app.node.TradingNode;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.simulator.account.SimAccounts;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kimp run --simulate --live-gateways}, as the command composes it (profiles included), with its timers shortened:
 * a node in live mode whose production Upbit and Binance gateways sign every request to the simulator's private REST;
 * the pre-flight passes, the simulator's premiums start cycles that buy, withdraw, sell and rebalance at the simulated
 * venues, and the venues' books balance.
 */
class SimulatedLiveRunTest {
  private TradingNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void liveGatewaysCompleteCyclesAgainstTheSimulatorsPrivateRest() {
    node = TradingNode.start(TestNodes.simulatedLive(TestDatabases.tempDir("kimp-sim-live-")), true);
    SimAccounts venues = node.simulator().accounts();

    TestNodes.awaitPreflightPassed(node);
    long started = System.nanoTime();
    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(TestNodes.countCycles(node, "status = 'COMPLETED'")).as("completed cycles").isPositive());
    System.out.printf("simulated live run: first cycle COMPLETED %d s after the pre-flight passed%n",
        (System.nanoTime() - started) / 1_000_000_000L);

    long now = System.currentTimeMillis();
    assertThat(venues.upbitOrders()).isGreaterThanOrEqualTo(2); // a sell and a rebalance buy per cycle
    assertThat(venues.binanceOrders()).isGreaterThanOrEqualTo(2);
    assertThat(venues.binanceWithdrawals()).isPositive();
    assertThat(venues.upbitWithdrawals()).isPositive();
    // every asset of both venues: the ledger equals the start plus the trades (less their fees), the withdrawals (less
    // theirs) and the deposits credited, so nothing was lost or made up on the way
    assertThat(venues.audit(now).values()).allSatisfy(d -> assertThat(d).isEqualByComparingTo(BigDecimal.ZERO));
    Map<String, BigDecimal> upbit = venues.upbitBalances(now);
    Map<String, BigDecimal> binance = venues.binanceBalances(now);
    assertThat(upbit.values()).allSatisfy(b -> assertThat(b).isNotNegative());
    assertThat(binance.values()).allSatisfy(b -> assertThat(b).isNotNegative());
    assertThat(binance.get("USDT")).isNotEqualByComparingTo(new BigDecimal("10000")); // traded at Binance
    assertThat(upbit.get("KRW")).isNotEqualByComparingTo(new BigDecimal("10000000")); // and at Upbit
    System.out.printf("simulated live run: %d cycles completed, %d + %d orders, %d + %d withdrawals; Upbit %s, "
        + "Binance %s, in flight %s%n", TestNodes.countCycles(node, "status = 'COMPLETED'"), venues.upbitOrders(),
        venues.binanceOrders(),
        venues.upbitWithdrawals(), venues.binanceWithdrawals(), upbit, binance, venues.inFlight());
    List<Map<String, Object>> failed =
        TestNodes.query(node.node().readSide(),
            "SELECT failure_reason FROM arbitrage_cycles WHERE status = 'DEAD_LETTER'");
    assertThat(failed).as("dead-lettered cycles").isEmpty();
  }
}
