package io.kimp.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.it.TestNodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admin API's edges, as a fuzzer with a valid token found them, over real sockets to a real node: requests Pekko
 * HTTP cannot parse are answered in the API's JSON error shape and their connection closed; a body that is not JSON is
 * a 415; settings that contradict each other are a 422 naming the field; a backup goes only into an existing directory,
 * owner-only, and its errors quote no SQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiEdgesTest {
  /** A failure guard for reads on raw sockets (the server answers these at once), not a timing assertion. */
  private static final int READ_GUARD_MS = 30_000;

  private String db;
  private AdminNodes admin;
  private AdminHttp http;
  private String token;

  @BeforeAll
  void start() {
    db = TestNodes.database("h2");
    admin = AdminNodes.start(db, "", TestNodes.exchange().venues(), TestNodes.profitableMarket(),
        new RecordingAlertSink());
    http = admin.http();
    token = AdminNodes.token(admin.dataDir());
  }

  @AfterAll
  void stop() {
    if (admin != null) {
      admin.close();
    }
    TestNodes.dropDatabase(db);
  }

  // ---- raw HTTP/1.1

  /** What the server wrote before it closed the connection (the read fails if it does not close within the guard). */
  record RawReply(int status, Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return AdminHttp.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private RawReply raw(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", admin.server().port())) {
      socket.setSoTimeout(READ_GUARD_MS);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) { // until the server closes (EOF)
        all.write(buf, 0, n);
      }
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      assertThat(end).as("a whole response: %s", text).isPositive();
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      return new RawReply(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
    }
  }

  private RawReply raw(String request) throws IOException {
    return raw(request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void assertJsonError(RawReply r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.headers().get("content-type")).as(r.toString()).startsWith("application/json");
    assertThat(r.json().path("error").asText()).as(r.toString()).isNotBlank();
    assertThat(r.json().path("message").asText()).as(r.toString()).isNotBlank();
  }

  static Stream<Arguments> unparsable() {
    return Stream.of(
        Arguments.of("URI too long", "GET /api/v1/cycles?symbol=" + "A".repeat(3000) + " HTTP/1.1\r\n", "", 414),
        Arguments.of("header too large", "GET /api/v1/trading HTTP/1.1\r\n", "X-Fuzz: " + "b".repeat(9000) + "\r\n",
            431),
        Arguments.of("bad request target", "GET /api/v1/cycles/%zz HTTP/1.1\r\n", "", 400),
        Arguments.of("unknown method", "FROB /api/v1/trading HTTP/1.1\r\n", "", 501),
        Arguments.of("unknown protocol", "GET /api/v1/trading HTTP/9.9\r\n", "", 505),
        Arguments.of("bad Content-Length", "POST /api/v1/trading/pause HTTP/1.1\r\n", "Content-Length: x\r\n", 400));
  }

  @ParameterizedTest(name = "{0} → {3}")
  @MethodSource("unparsable")
  void requestsPekkoCannotParseGetTheApisJsonErrorAndTheirConnectionIsClosed(
      String what, String requestLine, String extraHeaders, int status) throws IOException {
    RawReply r = raw(requestLine + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n" + extraHeaders + "\r\n");
    assertJsonError(r, status);
    assertThat(r.headers().get("connection")).isEqualTo("close");
    assertThat(http.get("/api/v1/trading").json().get("paused").asBoolean()).isFalse();
  }

  @Test
  void aGarbageRequestLineIsAnsweredAndTheConnectionClosed() throws IOException {
    // read until EOF: a server that waits for more of the line fails the read guard instead
    assertJsonError(raw("GARBAGE\r\n\r\n"), 400);
    assertJsonError(raw(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03}), 400);
  }

  @Test
  void aWrongMethodIsA405WithAllowAndAnUnknownPathA404BothJson() throws IOException {
    RawReply wrong =
        raw("DELETE /api/v1/settings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n"
            + "Connection: close\r\n\r\n");
    assertJsonError(wrong, 405);
    assertThat(wrong.headers().get("allow")).isEqualTo("GET, PUT");
    assertJsonError(raw("GET /api/v1/nope HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n"
        + "Connection: close\r\n\r\n"), 404);
  }

  @Test
  void noRequestWithoutTheTokenGetsData() throws IOException {
    RawReply r = raw("GET /api/v1/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertJsonError(r, 401);
    assertThat(r.body()).doesNotContain("capitalKrw");
    RawReply notJson = raw("PUT /api/v1/settings HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        + "Content-Length: 2\r\nConnection: close\r\n\r\nhi");
    assertJsonError(notJson, 401); // the token is checked before anything about the request
  }

  // ---- content type

  private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(http.base() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBodyThatIsNotJsonIsA415AndChangesNothing() throws Exception {
    String settings = http.get("/api/v1/settings").json().get("settings").toString();
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/xml"}) {
      HttpResponse<String> r = send("POST", "/api/v1/trading/pause", type, "{\"reason\":\"fuzz\"}");
      assertThat(r.statusCode()).as(type + " " + r.body()).isEqualTo(415);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      JsonNode error = AdminHttp.JSON.readTree(r.body());
      assertThat(error.get("error").asText()).isEqualTo("unsupported_media_type");
      assertThat(error.get("message").asText()).contains("application/json").contains(type);
      assertThat(send("PUT", "/api/v1/settings", type, "{\"maxConcurrentCycles\":1}").statusCode()).isEqualTo(415);
    }
    assertThat(http.get("/api/v1/trading").json().get("paused").asBoolean()).isFalse();
    assertThat(http.get("/api/v1/settings").json().get("settings").toString()).isEqualTo(settings);

    // JSON with a charset is JSON
    HttpResponse<String> paused =
        send("POST", "/api/v1/trading/pause", "application/json; charset=utf-8", "{\"reason\":\"charset\"}");
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    assertThat(http.post("/api/v1/trading/resume", null).json().get("paused").asBoolean()).isFalse();
  }

  // ---- settings across fields

  static Stream<Arguments> contradictions() {
    return Stream.of(
        Arguments.of("{\"fixedAmountKrw\": 20000000}", "fixedAmountKrw", "capitalKrw"),
        Arguments.of("{\"capitalKrw\": 100000}", "capitalKrw", "fixedAmountKrw"),
        Arguments.of("{\"sizing\": \"PERCENTAGE\", \"capitalKrw\": 5000}", "capitalKrw", "minOrderKrw"),
        Arguments.of("{\"sizing\": \"PERCENTAGE\", \"minOrderKrw\": 20000000}", "minOrderKrw", "capitalKrw"),
        Arguments.of("{\"maxExposureKrw\": 5000}", "maxExposureKrw", "minOrderKrw"),
        Arguments.of("{\"sizing\": \"PERCENTAGE\", \"percentage\": 0.05}", "percentage", "minOrderKrw"));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("contradictions")
  void settingsThatContradictEachOtherAreA422NamingTheField(String body, String field, String other) {
    String before = http.get("/api/v1/settings").json().get("settings").toString();
    AdminHttp.Reply r = http.put("/api/v1/settings", body);
    assertThat(r.status()).as(r.toString()).isEqualTo(422);
    assertThat(r.json().get("error").asText()).isEqualTo("invalid");
    assertThat(r.json().get("field").asText()).isEqualTo(field);
    assertThat(r.json().get("message").asText()).contains(field).contains(other);
    JsonNode problem = r.json().get("problems").get(0);
    assertThat(problem.get("field").asText()).isEqualTo(field);
    assertThat(problem.get("fields").toString()).contains(field).contains(other);
    assertThat(http.get("/api/v1/settings").json().get("settings").toString()).isEqualTo(before);
  }

  @Test
  void aFieldOfTheWrongTypeIsNamedInFieldToo() {
    AdminHttp.Reply r = http.put("/api/v1/settings", "{\"maxConcurrentCycles\": \"3\"}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().get("field").asText()).isEqualTo("maxConcurrentCycles");
  }

  // ---- backup

  private AdminHttp.Reply backup(Path to) {
    return backup(to.toString());
  }

  private AdminHttp.Reply backup(String to) {
    return http.post("/api/v1/backup", "{\"to\":" + AdminHttp.JSON.valueToTree(to) + "}");
  }

  private static void assertRefused(AdminHttp.Reply r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.json().get("message").asText()).doesNotContainIgnoringCase("sql").doesNotContain("BACKUP TO");
  }

  @Test
  void aBackupGoesOnlyIntoAnExistingDirectoryAsANewOwnerOnlyFile() throws Exception {
    Path dir = TestDatabases.tempDir("kimp-backup-edges-");

    Path missing = dir.resolve("missing");
    assertRefused(backup(missing.resolve("kimp.zip")), 422);
    assertThat(backup(missing.resolve("kimp.zip")).json().get("field").asText()).isEqualTo("to");
    assertThat(missing).doesNotExist();
    assertRefused(backup(dir.resolve("a").resolve("b").resolve("kimp.zip")), 422);
    assertThat(dir.resolve("a")).doesNotExist();

    Path file = Files.writeString(dir.resolve("file.txt"), "not a directory");
    assertRefused(backup(file.resolve("kimp.zip")), 422);

    assertRefused(backup(dir + "/sub\\kimp.zip"), 422); // H2 would read the backslash as a directory to create
    assertThat(dir.resolve("sub")).doesNotExist();
    assertRefused(backup("relative/kimp.zip"), 422);

    Path existing = Files.writeString(dir.resolve("old.zip"), "an older backup");
    assertRefused(backup(existing), 409);
    assertThat(Files.readString(existing)).isEqualTo("an older backup");

    Path zip = dir.resolve("kimp.zip");
    AdminHttp.Reply ok = backup(zip);
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    assertThat(ok.json().get("bytes").asLong()).isEqualTo(Files.size(zip)).isPositive();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(zip))).isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("file.txt", "old.zip",
          "kimp.zip");
    }
  }
}
