package io.kimp.simulator;

import static io.kimp.simulator.WsProbe.JSON;
import static io.kimp.simulator.WsProbe.LIVENESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Binance's WebSocket market streams as documented (developers.binance.com, spot web-socket-streams): the paths, the live
 * requests and their answers and errors, every stream's payload, the diff depth stream against the REST snapshot, each
 * connection's own stream names, and the keep-alive rules (server pings, pong deadline, connection age, 5 messages a
 * second).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinanceWebSocketProtocolTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private ExchangeSimulator sim;
  private ExchangeSimulator shortLived;

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "ETH")).withUpdatesPerSecond(100))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    shortLived = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC")).withUpdatesPerSecond(20).withFaultProxy(false)
                .withBinancePingInterval(Duration.ofMillis(200))
                .withBinanceKeepAlive(Duration.ofMillis(700), Duration.ofSeconds(3)))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    sim.close();
    shortLived.close();
    kit.shutdownTestKit();
  }

  private String ws(String path) {
    return sim.binanceWebSocketUrl() + path;
  }

  private JsonNode rest(String pathAndQuery) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.binanceRestUrl() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void aBareWsConnectionSubscribesListsUnsubscribesAndSwitchesToCombined() throws Exception {
    try (WsProbe c = WsProbe.open(http, ws("/ws"))) {
      c.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\",\"ethusdt@trade\"],\"id\":1}");
      assertThat(c.answer(1).toString()).isEqualTo("{\"result\":null,\"id\":1}");
      JsonNode book = c.next(n -> n.has("u") && n.has("b"));
      assertThat(book.get("s").asText()).isEqualTo("BTCUSDT");
      assertThat(new BigDecimal(book.get("a").asText())).isGreaterThan(new BigDecimal(book.get("b").asText()));
      c.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":3}");
      assertThat(c.answer(3).get("result").toString()).isEqualTo("[\"btcusdt@bookTicker\",\"ethusdt@trade\"]");
      c.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"ethusdt@trade\"],\"id\":312}");
      assertThat(c.answer(312).toString()).isEqualTo("{\"result\":null,\"id\":312}");
      c.send("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":2}");
      assertThat(c.answer(2).toString()).isEqualTo("{\"result\":false,\"id\":2}");
      c.send("{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\",true],\"id\":5}");
      assertThat(c.answer(5).toString()).isEqualTo("{\"result\":null,\"id\":5}");
      JsonNode wrapped = c.next(n -> n.has("stream"));
      assertThat(wrapped.get("stream").asText()).isEqualTo("btcusdt@bookTicker");
      assertThat(wrapped.get("data").get("s").asText()).isEqualTo("BTCUSDT");
    }
    // one second later (the 5-messages-a-second limit), the list is what is left
    try (WsProbe c = WsProbe.open(http, ws("/ws/btcusdt@trade"))) {
      c.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":\"abc-1\"}");
      assertThat(c.next(n -> n.has("result")).toString()).isEqualTo("{\"result\":[\"btcusdt@trade\"],\"id\":\"abc-1\"}");
    }
  }

  @Test
  void aBareStreamConnectionIsCombinedAndRawPathsTakeSeveralStreams() throws Exception {
    try (WsProbe c = WsProbe.open(http, ws("/stream"))) {
      c.send("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":7}");
      assertThat(c.answer(7).toString()).isEqualTo("{\"result\":true,\"id\":7}");
      c.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@aggTrade\"],\"id\":8}");
      assertThat(c.answer(8).get("result").isNull()).isTrue();
      JsonNode agg = c.next(n -> n.has("stream"));
      assertThat(agg.get("stream").asText()).isEqualTo("ethusdt@aggTrade");
      assertThat(agg.get("data").get("e").asText()).isEqualTo("aggTrade");
      assertThat(agg.get("data").fieldNames()).toIterable()
          .containsExactly("e", "E", "s", "a", "p", "q", "f", "l", "T", "m", "M");
    }
    try (WsProbe c = WsProbe.open(http, ws("/ws/ethusdt@trade/ethusdt@miniTicker/ethusdt@ticker"))) {
      JsonNode trade = c.next(n -> "trade".equals(n.path("e").asText()));
      assertThat(trade.fieldNames()).toIterable().containsExactly("e", "E", "s", "t", "p", "q", "T", "m", "M");
      JsonNode mini = c.next(n -> "24hrMiniTicker".equals(n.path("e").asText()));
      assertThat(mini.fieldNames()).toIterable().containsExactly("e", "E", "s", "c", "o", "h", "l", "v", "q");
      JsonNode ticker = c.next(n -> "24hrTicker".equals(n.path("e").asText()));
      assertThat(ticker.fieldNames()).toIterable().containsExactly("e", "E", "s", "p", "P", "w", "x", "c", "Q", "b",
          "B", "a", "A", "o", "h", "l", "v", "q", "O", "C", "F", "L", "n");
      assertThat(ticker.get("s").asText()).isEqualTo("ETHUSDT");
      assertThat(new BigDecimal(ticker.get("a").asText())).isGreaterThan(new BigDecimal(ticker.get("b").asText()));
    }
  }

  @Test
  void eachConnectionGetsFramesUnderItsOwnStreamNames() throws Exception {
    try (WsProbe five = WsProbe.open(http, ws("/stream?streams=btcusdt@depth5@100ms"));
        WsProbe ten = WsProbe.open(http, ws("/stream?streams=btcusdt@depth10@100ms"));
        WsProbe twenty = WsProbe.open(http, ws("/stream?streams=btcusdt@depth20"));
        WsProbe raw = WsProbe.open(http, ws("/ws/btcusdt@depth5@100ms"))) {
      for (int i = 0; i < 3; i++) {
        JsonNode a = JSON.readTree(five.next());
        assertThat(a.get("stream").asText()).isEqualTo("btcusdt@depth5@100ms");
        assertThat(a.get("data").get("bids")).hasSize(5);
        assertThat(a.get("data").get("asks")).hasSize(5);
        JsonNode b = JSON.readTree(ten.next());
        assertThat(b.get("stream").asText()).isEqualTo("btcusdt@depth10@100ms");
        assertThat(b.get("data").get("bids")).hasSize(10);
        JsonNode r = JSON.readTree(raw.next());
        assertThat(r.has("stream")).isFalse();
        assertThat(r.fieldNames()).toIterable().containsExactly("lastUpdateId", "bids", "asks");
      }
      JsonNode c = JSON.readTree(twenty.next());
      assertThat(c.get("stream").asText()).isEqualTo("btcusdt@depth20");
      assertThat(c.get("data").get("asks")).hasSize(20);
    }
  }

  @Test
  void diffDepthEventsContinueTheRestSnapshotAndRebuildTheBook() throws Exception {
    try (WsProbe c = WsProbe.open(http, ws("/ws/btcusdt@depth@100ms"))) {
      JsonNode first = c.next(n -> "depthUpdate".equals(n.path("e").asText()));
      assertThat(first.fieldNames()).toIterable().containsExactly("e", "E", "s", "U", "u", "b", "a");
      // the documented procedure: buffer, fetch the snapshot, drop what it covers, then apply in sequence
      JsonNode snapshot = rest("/api/v3/depth?symbol=BTCUSDT&limit=1000");
      long lastUpdateId = snapshot.get("lastUpdateId").asLong();
      TreeMap<BigDecimal, BigDecimal> bids = side(snapshot.get("bids"));
      TreeMap<BigDecimal, BigDecimal> asks = side(snapshot.get("asks"));
      long u = lastUpdateId;
      boolean firstApplied = false;
      int applied = 0;
      JsonNode e = first;
      while (true) {
        if (e.get("u").asLong() > lastUpdateId) {
          if (!firstApplied) {
            assertThat(e.get("U").asLong()).isLessThanOrEqualTo(lastUpdateId + 1);
            assertThat(e.get("u").asLong()).isGreaterThanOrEqualTo(lastUpdateId + 1);
            firstApplied = true;
          } else {
            assertThat(e.get("U").asLong()).as("no gap").isEqualTo(u + 1);
          }
          apply(bids, e.get("b"));
          apply(asks, e.get("a"));
          u = e.get("u").asLong();
          if (++applied == 15) {
            break;
          }
        }
        e = JSON.readTree(c.next());
      }
      // whenever a fresh snapshot is at the local book's update id, the two books are the same
      for (int i = 0; i < 500; i++) {
        JsonNode now = rest("/api/v3/depth?symbol=BTCUSDT&limit=1000");
        long at = now.get("lastUpdateId").asLong();
        assertThat(at).isGreaterThanOrEqualTo(u);
        if (at == u) {
          assertThat(bids).containsExactlyEntriesOf(side(now.get("bids")));
          assertThat(asks).containsExactlyEntriesOf(side(now.get("asks")));
          assertThat(bids).hasSize(20);
          return;
        }
        e = JSON.readTree(c.next());
        assertThat(e.get("U").asLong()).as("no gap").isEqualTo(u + 1);
        apply(bids, e.get("b"));
        apply(asks, e.get("a"));
        u = e.get("u").asLong();
      }
      throw new AssertionError("no snapshot caught up with the diffs");
    }
  }

  private static TreeMap<BigDecimal, BigDecimal> side(JsonNode levels) {
    TreeMap<BigDecimal, BigDecimal> m = new TreeMap<>();
    apply(m, levels);
    return m;
  }

  private static void apply(TreeMap<BigDecimal, BigDecimal> side, JsonNode levels) {
    for (JsonNode l : levels) {
      BigDecimal p = new BigDecimal(l.get(0).asText()).stripTrailingZeros();
      BigDecimal q = new BigDecimal(l.get(1).asText());
      if (q.signum() == 0) {
        side.remove(p);
      } else {
        side.put(p, q.stripTrailingZeros());
      }
    }
  }

  @Test
  void badRequestsGetBinancesErrors() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"method\":\"SUBSCRIBE\",", "{\"error\":{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1");
    cases.put("{\"params\":[],\"id\":4}", "{\"error\":{\"code\":2,\"msg\":\"Invalid request: missing field method");
    cases.put("{\"method\":\"SUBSCRIB\",\"params\":[],\"id\":4}",
        "{\"error\":{\"code\":2,\"msg\":\"Invalid request: unknown variant SUBSCRIB, expected one of SUBSCRIBE, "
            + "UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY");
    cases.put("{\"method\":\"SUBSCRIBE\",\"params\":[],\"id\":-4}",
        "{\"error\":{\"code\":2,\"msg\":\"Invalid request: request ID must be an unsigned integer\"},\"id\":null}");
    cases.put("{\"method\":\"SET_PROPERTY\",\"params\":[\"compressed\",true],\"id\":4}",
        "{\"error\":{\"code\":0,\"msg\":\"Unknown property\"},\"id\":4}");
    cases.put("{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\",\"yes\"],\"id\":4}",
        "{\"error\":{\"code\":1,\"msg\":\"Invalid value type: expected Boolean\"},\"id\":4}");
    cases.put("{\"method\":\"GET_PROPERTY\",\"params\":[1],\"id\":4}",
        "{\"error\":{\"code\":2,\"msg\":\"Invalid request: property name must be a string\"},\"id\":4}");
    cases.put("{\"method\":\"LIST_SUBSCRIPTIONS\",\"params\":[\"x\"],\"id\":4}",
        "{\"error\":{\"code\":2,\"msg\":\"Invalid request: too many parameters\"},\"id\":4}");
    for (Map.Entry<String, String> t : cases.entrySet()) {
      try (WsProbe c = WsProbe.open(http, ws("/ws"))) { // one connection each: 5 messages a second at most
        c.send(t.getKey());
        assertThat(c.next()).as(t.getKey()).startsWith(t.getValue());
      }
    }
    HttpResponse<String> badStream = http.send(HttpRequest.newBuilder(URI.create(
        sim.binanceRestUrl() + "/ws/btcusdt@nosuch")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(badStream.statusCode()).isEqualTo(400);
    assertThat(badStream.body()).isEqualTo("{\"code\":-1121,\"msg\":\"Invalid stream: btcusdt@nosuch\"}");
  }

  @Test
  void moreThanFiveMessagesInASecondDisconnect() throws Exception {
    try (WsProbe c = WsProbe.open(http, ws("/ws"))) {
      for (int i = 1; i <= 6; i++) {
        c.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":" + i + "}");
      }
      // five answers at most, then the close (unless the second turned between them: then all six are answered)
      List<String> answers = new ArrayList<>();
      while (!c.closed.isDone() || !c.messages.isEmpty()) {
        String m = c.messages.poll(1, TimeUnit.SECONDS);
        if (m != null) {
          answers.add(m);
        }
        if (answers.size() == 6) {
          break;
        }
      }
      if (answers.size() < 6) {
        assertThat(c.closed.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(answers).hasSizeLessThanOrEqualTo(5);
      }
    }
  }

  @Test
  void theServerPingsWithAPayloadAndClosesAClientThatDoesNotAnswer() throws Exception {
    String url = shortLived.binanceWebSocketUrl().replace("ws://", "");
    String host = url.substring(0, url.indexOf(':'));
    int port = Integer.parseInt(url.substring(url.indexOf(':') + 1));
    try (Socket s = new Socket(host, port)) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /ws/btcusdt@bookTicker HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
          + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      // read frames, never answering: pings (opcode 9) carry a payload; then the server hangs up
      int pings = 0;
      boolean closeFrame = false;
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          break;
        }
        int len = in.read() & 0x7f;
        if (len == 126) {
          len = (in.read() << 8) | in.read();
        } else if (len == 127) {
          len = 0;
          for (int i = 0; i < 8; i++) {
            len = (len << 8) | in.read();
          }
        }
        byte[] payload = in.readNBytes(len);
        if ((b0 & 0x0f) == 9) {
          pings++;
          assertThat(payload).isNotEmpty();
        }
        closeFrame |= (b0 & 0x0f) == 8;
      }
      assertThat(pings).isPositive();
      // cut for the missing pong (no close frame), not closed for its age (which sends one)
      assertThat(closeFrame).isFalse();
    }
  }

  @Test
  void aClientThatAnswersPingsStaysUntilTheConnectionAgeThenGetsACleanClose() throws Exception {
    try (WsProbe c = WsProbe.open(http, shortLived.binanceWebSocketUrl() + "/ws/btcusdt@bookTicker")) {
      // the pong deadline (700 ms) passes several times over; the JDK client answers every ping, so it stays
      assertThat(c.closed.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
      assertThat(c.pings.get()).isGreaterThan(5);
    }
    await().atMost(LIVENESS).until(() -> shortLived.openConnections(SimVenue.BINANCE) == 0);
  }
}
