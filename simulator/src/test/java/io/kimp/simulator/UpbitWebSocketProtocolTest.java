package io.kimp.simulator;

import static io.kimp.simulator.WsProbe.JSON;
import static io.kimp.simulator.WsProbe.LIVENESS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Upbit's quotation WebSocket as documented (docs.upbit.com, WebSocket guide, ticker, trade and orderbook): per type a
 * SNAPSHOT then REALTIME messages, {@code isOnlySnapshot} and {@code isOnlyRealtime} (both spellings), 15-level books and
 * the {@code .N} unit count, the {@code level} grouping, the four formats, binary frames, {@code PING}, errors, and the
 * close of an idle connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpbitWebSocketProtocolTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private ExchangeSimulator sim;
  private ExchangeSimulator idle;

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "XRP")).withUpdatesPerSecond(200))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    idle = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC")).withUpdatesPerSecond(100).withFaultProxy(false)
                .withUpbitIdleTimeout(Duration.ofMillis(600)))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    sim.close();
    idle.close();
    kit.shutdownTestKit();
  }

  private static String type(JsonNode n) {
    return n.has("type") ? n.get("type").asText() : n.path("ty").asText();
  }

  private static String stream(JsonNode n) {
    return n.has("stream_type") ? n.get("stream_type").asText() : n.path("st").asText();
  }

  @Test
  void eachTypeStartsWithASnapshotThenRealTimeInBinaryFrames() throws Exception {
    try (WsProbe c = WsProbe.open(http, sim.upbitWebSocketUrl())) {
      c.send("[{\"ticket\":\"t1\"},{\"type\":\"ticker\",\"codes\":[\"KRW-BTC\"]},"
          + "{\"type\":\"orderbook\",\"codes\":[\"KRW-BTC\"]},{\"format\":\"DEFAULT\"}]");
      Map<String, List<String>> seen = new HashMap<>();
      while (seen.getOrDefault("ticker", List.of()).size() < 2 || seen.getOrDefault("orderbook", List.of()).size() < 3) {
        JsonNode n = JSON.readTree(c.next());
        seen.computeIfAbsent(type(n), k -> new ArrayList<>()).add(stream(n));
        if (type(n).equals("orderbook")) {
          assertThat(n.get("orderbook_units")).hasSize(15);
          assertThat(n.fieldNames()).toIterable().contains("type", "code", "timestamp", "total_ask_size",
              "total_bid_size", "orderbook_units", "stream_type", "level");
          JsonNode best = n.get("orderbook_units").get(0);
          assertThat(best.get("ask_price").decimalValue()).isGreaterThan(best.get("bid_price").decimalValue());
        }
      }
      assertThat(seen.get("ticker").get(0)).isEqualTo("SNAPSHOT");
      assertThat(seen.get("ticker").subList(1, seen.get("ticker").size())).containsOnly("REALTIME");
      assertThat(seen.get("orderbook").get(0)).isEqualTo("SNAPSHOT");
      assertThat(seen.get("orderbook").subList(1, seen.get("orderbook").size())).containsOnly("REALTIME");
      assertThat(c.sawBinary).isTrue();
      assertThat(c.sawText).isFalse();
    }
  }

  @Test
  void onlySnapshotSendsOneMessageAndOnlyRealtimeNoSnapshot() throws Exception {
    try (WsProbe c = WsProbe.open(http, sim.upbitWebSocketUrl())) {
      c.send("[{\"ticket\":\"t2\"},{\"type\":\"orderbook\",\"codes\":[\"KRW-BTC\",\"KRW-XRP\"],\"isOnlySnapshot\":true},"
          + "{\"type\":\"trade\",\"codes\":[\"KRW-XRP\"],\"is_only_realtime\":true},{\"format\":\"SIMPLE\"}]");
      int books = 0;
      int trades = 0;
      while (trades < 5) {
        JsonNode n = JSON.readTree(c.next());
        if (type(n).equals("orderbook")) {
          books++;
          assertThat(stream(n)).isEqualTo("SNAPSHOT");
        } else {
          assertThat(type(n)).isEqualTo("trade");
          assertThat(stream(n)).isEqualTo("REALTIME");
          assertThat(n.fieldNames()).toIterable().contains("ty", "cd", "tp", "tv", "ab", "sid", "ttms", "st");
          trades++;
        }
      }
      // five real-time trades later (about ten book changes of each market), still the two snapshots only
      assertThat(books).isEqualTo(2);
    }
  }

  @Test
  void unitCountsLevelGroupingAndListFormats() throws Exception {
    try (WsProbe c = WsProbe.open(http, sim.upbitWebSocketUrl())) {
      c.send("[{\"ticket\":\"t3\"},{\"type\":\"orderbook\",\"codes\":[\"KRW-BTC.5\"],\"level\":50000},"
          + "{\"format\":\"SIMPLE_LIST\"}]");
      for (int i = 0; i < 3; i++) {
        JsonNode list = JSON.readTree(c.next());
        assertThat(list.isArray()).isTrue();
        JsonNode n = list.get(0);
        assertThat(n.get("ty").asText()).isEqualTo("orderbook");
        assertThat(n.get("lv").decimalValue()).isEqualByComparingTo("50000");
        assertThat(n.get("obu")).hasSize(5);
        for (JsonNode u : n.get("obu")) {
          assertThat(u.get("ap").decimalValue().remainder(new BigDecimal(50000))).isEqualByComparingTo("0");
          assertThat(u.get("bp").decimalValue().remainder(new BigDecimal(50000))).isEqualByComparingTo("0");
        }
      }
      // a new request replaces the former: default keys, in a list
      c.send("[{\"ticket\":\"t4\"},{\"type\":\"ticker\",\"codes\":[\"KRW-XRP\"]},{\"format\":\"JSON_LIST\"}]");
      JsonNode ticker = JSON.readTree(c.next()).get(0);
      while (!ticker.has("type")) {
        ticker = JSON.readTree(c.next()).get(0);
      }
      assertThat(ticker.get("type").asText()).isEqualTo("ticker");
      assertThat(ticker.get("code").asText()).isEqualTo("KRW-XRP");
      assertThat(ticker.get("stream_type").asText()).isEqualTo("SNAPSHOT");
      assertThat(ticker.fieldNames()).toIterable().contains("opening_price", "high_price", "low_price", "trade_price",
          "prev_closing_price", "change", "signed_change_rate", "acc_trade_price_24h", "trade_timestamp", "timestamp");
    }
  }

  @Test
  void pingAndBadRequests() throws Exception {
    try (WsProbe c = WsProbe.open(http, sim.upbitWebSocketUrl())) {
      c.send("PING");
      assertThat(c.next()).isEqualTo("{\"status\":\"UP\"}");
      c.send("[{\"ticket\":\"t5\"},{\"type\":\"orderbook\",\"codes\":[\"KRW-BTC\"]},{\"format\":\"XML\"}]");
      assertThat(JSON.readTree(c.next()).get("error").get("name").asText()).isEqualTo("INVALID_PARAM");
      assertThat(c.closed.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
    }
    try (WsProbe c = WsProbe.open(http, sim.upbitWebSocketUrl())) {
      c.send("{\"ticket\":\"t6\"}");
      assertThat(c.next()).isEqualTo("{\"error\":{\"name\":\"WRONG_FORMAT\",\"message\":\"요청 형식이 올바르지 않습니다.\"}}");
    }
    try (WsProbe c = WsProbe.open(http, sim.upbitWebSocketUrl())) {
      c.send("[{\"ticket\":\"t7\"},{\"type\":\"ticker\",\"codes\":[\"KRW-BTC\"],\"isOnlySnapshot\":\"yes\"}]");
      assertThat(JSON.readTree(c.next()).get("error").get("name").asText()).isEqualTo("INVALID_PARAM");
    }
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    try (WsProbe c = WsProbe.open(http, idle.upbitWebSocketUrl())) {
      // nothing asked, nothing sent: closed after the idle timeout
      assertThat(c.closed.get(LIVENESS.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
    }
    try (WsProbe c = WsProbe.open(http, idle.upbitWebSocketUrl())) {
      // subscribed, data flows: the connection stays past several idle timeouts
      c.send("[{\"ticket\":\"t8\"},{\"type\":\"orderbook\",\"codes\":[\"KRW-BTC\"]}]");
      for (int i = 0; i < 20; i++) {
        c.next();
      }
      assertThat(c.closed).isNotDone();
    }
  }
}
