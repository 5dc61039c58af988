package io.kimp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The simulator's HTTP and WebSocket transport, on the points the feed tests do not reach: refused requests, REST
 * answers, Binance's ping frames when idle, Upbit's PING and its refusal of a bad request as the venues do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatorProtocolTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private ExchangeSimulator sim;

  @BeforeAll
  void start() throws Exception {
    sim =
        ExchangeSimulator.start(
                kit.system(),
                SimulatorConfig.defaults().withCoins(List.of("BTC", "ETH")).withUpdatesPerSecond(50)
                    .withBinancePingInterval(Duration.ofMillis(200)))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    sim.close();
    kit.shutdownTestKit();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void restListsAndRefusals() throws Exception {
    HttpResponse<String> markets = get(sim.upbitRestUrl() + "/v1/market/all");
    assertThat(markets.statusCode()).isEqualTo(200);
    assertThat(markets.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
    assertThat(markets.body()).contains("\"market\":\"KRW-BTC\"").contains("이더리움");
    assertThat(get(sim.binanceRestUrl() + "/api/v3/exchangeInfo").body()).contains("\"symbol\":\"ETHUSDT\"");
    assertThat(get(sim.usdKrwUrl()).body()).startsWith("{\"base\":\"USD\",\"rates\":{\"KRW\":");
    assertThat(get(sim.upbitRestUrl() + "/nothing").statusCode()).isEqualTo(404);

    HttpResponse<String> plain = get(sim.binanceWebSocketUrl().replace("ws:", "http:") + "/ws/btcusdt@bookTicker");
    assertThat(plain.statusCode()).isEqualTo(400);
    assertThat(plain.body()).isEqualTo("WebSocket only");

    String many = IntStream.range(0, 1025).mapToObj(i -> "c" + i + "usdt@trade").collect(Collectors.joining("/"));
    HttpResponse<String> tooMany = get(sim.binanceRestUrl() + "/stream?streams=" + many);
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(tooMany.body()).isEqualTo("{\"code\":-1121,\"msg\":\"Invalid number of streams: 1025\"}");
  }

  @Test
  void binancePingsWhenIdleAndSendsTextFrames() throws Exception {
    CompletableFuture<String> frame = new CompletableFuture<>();
    CompletableFuture<Boolean> pinged = new CompletableFuture<>();
    sim.stall(SimVenue.BINANCE, Duration.ofMillis(800)); // nothing to send for a while: the server pings
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(sim.binanceWebSocketUrl() + "/stream?streams=btcusdt@bookTicker"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    frame.complete(data.toString());
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
                    pinged.complete(true);
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(pinged.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(frame.get(5, TimeUnit.SECONDS)).startsWith("{\"stream\":\"btcusdt@bookTicker\",\"data\":{");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
  }

  @Test
  void upbitAnswersPingAndRefusesABadRequestWithItsErrorAndACleanClose() throws Exception {
    CompletableFuture<String> pong = new CompletableFuture<>();
    CompletableFuture<String> error = new CompletableFuture<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(sim.upbitWebSocketUrl()),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                    String text = StandardCharsets.UTF_8.decode(data).toString();
                    (pong.isDone() ? error : pong).complete(text);
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                    closed.complete(status);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    ws.sendText("PING", true).get(5, TimeUnit.SECONDS);
    assertThat(pong.get(5, TimeUnit.SECONDS)).isEqualTo("{\"status\":\"UP\"}");
    ws.sendText("[{\"ticket\":\"t\"},{\"type\":\"nosuchtype\",\"codes\":[\"KRW-BTC\"]}]", true).get(5, TimeUnit.SECONDS);
    assertThat(error.get(5, TimeUnit.SECONDS)).startsWith("{\"error\":{\"name\":\"INVALID_PARAM\"");
    assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
  }
}
