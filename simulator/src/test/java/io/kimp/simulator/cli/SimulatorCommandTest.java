package io.kimp.simulator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kimp simulator}: options and a scenario file give the market and the venues' rules, the URLs are printed, TLS
 * is served with a certificate written in PEM that clients trust (and that untrusting clients refuse), bad input is a
 * one-line error and exit code 2.
 */
class SimulatorCommandTest {
  private static final Duration LIVENESS = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static SSLContext trusting(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("simulator", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void servesTlsWithTheCertificateItWritesAndPrintsItsUrls() throws Exception {
    Path pem = dir.resolve("certs/sim.pem");
    Path scenario = dir.resolve("scenario.conf");
    Files.writeString(scenario, """
        coins = [BTC, XRP]
        premium { percent = 3.0, swing = 0 }
        market { binance-depth-levels = 7 }
        outages = [ { at = 1h, venue = binance, kind = stall, for = 5s } ]
        """);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path keysFile = dir.resolve("simulator-keys.conf");
    SimulatorCommand cmd = new SimulatorCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(cmd).execute(
        "--scenario", scenario.toString(), "--tls", "--certificate-out", pem.toString(), "--seed", "7",
        "--keys-file", keysFile.toString()));
    try {
      await().atMost(LIVENESS).until(() -> out.toString(StandardCharsets.UTF_8).contains("certificate (PEM)"));
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("2 coins, seed 7, TLS");
      String upbitRest = url(printed, "https://127\\.0\\.0\\.1:\\d+(?=\\n  Binance)");
      String binanceWs = url(printed, "wss://127\\.0\\.0\\.1:\\d+(?=/ws )");
      String binanceRest = url(printed, "https://127\\.0\\.0\\.1:\\d+(?=\\n  USD)");
      assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----");

      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(pem)).build();
      HttpResponse<String> depth = trusting.send(HttpRequest.newBuilder(URI.create(
          binanceRest + "/api/v3/depth?symbol=XRPUSDT&limit=100")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(depth.statusCode()).isEqualTo(200);
      assertThat(new ObjectMapper().readTree(depth.body()).get("bids")).hasSize(7);
      HttpResponse<String> markets = trusting.send(HttpRequest.newBuilder(URI.create(upbitRest + "/v1/market/all"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(markets.body()).contains("KRW-XRP");
      String futuresRest = url(printed, "https://127\\.0\\.0\\.1:\\d+(?=  \\(2 perpetuals\\))");
      HttpResponse<String> perps = trusting.send(HttpRequest.newBuilder(URI.create(futuresRest
          + "/fapi/v1/premiumIndex?symbol=XRPUSDT")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(perps.statusCode()).isEqualTo(200);
      assertThat(perps.body()).contains("\"lastFundingRate\"");

      // the private REST over TLS, with the generated keys from their 0600 file
      await().atMost(LIVENESS).until(() -> out.toString(StandardCharsets.UTF_8).contains("API keys (0600)"));
      assertThat(java.nio.file.Files.getPosixFilePermissions(keysFile))
          .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
      com.typesafe.config.Config keys = com.typesafe.config.ConfigFactory.parseFile(keysFile.toFile());
      String query = "omitZeroBalances=true&timestamp=" + System.currentTimeMillis();
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(keys.getString("kimp.exchanges.binance.secret-key")
          .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = java.util.HexFormat.of().formatHex(mac.doFinal(query.getBytes(StandardCharsets.UTF_8)));
      HttpResponse<String> account = trusting.send(HttpRequest.newBuilder(URI.create(
              binanceRest + "/api/v3/account?" + query + "&signature=" + signature))
          .header("X-MBX-APIKEY", keys.getString("kimp.exchanges.binance.api-key")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
      assertThat(account.body()).contains("\"asset\":\"USDT\",\"free\":\"10000\"");

      CompletableFuture<String> frame = new CompletableFuture<>();
      WebSocket ws = trusting.newWebSocketBuilder().buildAsync(URI.create(binanceWs + "/ws/xrpusdt@bookTicker"),
          new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
              frame.complete(data.toString());
              return null;
            }
          }).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
      assertThat(frame.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).contains("\"s\":\"XRPUSDT\"");
      ws.abort();

      // a client that does not trust the certificate is refused
      HttpClient plain = HttpClient.newHttpClient();
      try {
        plain.send(HttpRequest.newBuilder(URI.create(binanceRest + "/api/v3/time")).build(),
            HttpResponse.BodyHandlers.ofString());
        throw new AssertionError("an untrusted certificate was accepted");
      } catch (SSLHandshakeException expected) {
        // refused, as it must be
      }
    } finally {
      cmd.stop();
    }
    assertThat(exit.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isZero();
  }

  @Test
  void scheduledOutagesHappen() throws Exception {
    Path scenario = dir.resolve("outages.json");
    Files.writeString(scenario, "{\"coins\": 2, \"outages\": ["
        + "{\"at\": \"0s\", \"venue\": \"upbit\", \"kind\": \"rate-limit\", \"for\": \"10m\"}]}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    SimulatorCommand cmd = new SimulatorCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(cmd).execute(
        "--scenario", scenario.toString(), "--keys-file", dir.resolve("keys.conf").toString()));
    try {
      await().atMost(LIVENESS).until(() -> err.toString(StandardCharsets.UTF_8).contains("outage: rate_limit upbit"));
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("2 coins", "plain", "outages            1 scheduled");
      String upbitRest = url(printed, "http://127\\.0\\.0\\.1:\\d+(?=\\n  Binance)");
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(upbitRest + "/v1/market/all")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("Remaining-Req")).isPresent();
    } finally {
      cmd.stop();
    }
    assertThat(exit.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isZero();
  }

  @Test
  void scheduledPrivateFaultsHappen() throws Exception {
    Path scenario = dir.resolve("private-faults.conf");
    Files.writeString(scenario, String.join("\n", "coins = 2", "outages = [",
        "  { at = 0s, venue = binance, kind = key-refused, for = 10m }",
        "  { at = 0s, venue = upbit, kind = server-error, endpoint = \"GET /v1/accounts\", count = 1 }",
        "]"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    SimulatorCommand cmd = new SimulatorCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Path keysFile = dir.resolve("keys-faults.conf");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(cmd).execute(
        "--scenario", scenario.toString(), "--keys-file", keysFile.toString()));
    try {
      await().atMost(LIVENESS).until(() -> err.toString(StandardCharsets.UTF_8).contains("outage: key_refused binance")
          && err.toString(StandardCharsets.UTF_8).contains("outage: server_error upbit"));
      String printed = out.toString(StandardCharsets.UTF_8);
      String upbitRest = url(printed, "http://127\\.0\\.0\\.1:\\d+(?=\\n  Binance)");
      String binanceRest = url(printed, "http://127\\.0\\.0\\.1:\\d+(?=\\n  USD/KRW)");
      String apiKey = com.typesafe.config.ConfigFactory.parseFile(keysFile.toFile())
          .getString("kimp.exchanges.binance.api-key");
      HttpClient http = HttpClient.newHttpClient();
      // the right key, refused while the outage runs (before the signature is looked at)
      HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(binanceRest
          + "/api/v3/account?timestamp=" + System.currentTimeMillis() + "&signature=00")).header("X-MBX-APIKEY", apiKey)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("-2015");
      // Upbit's next GET /v1/accounts is a 503, the one after it is Upbit's own answer (no token: 401)
      HttpResponse<String> failed = http.send(HttpRequest.newBuilder(URI.create(upbitRest + "/v1/accounts")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(failed.statusCode()).isEqualTo(503);
      HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(upbitRest + "/v1/accounts")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(401);
    } finally {
      cmd.stop();
    }
    assertThat(exit.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isZero();
  }

  private static String url(String printed, String regex) {
    Matcher m = Pattern.compile(regex).matcher(printed);
    assertThat(m.find()).as(regex + " in\n" + printed).isTrue();
    return m.group();
  }

  @Test
  void badInputIsAOneLineErrorAndExitCodeTwo() throws Exception {
    Path scenario = dir.resolve("bad.conf");
    Files.writeString(scenario, "outages = [ { at = 5s, venue = upbit, kind = server-shutdown } ]");
    Path noEndpoint = dir.resolve("no-endpoint.conf");
    Files.writeString(noEndpoint, "outages = [ { at = 5s, venue = upbit, kind = server-error } ]");
    for (String[] args : new String[][] {
      {"--coins", "0"}, {"--coins", "btc,eth!"}, {"--scenario", dir.resolve("missing.conf").toString()},
      {"--scenario", scenario.toString()}, {"--premium-period", "soon"}, {"--scenario", noEndpoint.toString()}
    }) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = new CommandLine(new SimulatorCommand(new PrintStream(new ByteArrayOutputStream()),
          new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
      String msg = err.toString(StandardCharsets.UTF_8);
      assertThat(code).as(String.join(" ", args)).isEqualTo(2);
      assertThat(msg).as(String.join(" ", args)).startsWith("kimp simulator: ").doesNotContain("\tat ");
      assertThat(msg.strip().lines()).hasSize(1);
    }
  }
}
