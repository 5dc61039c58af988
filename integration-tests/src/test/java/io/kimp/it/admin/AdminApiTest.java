package io.kimp.it.admin;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.app.http.AdminSettings;
import io.kimp.app.http.AdminToken;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.fixtures.metrics.PrometheusTextParser;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.it.TestNodes;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The admin API of a real node (H2 journal, scripted venues) over real HTTP on loopback: authentication of every
 * {@code /api} route, each endpoint's happy path, and a table of malformed requests that must all be answered 4xx with a
 * JSON message and change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {
  private static final String RANDOM_ID = "6f1c9a52-3d4e-4b7a-9c1d-2e3f4a5b6c7d";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private String db;
  private AdminNodes admin;
  private AdminHttp http;

  @BeforeAll
  void start() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    db = TestNodes.database("h2");
    admin = AdminNodes.start(db, "", TestNodes.exchange().venues(), TestNodes.profitableMarket(),
        new RecordingAlertSink());
    http = admin.http();
    // one completed cycle for the read-side endpoints
    CycleReply reply =
        admin.node().cycles().ask("XRP", new CycleInput.Start(TestNodes.opportunity("XRP")))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(reply.accepted()).as(reply.message()).isTrue();
    UUID cycle = reply.cycleId();
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(admin.node().readSide(), cycle)));
  }

  @AfterAll
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    if (admin != null) {
      admin.close();
    }
    TestNodes.dropDatabase(db);
  }

  private static void assertJsonError(AdminHttp.Reply r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/json");
    assertThat(r.json().path("error").asText()).as(r.toString()).isNotBlank();
    assertThat(r.json().path("message").asText()).as(r.toString()).isNotBlank();
  }

  // ---- authentication

  static Stream<Arguments> apiRoutes() {
    return Stream.of(
        Arguments.of("GET", "/api/v1/premiums"),
        Arguments.of("GET", "/api/v1/cycles"),
        Arguments.of("GET", "/api/v1/cycles/" + RANDOM_ID),
        Arguments.of("GET", "/api/v1/dlq"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/recover"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard"),
        Arguments.of("GET", "/api/v1/trading"),
        Arguments.of("POST", "/api/v1/trading/pause"),
        Arguments.of("POST", "/api/v1/trading/resume"),
        Arguments.of("GET", "/api/v1/settings"),
        Arguments.of("PUT", "/api/v1/settings"),
        Arguments.of("GET", "/api/v1/portfolio"),
        Arguments.of("GET", "/api/v1/cluster"),
        Arguments.of("GET", "/api/v1/no-such-thing"),
        Arguments.of("DELETE", "/api/v1/settings"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("apiRoutes")
  void everyApiRouteIsRefusedWithoutTheToken(String method, String path) {
    String token = AdminNodes.token(admin.dataDir());
    String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
    List<AdminHttp.Reply> replies = new ArrayList<>();
    replies.add(http.withToken(null).send(method, path, "{\"reason\":\"x\",\"maxConcurrentCycles\":1}"));
    replies.add(http.withToken(wrong).send(method, path, "{\"reason\":\"x\",\"maxConcurrentCycles\":1}"));
    replies.add(http.withToken("").send(method, path, (String) null));
    for (AdminHttp.Reply r : replies) {
      assertJsonError(r, 401);
      assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
    }
    // and nothing happened
    JsonNode trading = http.get("/api/v1/trading").json();
    assertThat(trading.get("paused").asBoolean()).isFalse();
    assertThat(http.get("/api/v1/settings").json().at("/settings/maxConcurrentCycles").asInt()).isEqualTo(5);
  }

  @Test
  void anotherAuthorizationSchemeIsRefusedAndTheChallengeNamesBearer() throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base() + "/api/v1/trading"))
                .header("Authorization", "Basic " + AdminNodes.token(admin.dataDir())).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
  }

  @Test
  void theGeneratedTokenIsOwnerOnlyReusedAndNeverLogged() throws Exception {
    var file = admin.dataDir().resolve("admin.token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    String token = AdminNodes.token(admin.dataDir());
    assertThat(token).hasSizeGreaterThanOrEqualTo(40);
    // a later start (after a restart) reuses the file's token
    AdminToken again =
        AdminToken.resolve(
            AdminSettings.fromConfig(TestNodes.config(db, AdminNodes.adminConfig(admin.dataDir(), ""))));
    assertThat(again.matches(token)).isTrue();
    assertThat(again.toString()).doesNotContain(token);
    assertThat(AdminNodes.token(admin.dataDir())).isEqualTo(token);
    List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).noneMatch(l -> l.contains(token));
    assertThat(lines).anyMatch(l -> l.contains(file.toAbsolutePath().toString()) && l.contains("generated"));
    assertThat(lines).anyMatch(l -> l.contains(file.toAbsolutePath().toString()) && l.contains("reused"));
  }

  // ---- open endpoints

  @Test
  void healthReadyAndMetricsNeedNoToken() {
    AdminHttp anonymous = http.withToken(null);
    AdminHttp.Reply health = anonymous.get("/health");
    assertThat(health.status()).as(health.toString()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("UP");
    assertThat(health.json().at("/dependencies/journal/status").asText()).isEqualTo("UP");
    assertThat(health.json().at("/dependencies/cluster/status").asText()).isEqualTo("UP");
    assertThat(health.json().get("uptime").asText()).startsWith("PT");
    assertThat(health.json().get("uptimeSeconds").asLong()).isNotNegative();

    AdminHttp.Reply ready = anonymous.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("ready").asBoolean()).isTrue();

    AdminHttp.Reply metrics = anonymous.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(PrometheusTextParser.parse(metrics.body())).containsKey("jvm_memory_used_bytes");
  }

  // ---- happy paths

  @Test
  void premiumsCyclesAndACyclesHistory() {
    JsonNode premiums = http.get("/api/v1/premiums").json();
    assertThat(premiums).singleElement().satisfies(p -> {
      assertThat(p.get("symbol").asText()).isEqualTo("XRP");
      assertThat(p.get("premiumPercent").isNumber()).isTrue();
      assertThat(p.get("upbitKrw").isNumber()).isTrue();
    });

    JsonNode cycles = http.get("/api/v1/cycles").json();
    assertThat(cycles).hasSize(1);
    String id = cycles.get(0).get("cycleId").asText();
    assertThat(cycles.get(0).get("status").asText()).isEqualTo("COMPLETED");
    assertThat(http.get("/api/v1/cycles?status=completed&symbol=xrp&limit=1&offset=0").json()).hasSize(1);
    assertThat(http.get("/api/v1/cycles?status=DEAD_LETTER").json()).isEmpty();
    assertThat(http.get("/api/v1/cycles?offset=1").json()).isEmpty();
    assertThat(http.get("/api/v1/cycles?open=true").json()).isEmpty();

    JsonNode one = http.get("/api/v1/cycles/" + id).json();
    assertThat(one.at("/cycle/id").asText()).isEqualTo(id);
    assertThat(one.at("/cycle/status").asText()).isEqualTo("COMPLETED");
    assertThat(one.at("/cycle/totalNetProfitKrw").isNumber()).isTrue();
    assertThat(one.at("/cycle/totalNetProfitKrw").toString()).doesNotContain("E"); // plain, never 1E+3
    assertThat(one.get("trades")).hasSize(8);
    List<String> types = new ArrayList<>();
    one.get("events").forEach(e -> types.add(e.get("type").asText()));
    assertThat(types).startsWith("CapitalRequested", "CycleStarted").contains("RebalanceStarted").endsWith("CapitalReleased");
    assertThat(one.get("events").get(0).get("sequenceNr").asLong()).isPositive();
  }

  @Test
  void tradingSwitchPortfolioAndDeadLetters() {
    assertThat(http.get("/api/v1/dlq").json()).isEmpty();
    assertThat(http.get("/api/v1/dlq?open=true").json()).isEmpty();
    JsonNode portfolio = http.get("/api/v1/portfolio").json();
    assertThat(portfolio.get("capitalKrw").decimalValue()).isEqualByComparingTo("10000000");
    assertThat(portfolio.get("realizedPnlKrw").decimalValue().signum()).isNotZero();
    assertThat(portfolio.at("/settings/tradingDayZone").asText()).isEqualTo("Asia/Seoul");

    AdminHttp alice = http.as("alice");
    JsonNode paused = alice.post("/api/v1/trading/pause", "{\"reason\":\"exchange maintenance\"}").json();
    assertThat(paused.get("paused").asBoolean()).isTrue();
    assertThat(paused.get("by").asText()).isEqualTo("api:alice");
    assertThat(paused.get("reason").asText()).isEqualTo("exchange maintenance");
    JsonNode trading = http.get("/api/v1/trading").json();
    assertThat(trading.get("paused").asBoolean()).isTrue();
    assertThat(trading.get("todayRealizedPnlKrw").isNumber()).isTrue();
    JsonNode resumed = alice.post("/api/v1/trading/resume", null).json();
    assertThat(resumed.get("paused").asBoolean()).isFalse();
    // a pause without a body takes a default reason
    assertThat(http.post("/api/v1/trading/pause", "").json().get("reason").asText()).contains("admin API");
    assertThat(http.post("/api/v1/trading/resume", "{}").json().get("paused").asBoolean()).isFalse();
  }

  @Test
  void settingsAreReadChangedAndReachThisNodesHolder() {
    JsonNode before = http.get("/api/v1/settings").json();
    assertThat(before.at("/settings/minSpreadPercent").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(before.at("/thisNode/finalizerMinProfitPercent").decimalValue()).isEqualByComparingTo("0.1");

    AdminHttp.Reply put =
        http.put("/api/v1/settings", "{\"maxConcurrentCycles\": 3, \"minSpreadPercent\": 0.8, \"sizing\": \"percentage\"}");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().at("/settings/maxConcurrentCycles").asInt()).isEqualTo(3);
    assertThat(put.json().at("/settings/sizing").asText()).isEqualTo("PERCENTAGE");
    assertThat(put.json().at("/settings/capitalKrw").decimalValue()).isEqualByComparingTo("10000000"); // unchanged
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode now = http.get("/api/v1/settings").json();
      assertThat(now.at("/settings/minSpreadPercent").decimalValue()).isEqualByComparingTo("0.8");
      assertThat(now.at("/thisNode/minSpreadPercent").decimalValue()).isEqualByComparingTo("0.8");
      assertThat(now.at("/thisNode/revision").asLong()).isPositive();
    });
    // back as configured, for the other tests
    assertThat(http.put("/api/v1/settings",
        "{\"maxConcurrentCycles\": 5, \"minSpreadPercent\": 0.5, \"sizing\": \"FIXED_AMOUNT\"}").status()).isEqualTo(200);
  }

  @Test
  void theClusterShowsItsMembersAndWhereTheCyclesRun() {
    JsonNode cluster = http.get("/api/v1/cluster").json();
    assertThat(cluster.get("members")).singleElement().satisfies(m -> {
      assertThat(m.get("status").asText()).isEqualTo("Up");
      assertThat(m.get("self").asBoolean()).isTrue();
      assertThat(m.get("reachable").asBoolean()).isTrue();
    });
    assertThat(cluster.at("/sharding/entityType").asText()).isEqualTo("ArbitrageCycle");
    assertThat(cluster.at("/sharding/regions")).singleElement().satisfies(r -> {
      assertThat(r.get("address").asText()).isEqualTo(cluster.get("self").asText());
      assertThat(r.get("shards").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(r.get("entities").asInt()).isGreaterThanOrEqualTo(1);
    });
  }

  // ---- malformed requests

  static Stream<Arguments> malformed() {
    String big = "{\"reason\":\"" + "x".repeat(20_000) + "\"}";
    return Stream.of(
        Arguments.of("GET", "/api/v1/cycles/not-a-uuid", null, 400, "not a cycle id"),
        Arguments.of("GET", "/api/v1/cycles/6f1c9a52-3d4e-4b7a-9c1d-2e3f4a5b6c7", null, 400, "not a cycle id"),
        Arguments.of("GET", "/api/v1/cycles/6f1c9a52-3d4e-4b7a-9c1d-2e3f4a5b6c7dd", null, 400, "not a cycle id"),
        Arguments.of("GET", "/api/v1/cycles/" + RANDOM_ID, null, 404, RANDOM_ID),
        Arguments.of("POST", "/api/v1/dlq/zzz/recover", null, 400, "not a cycle id"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/recover", null, 404, RANDOM_ID),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/recover", "{\"now\":true}", 422, "unknown field 'now'"),
        Arguments.of("GET", "/api/v1/cycles?limit=-1", null, 400, "limit"),
        Arguments.of("GET", "/api/v1/cycles?limit=0", null, 400, "limit"),
        Arguments.of("GET", "/api/v1/cycles?limit=100000", null, 400, "limit"),
        Arguments.of("GET", "/api/v1/cycles?limit=abc", null, 400, "limit"),
        Arguments.of("GET", "/api/v1/cycles?limit=1e3", null, 400, "limit"),
        Arguments.of("GET", "/api/v1/cycles?limit=99999999999999999999", null, 400, "limit"),
        Arguments.of("GET", "/api/v1/cycles?offset=-5", null, 400, "offset"),
        Arguments.of("GET", "/api/v1/cycles?offset=2147483648", null, 400, "offset"),
        Arguments.of("GET", "/api/v1/cycles?status=FOO", null, 400, "unknown status"),
        Arguments.of("GET", "/api/v1/cycles?status=IDLE", null, 400, "unknown status"),
        Arguments.of("GET", "/api/v1/cycles?symbol=%21%21", null, 400, "symbol"),
        Arguments.of("GET", "/api/v1/cycles?symbol=" + "A".repeat(25), null, 400, "symbol"),
        Arguments.of("GET", "/api/v1/cycles?stauts=COMPLETED", null, 400, "unknown query parameter 'stauts'"),
        Arguments.of("GET", "/api/v1/cycles?limit=1&limit=2", null, 400, "more than once"),
        Arguments.of("GET", "/api/v1/cycles?open=maybe", null, 400, "open"),
        Arguments.of("GET", "/api/v1/dlq?open=yes", null, 400, "open"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", null, 400, "body is required"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", "{", 400, "not valid JSON"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", "[]", 400, "JSON object"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", "{}", 422, "reason is required"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", "{\"reason\":\"  \"}", 422, "reason is required"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", "{\"reason\":5}", 422, "reason must be a string"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", "{\"reason\":\"x\",\"extra\":1}", 422, "extra"),
        Arguments.of("POST", "/api/v1/dlq/" + RANDOM_ID + "/discard", big, 413, "too large"),
        Arguments.of("POST", "/api/v1/trading/pause", "{\"reason\":\"" + "x".repeat(9_000_000) + "\"}", 413, "too large"),
        Arguments.of("POST", "/api/v1/trading/pause", "{\"reason\":\"a\",\"reason\":\"b\"}", 400, "not valid JSON"),
        Arguments.of("POST", "/api/v1/trading/pause", "\"pause\"", 400, "JSON object"),
        Arguments.of("POST", "/api/v1/trading/pause", "{\"why\":\"x\"}", 422, "unknown field 'why'"),
        Arguments.of("POST", "/api/v1/trading/pause", "{\"reason\":\"" + "r".repeat(501) + "\"}", 422, "500"),
        Arguments.of("PUT", "/api/v1/settings", null, 400, "body is required"),
        Arguments.of("PUT", "/api/v1/settings", "capitalKrw=5", 400, "not valid JSON"),
        Arguments.of("PUT", "/api/v1/settings", "{}", 422, "name at least one setting"),
        Arguments.of("PUT", "/api/v1/settings", "{\"leverage\": 10}", 422, "unknown field 'leverage'"),
        Arguments.of("PUT", "/api/v1/settings", "{\"capitalKrw\": \"lots\"}", 422, "capitalKrw must be a number"),
        Arguments.of("PUT", "/api/v1/settings", "{\"capitalKrw\": -5}", 422, "capitalKrw must be positive"),
        Arguments.of("PUT", "/api/v1/settings", "{\"capitalKrw\": 1e999999999}", 422, "capitalKrw is out of range"),
        Arguments.of("PUT", "/api/v1/settings", "{\"capitalKrw\": 1e16}", 422, "capitalKrw must be at most"),
        Arguments.of("PUT", "/api/v1/settings", "{\"maxConcurrentCycles\": 2.5}", 422, "maxConcurrentCycles"),
        Arguments.of("PUT", "/api/v1/settings", "{\"maxConcurrentCycles\": 100000}", 422, "maxConcurrentCycles"),
        Arguments.of("PUT", "/api/v1/settings", "{\"maxConcurrentCycles\": \"3\"}", 422, "maxConcurrentCycles"),
        Arguments.of("PUT", "/api/v1/settings", "{\"percentage\": 150}", 422, "percentage"),
        Arguments.of("PUT", "/api/v1/settings", "{\"sizing\": \"ALL_IN\"}", 422, "sizing must be one of"),
        Arguments.of("PUT", "/api/v1/settings", "{\"sizing\": 3}", 422, "sizing must be one of"),
        Arguments.of("PUT", "/api/v1/settings", "{\"minSpreadPercent\": null}", 422, "minSpreadPercent must not be null"),
        Arguments.of("PUT", "/api/v1/settings", "{\"minSpreadPercent\": -0.5}", 422, "minSpreadPercent"),
        Arguments.of("PUT", "/api/v1/settings", "{\"minSpreadPercent\": 0}", 422, "minSpreadPercent must be greater than 0"),
        Arguments.of("PUT", "/api/v1/settings", "{\"finalizerMinProfitPercent\": 101}", 422, "finalizerMinProfitPercent"),
        Arguments.of("PUT", "/api/v1/settings", "{\"fixedAmountKrw\": 100}", 422, "fixedAmountKrw must be at least"),
        Arguments.of("PUT", "/api/v1/settings", "{\"tradingDayZone\": \"UTC\"}", 422, "tradingDayZone"),
        Arguments.of("PUT", "/api/v1/settings", "{\"dailyLossLimitKrw\": 1, \"capitalKrw\": 0}", 422, "capitalKrw"),
        Arguments.of("PUT", "/api/v1/settings", "{\"capitalKrw\": 1" + "0".repeat(20_000) + "}", 413, "too large"),
        Arguments.of("DELETE", "/api/v1/settings", null, 405, "GET, PUT"),
        Arguments.of("POST", "/api/v1/cycles", null, 405, "GET"),
        Arguments.of("GET", "/api/v1/nope", null, 404, "not be found"),
        Arguments.of("GET", "/api", null, 404, "not be found"));
  }

  @ParameterizedTest(name = "{0} {1} {2} → {3}")
  @MethodSource("malformed")
  void malformedRequestsAreA4xxWithAJsonMessageAndChangeNothing(
      String method, String path, String body, int status, String mentions) {
    String settingsBefore = http.get("/api/v1/settings").json().get("settings").toString();
    AdminHttp.Reply r = http.send(method, path, body);
    assertJsonError(r, status);
    assertThat(r.json().get("message").asText()).contains(mentions);
    assertThat(http.get("/api/v1/settings").json().get("settings").toString()).isEqualTo(settingsBefore);
    assertThat(http.get("/api/v1/trading").json().get("paused").asBoolean()).isFalse();
  }

  /**
   * A chunked body (no length announced) is refused as soon as it passes the limit, before it ends: the client sends
   * one chunk just over 16 KiB and never the last chunk, and reads a JSON 413. (It sends nothing the server does not
   * read, so the server's close cannot reset the connection before the answer is read.)
   */
  @Test
  void aStreamedBodyOverTheLimitIsRefusedWhileItArrives() throws Exception {
    byte[] chunk = ("{\"capitalKrw\": 1" + "0".repeat(16 * 1024) + "}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", java.net.URI.create(http.base()).getPort())) {
      s.setSoTimeout(30_000);
      java.io.OutputStream out = s.getOutputStream();
      out.write(("PUT /api/v1/settings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + AdminNodes.token(admin.dataDir()) + "\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length) + "\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(chunk);
      out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      java.io.InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        assertThat(b).as("the connection closed before the answer's headers: " + head).isNotNegative();
        head.append((char) b);
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 413");
      java.util.regex.Matcher length =
          java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
      assertThat(length.find()).as(head.toString()).isTrue();
      byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
      assertThat(AdminHttp.JSON.readTree(body).get("message").asText()).contains("too large");
    }
  }

  @Test
  void unknownPathsOutsideTheApiAreJson404sToo() {
    assertJsonError(http.withToken(null).get("/nope"), 404);
    assertJsonError(http.withToken(null).send("POST", "/health", (String) null), 405);
  }
}
