package io.kimp.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.app.http.ApiJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtests page's upload, over a real loopback server and {@link HttpClient}: a good upload stored under
 * {@code uploads/} and listed, a file over the limit, a file the candle reader refuses, an empty one and a wrong type
 * refused naming the file (and nothing left on disk), no session, a wrong CSRF token or a foreign Origin refused, and a
 * sent name that is a path stored under a name the server picked.
 */
class BacktestUploadRoutesTest {
  private static final long LIMIT = 4096;
  private static final String UPBIT = "timestamp,open,high,low,close,volume\n"
      + "2025-06-01 00:00:00,150000000,150100000,149900000,150050000,1.5\n"
      + "2025-06-01 00:05:00,150050000,150100000,149900000,150000000,1.2\n";
  private static final String BINANCE = "timestamp,open,high,low,close,volume\n"
      + "2025-06-01 00:00:00,104000,104100,103900,104050,10\n"
      + "2025-06-01 00:05:00,104050,104100,103900,104000,12\n";
  private static final String FX = "date,close\n2025-05-31,1380.5\n2025-06-01,1381.0\n";

  @TempDir Path dir;
  private Path data;
  private ConsoleServer server;
  private String base;
  private Backtests backtests;

  /** One file of a form: field, the name the browser sends, its content type and bytes. */
  private record Part(String field, String filename, String type, byte[] bytes) {
    static Part csv(String field, String filename, String text) {
      return new Part(field, filename, "text/csv", text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @BeforeEach
  void start() throws Exception {
    data = Files.createDirectories(dir.resolve("data"));
    server = new ConsoleServer(data, dir.resolve("reports"), LIMIT);
    base = server.base;
    backtests = server.backtests;
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String[] signIn() throws Exception {
    return server.signIn();
  }

  private HttpResponse<String> upload(String[] session, String origin, List<Part> parts) throws Exception {
    String boundary = "----kimp" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Part p : parts) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.field() + "\"; filename=\""
          + p.filename() + "\"\r\nContent-Type: " + p.type() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(p.bytes());
      body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/ui/data/backtests/upload"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    if (session != null) {
      b.header("Cookie", "kimp_session=" + session[0]);
      if (session[1] != null) {
        b.header("X-CSRF-Token", session[1]);
      }
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> upload(String[] session, List<Part> parts) throws Exception {
    return upload(session, base, parts);
  }

  private static List<Part> good() {
    return List.of(Part.csv("upbit", "upbit_KRW-BTC_5m.csv", UPBIT), Part.csv("binance", "binance_BTCUSDT_5m.csv",
        BINANCE), Part.csv("fx", "usdkrw_1d.csv", FX));
  }

  /** Every file anywhere under the temporary directory (the data directory, uploads, and around them). */
  private List<String> allFiles() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    return out;
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return ApiJson.MAPPER.readTree(r.body());
  }

  @Test
  void goodFilesAreStoredUnderUploadsListedAndRunLikeAnyOther() throws Exception {
    HttpResponse<String> r = upload(signIn(), good());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode files = json(r).get("files");
    assertThat(files.get("upbit").asText()).isEqualTo("uploads/upbit_KRW-BTC_5m.csv");
    assertThat(files.get("binance").asText()).isEqualTo("uploads/binance_BTCUSDT_5m.csv");
    assertThat(files.get("fx").asText()).isEqualTo("uploads/usdkrw_1d.csv");
    assertThat(Files.readString(data.resolve("uploads/upbit_KRW-BTC_5m.csv"))).isEqualTo(UPBIT);
    assertThat(allFiles()).containsExactlyInAnyOrder("data/uploads/upbit_KRW-BTC_5m.csv",
        "data/uploads/binance_BTCUSDT_5m.csv", "data/uploads/usdkrw_1d.csv");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> listed = (List<Map<String, Object>>) backtests.overview().get("files");
    assertThat(listed).extracting(f -> f.get("name")).contains("uploads/upbit_KRW-BTC_5m.csv",
        "uploads/binance_BTCUSDT_5m.csv", "uploads/usdkrw_1d.csv");

    // the same names again: stored beside, never over the first
    HttpResponse<String> again = upload(signIn(), good());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
    assertThat(json(again).get("files").get("upbit").asText()).isEqualTo("uploads/upbit_KRW-BTC_5m-2.csv");

    // and a backtest runs on them (the worker runs inline here: the answer comes once the replay has started)
    com.fasterxml.jackson.databind.node.ObjectNode req = ApiJson.MAPPER.createObjectNode();
    req.put("upbit", files.get("upbit").asText());
    req.put("binance", files.get("binance").asText());
    req.put("fx", files.get("fx").asText());
    req.put("symbol", "BTC");
    backtests.start(req).toCompletableFuture().get();
    assertThat(backtests.overview().get("run").toString()).contains("\"state\":\"done\"");
  }

  @Test
  void aFileOverTheLimitIsA413NamingItAndLeavesNothing() throws Exception {
    StringBuilder big = new StringBuilder("timestamp,open,high,low,close,volume\n");
    for (int m = 0; big.length() <= LIMIT; m += 5) {
      big.append(String.format("2025-06-01 %02d:%02d:00,104000,104100,103900,104050,10%n", m / 60, m % 60));
    }
    HttpResponse<String> r = upload(signIn(), List.of(Part.csv("upbit", "upbit.csv", UPBIT),
        Part.csv("binance", "huge_binance.csv", big.toString())));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    JsonNode j = json(r);
    assertThat(j.get("field").asText()).isEqualTo("binance");
    assertThat(j.get("message").asText()).contains("huge_binance.csv").contains("4 KiB");
    assertThat(allFiles()).isEmpty();
  }

  @Test
  void aFileTheReaderRefusesIsA400NamingTheFileLineAndColumnAndLeavesNothing() throws Exception {
    String bad = BINANCE + "2025-06-01 00:10:00,104000,not-a-price,103900,104050,10\n";
    HttpResponse<String> r = upload(signIn(), List.of(Part.csv("upbit", "upbit.csv", UPBIT),
        Part.csv("binance", "binance_bad.csv", bad), Part.csv("fx", "fx.csv", FX)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode j = json(r);
    assertThat(j.get("field").asText()).isEqualTo("binance");
    assertThat(j.get("message").asText()).contains("binance_bad.csv").contains("line 4").contains("column high")
        .contains("not-a-price").doesNotContain(dir.toString());
    assertThat(allFiles()).as("the good upbit file of the same request is not kept either").isEmpty();

    HttpResponse<String> columns = upload(signIn(), List.of(Part.csv("upbit", "upbit.csv",
        "timestamp,open,high,low,volume\n2025-06-01 00:00:00,1,1,1,1\n"), Part.csv("binance", "b.csv", BINANCE)));
    assertThat(columns.statusCode()).isEqualTo(400);
    assertThat(json(columns).get("message").asText()).contains("upbit.csv").contains("line 1").contains("no close column");

    HttpResponse<String> empty = upload(signIn(), List.of(Part.csv("upbit", "upbit.csv", UPBIT),
        Part.csv("binance", "empty.csv", "")));
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(json(empty).get("message").asText()).contains("empty.csv").contains("empty");

    HttpResponse<String> headerOnly = upload(signIn(), List.of(Part.csv("upbit", "upbit.csv", UPBIT),
        Part.csv("binance", "b.csv", BINANCE), Part.csv("fx", "fx_header.csv", "date,close\n")));
    assertThat(headerOnly.statusCode()).isEqualTo(400);
    assertThat(json(headerOnly).get("field").asText()).isEqualTo("fx");
    assertThat(json(headerOnly).get("message").asText()).contains("fx_header.csv").contains("no data rows");

    HttpResponse<String> png = upload(signIn(), List.of(Part.csv("upbit", "upbit.csv", UPBIT),
        new Part("binance", "chart.png", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G'})));
    assertThat(png.statusCode()).isEqualTo(415);
    assertThat(json(png).get("field").asText()).isEqualTo("binance");
    assertThat(json(png).get("message").asText()).contains("chart.png").contains("image/png");

    String[] session = signIn();
    HttpResponse<String> notAForm = server.http.send(HttpRequest.newBuilder(
            java.net.URI.create(base + "/ui/data/backtests/upload"))
        .header("Cookie", "kimp_session=" + session[0]).header("X-CSRF-Token", session[1]).header("Origin", base)
        .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(UPBIT)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notAForm.statusCode()).isEqualTo(415);
    assertThat(json(notAForm).get("message").asText()).contains("multipart/form-data");

    HttpResponse<String> missing = upload(signIn(), List.of(Part.csv("upbit", "upbit.csv", UPBIT)));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(json(missing).get("field").asText()).isEqualTo("binance");
    assertThat(allFiles()).isEmpty();
  }

  @Test
  void withoutASessionOrWithAWrongCsrfTokenOrOriginNothingIsStored() throws Exception {
    HttpResponse<String> none = upload(null, good());
    assertThat(none.statusCode()).isEqualTo(401);
    String[] session = signIn();
    HttpResponse<String> wrongToken = upload(new String[] {session[0], "not-the-token"}, good());
    assertThat(wrongToken.statusCode()).isEqualTo(403);
    assertThat(json(wrongToken).get("message").asText()).contains("X-CSRF-Token");
    assertThat(upload(new String[] {session[0], null}, good()).statusCode()).isEqualTo(403);
    assertThat(upload(session, "http://evil.example", good()).statusCode()).isEqualTo(403);
    assertThat(upload(session, null, good()).statusCode()).isEqualTo(403);
    assertThat(allFiles()).isEmpty();
    // the same session with its token and Origin: accepted (the refusals above were for the reasons named)
    assertThat(upload(session, good()).statusCode()).isEqualTo(201);
  }

  @Test
  void aSentNameThatIsAPathIsStoredUnderASafeNameTheServerPicks() throws Exception {
    HttpResponse<String> r = upload(signIn(), List.of(Part.csv("upbit", "../../../outside.csv", UPBIT),
        Part.csv("binance", "C:/fakepath/evil name;rm -rf.CSV", BINANCE),
        Part.csv("fx", "..", FX)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode files = json(r).get("files");
    assertThat(files.get("upbit").asText()).isEqualTo("uploads/outside.csv");
    assertThat(files.get("binance").asText()).isEqualTo("uploads/evil_name_rm_-rf.csv");
    assertThat(files.get("fx").asText()).isEqualTo("uploads/fx.csv");
    assertThat(allFiles()).containsExactlyInAnyOrder("data/uploads/outside.csv", "data/uploads/evil_name_rm_-rf.csv",
        "data/uploads/fx.csv");
    assertThat(BacktestUploads.safeBase(".hidden", "fx")).isEqualTo("hidden");
    assertThat(BacktestUploads.safeBase("a..b", "fx")).isEqualTo("a_b");
  }
}
