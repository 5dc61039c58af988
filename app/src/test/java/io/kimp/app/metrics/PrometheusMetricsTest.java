package io.kimp.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.fixtures.metrics.PrometheusTextParser;
import io.micrometer.core.instrument.Tag;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code GET /metrics} over real HTTP, parsed as Prometheus text. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusMetricsTest {

  private final ActorTestKit kit = ActorTestKit.create("metrics-test");
  private PrometheusMetrics metrics;
  private ServerBinding binding;

  @BeforeAll
  void serveMetrics() {
    metrics = PrometheusMetrics.create(List.of(Tag.of("node", "127.0.0.1:25520")));
    TelegramMetrics telegram = new TelegramMetrics(metrics.registry());
    telegram.sent();
    telegram.sent();
    telegram.sent();
    telegram.sendFailed("rate_limited");
    telegram.sendFailed("server_error");
    telegram.sendFailed("server_error");
    telegram.outboxSize(7);
    telegram.command("status", "ok");
    telegram.ignored("foreign_chat");
    binding =
        Http.get(kit.system()).newServerAt("127.0.0.1", 0).bind(MetricsRoute.route(metrics)).toCompletableFuture().join();
  }

  @AfterAll
  void stop() {
    binding.unbind().toCompletableFuture().join();
    metrics.close();
    kit.shutdownTestKit();
  }

  private record Scraped(String contentType, String body) {}

  private Scraped get(String accept) {
    HttpRequest request = HttpRequest.GET("http://127.0.0.1:" + binding.localAddress().getPort() + "/metrics");
    if (accept != null) {
      request = request.addHeader(RawHeader.create("Accept", accept));
    }
    HttpResponse response = Http.get(kit.system()).singleRequest(request).toCompletableFuture().join();
    assertThat(response.status().intValue()).isEqualTo(200);
    String body =
        response.entity().toStrict(5_000, Materializer.matFromSystem(kit.system())).toCompletableFuture().join()
            .getData().utf8String();
    return new Scraped(response.entity().getContentType().toString(), body);
  }

  private static double value(Map<String, PrometheusTextParser.Family> families, String sample, String... labels) {
    return PrometheusTextParser.value(families, sample, labels);
  }

  private static PrometheusTextParser.Family familyOf(
      Map<String, PrometheusTextParser.Family> families, String sample) {
    return PrometheusTextParser.familyOf(families, sample);
  }

  @Test
  void scrapeIsValidPrometheusTextWithTelegramAndJvmMetrics() {
    Scraped scraped = get(null);
    assertThat(scraped.contentType()).isEqualTo("text/plain; version=0.0.4; charset=UTF-8");

    Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(scraped.body());

    assertThat(value(families, "kimp_telegram_messages_sent_total")).isEqualTo(3);
    assertThat(value(families, "kimp_telegram_send_failures_total", "class", "server_error")).isEqualTo(2);
    assertThat(value(families, "kimp_telegram_send_failures_total", "class", "rate_limited")).isEqualTo(1);
    assertThat(value(families, "kimp_telegram_outbox_size")).isEqualTo(7);
    assertThat(value(families, "kimp_telegram_commands_total", "command", "status", "outcome", "ok")).isEqualTo(1);
    assertThat(value(families, "kimp_telegram_updates_ignored_total", "reason", "foreign_chat")).isEqualTo(1);
    assertThat(familyOf(families, "kimp_telegram_messages_sent_total").type()).isEqualTo("counter");
    assertThat(familyOf(families, "kimp_telegram_outbox_size").type()).isEqualTo("gauge");
    // JVM memory, GC, threads
    assertThat(value(families, "jvm_memory_used_bytes", "area", "heap")).isPositive();
    assertThat(value(families, "jvm_threads_live_threads")).isPositive();
    assertThat(familyOf(families, "jvm_gc_memory_allocated_bytes_total").type()).isEqualTo("counter");
    assertThat(value(families, "process_uptime_seconds")).isPositive();
    // every series carries the node tag
    assertThat(families.values().stream().flatMap(f -> f.samples().stream()))
        .allSatisfy(s -> assertThat(s.labels()).containsEntry("node", "127.0.0.1:25520"));
  }

  @Test
  void openMetricsWhenTheScraperAsksForIt() {
    Scraped scraped = get("application/openmetrics-text; version=1.0.0,text/plain;q=0.5");
    assertThat(scraped.contentType()).startsWith("application/openmetrics-text");
    assertThat(scraped.body()).endsWith("# EOF\n").contains("kimp_telegram_messages_sent_total");
  }

  @Test
  void theParserRefusesWhatPrometheusRefuses() {
    assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE a counter\na_total{x=\"1} 1\n"))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> PrometheusTextParser.parse("b 1\n")).hasMessageContaining("no TYPE");
    assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE c gauge\nc one\n")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusTextParser.parse("# TYPE 1d gauge\n")).hasMessageContaining("bad metric name");
  }
}
