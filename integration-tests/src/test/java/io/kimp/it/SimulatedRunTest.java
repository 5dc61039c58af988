package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.app.node.TradingNode;
import io.kimp.fixtures.db.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kimp run --simulate --faults}, as the command composes it (profiles included), with its timers shortened: the
 * simulator's premiums start paper cycles that complete, some retry, and stranded transfers end in the dead-letter queue.
 */
class SimulatedRunTest {
  private TradingNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void paperCyclesCompleteRetryAndDeadLetterAgainstTheSimulator() {
    node = TestNodes.startSimulated(TestDatabases.tempDir("kimp-sim-"),
        TestNodes.profiles("kimp-simulate-faults.conf", "kimp-simulate.conf"),
        "kimp.paper.transfer-time { default = 1s, coins { XRP = 1s, XLM = 1s, TRX = 1s, SOL = 1s, BTC = 1s, ETH = 1s } }",
        "kimp.paper.faults.stuck-transfer-rate = 0.3",
        "kimp.retry.base-delay = 300ms",
        "kimp.transfer.deposit-timeout = 3s",
        "kimp.transfer.poll-interval = 200ms",
        "kimp.feeds.opportunity-cooldown = 2s");

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(TestNodes.countCycles(node, "status = 'COMPLETED'")).as("completed cycles").isPositive();
      assertThat(TestNodes.countCycles(node, "retry_count > 0")).as("cycles that retried").isPositive();
      assertThat(TestNodes.countCycles(node, "status = 'DEAD_LETTER'")).as("dead-lettered cycles").isPositive();
    });
    List<Map<String, Object>> dead =
        TestNodes.query(node.node().readSide(),
            "SELECT failure_reason FROM arbitrage_cycles WHERE status = 'DEAD_LETTER'");
    assertThat(dead).allSatisfy(r -> assertThat((String) r.get("failure_reason")).isNotBlank());
    assertThat(node.feeds().health().offered()).isPositive();
  }
}
