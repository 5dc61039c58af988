package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.node.TradingNode;
import io.kimp.fixtures.db.TestDatabases;
import java.nio.file.Path;
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

  private int count(String where) {
    List<Map<String, Object>> r =
        TestNodes.query(node.node().readSide(), "SELECT COUNT(*) AS n FROM arbitrage_cycles WHERE " + where);
    return ((Number) r.get(0).get("n")).intValue();
  }

  @Test
  void paperCyclesCompleteRetryAndDeadLetterAgainstTheSimulator() {
    Path dir = TestDatabases.tempDir("kimp-sim-");
    Config overrides =
        ConfigFactory.parseString(String.join("\n",
            TestNodes.ownNode(dir),
            "kimp.paper.transfer-time { default = 1s, coins { XRP = 1s, XLM = 1s, TRX = 1s, SOL = 1s, BTC = 1s, ETH = 1s } }",
            "kimp.paper.faults.stuck-transfer-rate = 0.3",
            "kimp.retry.base-delay = 300ms",
            "kimp.transfer.deposit-timeout = 3s",
            "kimp.transfer.poll-interval = 200ms",
            "kimp.feeds.opportunity-cooldown = 2s"));
    Config profile = KimpConfig.profile("kimp-simulate-faults.conf").withFallback(KimpConfig.profile("kimp-simulate.conf"));
    Config config = KimpConfig.load(overrides, profile);
    node = TradingNode.start(config, true);

    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      assertThat(count("status = 'COMPLETED'")).as("completed cycles").isPositive();
      assertThat(count("retry_count > 0")).as("cycles that retried").isPositive();
      assertThat(count("status = 'DEAD_LETTER'")).as("dead-lettered cycles").isPositive();
    });
    List<Map<String, Object>> dead =
        TestNodes.query(node.node().readSide(),
            "SELECT failure_reason FROM arbitrage_cycles WHERE status = 'DEAD_LETTER'");
    assertThat(dead).allSatisfy(r -> assertThat((String) r.get("failure_reason")).isNotBlank());
    assertThat(node.feeds().health().offered()).isPositive();
  }
}
