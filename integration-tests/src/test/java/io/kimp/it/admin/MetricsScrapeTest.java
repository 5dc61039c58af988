package io.kimp.it.admin;

import static io.kimp.fixtures.metrics.PrometheusTextParser.familyOf;
import static io.kimp.fixtures.metrics.PrometheusTextParser.value;
import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.app.metrics.MeteredCycleDirectory;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.fixtures.metrics.PrometheusTextParser;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import io.kimp.it.TestNodes;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a node that has traded, scraped over HTTP and parsed as strict Prometheus text: cycles by state,
 * the dead-letter queue's size and retries (sampled from the read tables and the queue), cycle starts accepted and
 * refused by reason, and exchange latency histograms and errors by failure class.
 *
 * <p>The node meters its venues itself ({@code KimpNode} wraps them with {@code MeteredGateway}).
 */
class MetricsScrapeTest extends SingleNodeTest {
  @Test
  void theOperationsSeriesArePresentAndRight() throws Exception {
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.TRANSIENT);
    startNode("kimp.retry.base-delay = 200ms", exchange.venues(), TestNodes.profitableMarket(), new RecordingAlertSink());
    CycleDirectory cycles = new MeteredCycleDirectory(admin.node().cycles(), admin.node().metrics().registry());

    // XRP: a transient failure, a retry, then the whole cycle
    UUID xrp = start(cycles, "XRP").cycleId();
    CycleReply busy = start(cycles, "XRP"); // still open
    assertThat(busy.accepted()).isFalse();
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(admin.node().readSide(), xrp)));
    // TRX: -2010, dead-lettered
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT);
    UUID trx = start(cycles, "TRX").cycleId();
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD_LETTER".equals(status(admin.node().readSide(), trx)));
    admin.http().post("/api/v1/trading/pause", "{\"reason\":\"metrics\"}");
    assertThat(start(cycles, "XRP").accepted()).isFalse();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Map<String, PrometheusTextParser.Family> m = scrape();
      assertThat(value(m, "kimp_cycles", "status", "COMPLETED")).isEqualTo(1);
      assertThat(value(m, "kimp_cycles", "status", "DEAD_LETTER")).isEqualTo(1);
      assertThat(value(m, "kimp_cycles", "status", "AWAITING_RETRY")).isZero();
      assertThat(value(m, "kimp_dlq_size")).isEqualTo(1);
      assertThat(value(m, "kimp_cycle_retries_total")).isEqualTo(1);
    });
    Map<String, PrometheusTextParser.Family> m = scrape();
    assertThat(familyOf(m, "kimp_cycles").type()).isEqualTo("gauge");
    assertThat(familyOf(m, "kimp_cycle_retries_total").type()).isEqualTo("counter");
    assertThat(value(m, "kimp_operations_sampled")).isPositive();

    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "accepted", "reason", "none")).isEqualTo(2);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "refused", "reason", "busy")).isEqualTo(1);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "refused", "reason", "paused")).isEqualTo(1);

    assertThat(familyOf(m, "kimp_exchange_requests_seconds_count").type()).isEqualTo("histogram");
    assertThat(value(m, "kimp_exchange_requests_seconds_count",
        "venue", "binance", "operation", "place_order", "outcome", "TRANSIENT")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_requests_seconds_count",
        "venue", "binance", "operation", "place_order", "outcome", "PERMANENT")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_requests_seconds_count",
        "venue", "upbit", "operation", "place_order", "outcome", "ok")).isEqualTo(2);
    assertThat(value(m, "kimp_exchange_requests_seconds_bucket",
        "venue", "binance", "operation", "place_order", "outcome", "ok", "le", "+Inf")).isEqualTo(2);
    assertThat(value(m, "kimp_exchange_requests_seconds_bucket",
        "venue", "upbit", "operation", "withdraw", "outcome", "ok", "le", "30.0")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_errors_total",
        "venue", "binance", "operation", "place_order", "class", "TRANSIENT")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_errors_total",
        "venue", "binance", "operation", "place_order", "class", "PERMANENT")).isEqualTo(1);
    // the node's JVM, and every series tagged with the node
    assertThat(value(m, "jvm_memory_used_bytes", "area", "heap")).isPositive();
    String node = admin.node().system().address().toString();
    assertThat(m.values().stream().flatMap(f -> f.samples().stream()))
        .allSatisfy(s -> assertThat(s.labels()).containsEntry("node", node));
  }

  private Map<String, PrometheusTextParser.Family> scrape() {
    AdminHttp.Reply r = admin.http().withToken(null).get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    return PrometheusTextParser.parse(r.body());
  }
}
