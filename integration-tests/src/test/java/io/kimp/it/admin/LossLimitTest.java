package io.kimp.it.admin;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.it.TestNodes;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The daily loss limit, driven by real cycles: a cycle that loses money (no premium; fees and withdrawal fees on both
 * legs, the rebalance accepted at a loss) closes beyond the limit, and trading pauses by itself, alerts, and refuses the
 * next opportunity until an operator resumes it.
 */
class LossLimitTest extends SingleNodeTest {
  @Test
  void aLosingCycleBeyondTheDailyLimitPausesTradingAndAlerts() throws Exception {
    // no premium at all: 2.0 USDT × 1,400 = 2,800 KRW on both venues
    ScriptedExchange exchange =
        new ScriptedExchange().price(Venue.BINANCE, "XRP", "2.0").price(Venue.UPBIT, "XRP", "2800");
    FixedMarketView market = new FixedMarketView().quote("XRP", "2800", "2.0", "1400");
    RecordingAlertSink alerts = new RecordingAlertSink();
    startNode(
        "kimp.risk.daily-loss-limit-krw = 500\n"
            // the operators accept a losing rebalance to bring the capital home
            + "kimp.strategy.finalizer-min-profit-percent = -100",
        exchange.venues(), market, alerts);

    CycleReply first = start(admin.node().cycles(), "XRP");
    assertThat(first.accepted()).as(first.message()).isTrue();
    UUID cycle = first.cycleId();
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(admin.node().readSide(), cycle)));
    List<Map<String, Object>> row =
        TestNodes.query(admin.node().readSide(), "SELECT total_net_profit_krw FROM arbitrage_cycles WHERE id = ?", cycle);
    BigDecimal loss = (BigDecimal) row.get(0).get("total_net_profit_krw");
    assertThat(loss).isLessThan(new BigDecimal("-500")); // fees on four trades

    await().atMost(Duration.ofSeconds(10)).until(() -> alerts.of(AlertKind.LOSS_LIMIT_REACHED).size() == 1);
    Alert alert = alerts.of(AlertKind.LOSS_LIMIT_REACHED).get(0);
    assertThat(alert.severity()).isEqualTo(Alert.Severity.CRITICAL);
    assertThat(alert.fields().get("limit")).isEqualTo("500 KRW");
    assertThat(alert.fields().get("resume")).contains("/api/v1/trading/resume");

    JsonNode trading = admin.http().get("/api/v1/trading").json();
    assertThat(trading.get("paused").asBoolean()).isTrue();
    assertThat(trading.get("by").asText()).isEqualTo("loss-limit");
    assertThat(trading.get("reason").asText()).contains("reached the daily limit 500 KRW");
    // the read table keeps four decimals of the ledger's exact result
    assertThat(trading.get("todayRealizedPnlKrw").decimalValue()).isCloseTo(loss, within(new BigDecimal("0.0001")));
    assertThat(trading.get("dailyLossLimitKrw").decimalValue()).isEqualByComparingTo("500");

    CycleReply refused = start(admin.node().cycles(), "XRP");
    assertThat(refused.accepted()).isFalse();
    assertThat(refused.message()).contains("trading paused").contains("daily limit");

    // an operator looks, then resumes: trading starts again
    assertThat(admin.http().post("/api/v1/trading/resume", null).json().get("paused").asBoolean()).isFalse();
    CycleReply after = start(admin.node().cycles(), "XRP");
    assertThat(after.accepted()).as(after.message()).isTrue();
  }
}
