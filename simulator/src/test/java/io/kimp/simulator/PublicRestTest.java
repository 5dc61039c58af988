package io.kimp.simulator;

import static io.kimp.simulator.WsProbe.JSON;
import static io.kimp.simulator.WsProbe.LIVENESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Both venues' public REST as documented (Binance rest-api, Upbit quotation API): the endpoints' shapes, the Binance
 * filters the streams obey, agreement with the streams, the rate-limit headers and 429s, and the venues' error shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublicRestTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private ExchangeSimulator sim;
  private ExchangeSimulator limited;

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "XRP", "DOGE")).withUpdatesPerSecond(200))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    limited = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC")).withUpdatesPerSecond(10).withFaultProxy(false)
                .withRateLimits(30, 3))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    sim.close();
    limited.close();
    kit.shutdownTestKit();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String url) throws Exception {
    HttpResponse<String> r = get(url);
    assertThat(r.statusCode()).as(url + " " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static boolean onGrid(String value, BigDecimal unit) {
    return new BigDecimal(value).remainder(unit).signum() == 0;
  }

  @Test
  void binanceExchangeInfoHasFiltersTheStreamsObey() throws Exception {
    JsonNode info = ok(sim.binanceRestUrl() + "/api/v3/exchangeInfo");
    assertThat(info.get("rateLimits").get(0).get("limit").asInt()).isEqualTo(6000);
    JsonNode xrp = null;
    for (JsonNode s : info.get("symbols")) {
      if (s.get("symbol").asText().equals("XRPUSDT")) {
        xrp = s;
      }
    }
    assertThat(xrp).isNotNull();
    assertThat(xrp.get("status").asText()).isEqualTo("TRADING");
    BigDecimal tick = null;
    BigDecimal step = null;
    boolean notional = false;
    for (JsonNode f : xrp.get("filters")) {
      switch (f.get("filterType").asText()) {
        case "PRICE_FILTER" -> tick = new BigDecimal(f.get("tickSize").asText());
        case "LOT_SIZE" -> step = new BigDecimal(f.get("stepSize").asText());
        case "NOTIONAL" -> notional = new BigDecimal(f.get("minNotional").asText()).signum() > 0;
        default -> { }
      }
    }
    assertThat(tick).isEqualByComparingTo("0.0001");
    assertThat(step).isEqualByComparingTo("0.1");
    assertThat(notional).isTrue();
    JsonNode one = ok(sim.binanceRestUrl() + "/api/v3/exchangeInfo?symbol=DOGEUSDT");
    assertThat(one.get("symbols")).hasSize(1);
    try (WsProbe c = WsProbe.open(http, sim.binanceWebSocketUrl() + "/ws/xrpusdt@bookTicker/xrpusdt@trade")) {
      for (int i = 0; i < 20; i++) {
        JsonNode n = JSON.readTree(c.next());
        if (n.has("e")) {
          assertThat(onGrid(n.get("p").asText(), tick)).as(n.toString()).isTrue();
          assertThat(onGrid(n.get("q").asText(), step)).as(n.toString()).isTrue();
        } else {
          assertThat(onGrid(n.get("b").asText(), tick) && onGrid(n.get("a").asText(), tick)).as(n.toString()).isTrue();
          assertThat(onGrid(n.get("B").asText(), step)).as(n.toString()).isTrue();
        }
      }
    }
  }

  @Test
  void binanceMarketDataEndpoints() throws Exception {
    HttpResponse<String> depth = get(sim.binanceRestUrl() + "/api/v3/depth?symbol=BTCUSDT&limit=5");
    assertThat(depth.statusCode()).isEqualTo(200);
    assertThat(Integer.parseInt(depth.headers().firstValue("X-MBX-USED-WEIGHT-1M").orElseThrow())).isPositive();
    JsonNode d = JSON.readTree(depth.body());
    assertThat(d.fieldNames()).toIterable().containsExactly("lastUpdateId", "bids", "asks");
    assertThat(d.get("bids")).hasSize(5);
    JsonNode t = ok(sim.binanceRestUrl() + "/api/v3/ticker/24hr?symbol=BTCUSDT");
    assertThat(t.fieldNames()).toIterable().containsExactly("symbol", "priceChange", "priceChangePercent",
        "weightedAvgPrice", "prevClosePrice", "lastPrice", "lastQty", "bidPrice", "bidQty", "askPrice", "askQty",
        "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume", "openTime", "closeTime", "firstId", "lastId",
        "count");
    assertThat(ok(sim.binanceRestUrl() + "/api/v3/ticker/24hr").size()).isGreaterThanOrEqualTo(3);
    assertThat(ok(sim.binanceRestUrl() + "/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22,%22XRPUSDT%22%5D")).hasSize(2);
    JsonNode bt = ok(sim.binanceRestUrl() + "/api/v3/ticker/bookTicker?symbol=XRPUSDT");
    assertThat(bt.fieldNames()).toIterable().containsExactly("symbol", "bidPrice", "bidQty", "askPrice", "askQty");
    assertThat(ok(sim.binanceRestUrl() + "/api/v3/time").get("serverTime").asLong()).isPositive();
    await().atMost(LIVENESS).untilAsserted(() ->
        assertThat(ok(sim.binanceRestUrl() + "/api/v3/klines?symbol=BTCUSDT&interval=1m")).isNotEmpty());
    JsonNode k = ok(sim.binanceRestUrl() + "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1").get(0);
    assertThat(k).hasSize(12);
    assertThat(new BigDecimal(k.get(2).asText())).isGreaterThanOrEqualTo(new BigDecimal(k.get(3).asText()));
  }

  @Test
  void binanceRestAgreesWithItsStreams() throws Exception {
    try (WsProbe c = WsProbe.open(http, sim.binanceWebSocketUrl() + "/ws/btcusdt@bookTicker")) {
      AtomicReference<JsonNode> last = new AtomicReference<>(JSON.readTree(c.next()));
      sim.stall(SimVenue.BINANCE, Duration.ofMinutes(1));
      try {
        JsonNode rest = ok(sim.binanceRestUrl() + "/api/v3/ticker/bookTicker?symbol=BTCUSDT");
        JsonNode depth = ok(sim.binanceRestUrl() + "/api/v3/depth?symbol=BTCUSDT&limit=1");
        // the stream's newest event (drained) is the REST state
        await().atMost(LIVENESS).untilAsserted(() -> {
          String m;
          while ((m = c.messages.poll()) != null) {
            last.set(JSON.readTree(m));
          }
          assertThat(last.get().get("u").asLong()).isEqualTo(depth.get("lastUpdateId").asLong());
        });
        assertThat(last.get().get("b").asText()).isEqualTo(rest.get("bidPrice").asText());
        assertThat(last.get().get("A").asText()).isEqualTo(rest.get("askQty").asText());
        assertThat(depth.get("bids").get(0).get(0).asText()).isEqualTo(rest.get("bidPrice").asText());
      } finally {
        sim.resume(SimVenue.BINANCE);
      }
    }
  }

  @Test
  void binanceErrorsAndLimits() throws Exception {
    String base = sim.binanceRestUrl();
    assertThat(get(base + "/api/v3/depth").body())
        .isEqualTo("{\"code\":-1102,\"msg\":\"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.\"}");
    HttpResponse<String> bad = get(base + "/api/v3/depth?symbol=NOPEUSDT");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).isEqualTo("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
    assertThat(get(base + "/api/v3/klines?symbol=BTCUSDT&interval=7m").body())
        .isEqualTo("{\"code\":-1120,\"msg\":\"Invalid interval.\"}");
    assertThat(get(base + "/api/v3/depth?symbol=BTCUSDT&limit=x").body()).startsWith("{\"code\":-1100,");
    // 30 weight a minute: exchangeInfo (20) passes, the second refused with 429, -1003 and Retry-After
    String lb = limited.binanceRestUrl();
    HttpResponse<String> first = get(lb + "/api/v3/exchangeInfo");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-MBX-USED-WEIGHT-1M")).hasValue("20");
    HttpResponse<String> second = get(lb + "/api/v3/exchangeInfo");
    if (second.statusCode() == 200) { // the minute turned between the two: the next one is refused
      second = get(lb + "/api/v3/exchangeInfo");
    }
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(second.body()).get("code").asInt()).isEqualTo(-1003);
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    // the throttle fault: 429 to everything
    sim.throttle(SimVenue.BINANCE, Duration.ofMinutes(1));
    try {
      assertThat(get(base + "/api/v3/time").statusCode()).isEqualTo(429);
    } finally {
      sim.throttle(SimVenue.BINANCE, Duration.ZERO);
    }
    assertThat(get(base + "/api/v3/time").statusCode()).isEqualTo(200);
  }

  @Test
  void upbitQuotationEndpoints() throws Exception {
    String base = sim.upbitRestUrl();
    HttpResponse<String> t = get(base + "/v1/ticker?markets=KRW-BTC,KRW-XRP");
    assertThat(t.statusCode()).isEqualTo(200);
    assertThat(t.headers().firstValue("Remaining-Req").orElseThrow()).startsWith("group=ticker; min=");
    JsonNode tickers = JSON.readTree(t.body());
    assertThat(tickers).hasSize(2);
    assertThat(tickers.get(0).fieldNames()).toIterable().contains("market", "trade_date", "trade_time",
        "trade_date_kst", "trade_time_kst", "trade_timestamp", "opening_price", "high_price", "low_price",
        "trade_price", "prev_closing_price", "change", "signed_change_rate", "acc_trade_price_24h", "timestamp")
        .doesNotContain("type", "stream_type");
    JsonNode book = ok(base + "/v1/orderbook?markets=KRW-BTC").get(0);
    assertThat(book.get("market").asText()).isEqualTo("KRW-BTC");
    assertThat(book.get("orderbook_units")).hasSize(15);
    await().atMost(LIVENESS).untilAsserted(() ->
        assertThat(ok(base + "/v1/trades/ticks?market=KRW-XRP&count=3")).hasSize(3));
    JsonNode trades = ok(base + "/v1/trades/ticks?market=KRW-XRP&count=3");
    assertThat(trades.get(0).get("sequential_id").asLong()).isGreaterThan(trades.get(1).get("sequential_id").asLong());
    assertThat(trades.get(0).fieldNames()).toIterable().containsExactly("market", "trade_date_utc", "trade_time_utc",
        "timestamp", "trade_price", "trade_volume", "prev_closing_price", "change_price", "ask_bid", "sequential_id");
    JsonNode candle = ok(base + "/v1/candles/minutes/1?market=KRW-XRP&count=1").get(0);
    assertThat(candle.fieldNames()).toIterable().containsExactly("market", "candle_date_time_utc",
        "candle_date_time_kst", "opening_price", "high_price", "low_price", "trade_price", "timestamp",
        "candle_acc_trade_price", "candle_acc_trade_volume", "unit");
    assertThat(ok(base + "/v1/market/all?isDetails=true").get(0).has("market_event")).isTrue();
  }

  @Test
  void upbitRestAgreesWithItsStreams() throws Exception {
    try (WsProbe c = WsProbe.open(http, sim.upbitWebSocketUrl())) {
      c.send("[{\"ticket\":\"r\"},{\"type\":\"orderbook\",\"codes\":[\"KRW-BTC\"]}]");
      AtomicReference<JsonNode> last = new AtomicReference<>(JSON.readTree(c.next()));
      sim.stall(SimVenue.UPBIT, Duration.ofMinutes(1));
      try {
        JsonNode rest = ok(sim.upbitRestUrl() + "/v1/orderbook?markets=KRW-BTC").get(0);
        await().atMost(LIVENESS).untilAsserted(() -> {
          String m;
          while ((m = c.messages.poll()) != null) {
            last.set(JSON.readTree(m));
          }
          assertThat(last.get().get("timestamp").asLong()).isEqualTo(rest.get("timestamp").asLong());
        });
        assertThat(last.get().get("orderbook_units")).isEqualTo(rest.get("orderbook_units"));
      } finally {
        sim.resume(SimVenue.UPBIT);
      }
    }
  }

  @Test
  void upbitErrorsAndLimits() throws Exception {
    String base = sim.upbitRestUrl();
    HttpResponse<String> unknown = get(base + "/v1/ticker?markets=KRW-NOPE");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"error\":{\"name\":404,\"message\":\"Code not found\"}}");
    HttpResponse<String> missing = get(base + "/v1/orderbook");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(missing.body()).get("error").get("name").asText()).isEqualTo("validation_error");
    assertThat(get(base + "/v1/candles/minutes/7?market=KRW-BTC").statusCode()).isEqualTo(400);
    assertThat(get(base + "/v1/trades/ticks?market=KRW-BTC&count=501").statusCode()).isEqualTo(400);
    // 3 a second per group: the fourth in the same second is refused (or, if the second turned, a later one)
    String lb = limited.upbitRestUrl();
    int refused = 0;
    for (int i = 0; i < 8 && refused == 0; i++) {
      HttpResponse<String> r = get(lb + "/v1/ticker?markets=KRW-BTC");
      if (r.statusCode() == 429) {
        refused++;
        assertThat(r.headers().firstValue("Remaining-Req").orElseThrow()).endsWith("sec=0");
        assertThat(JSON.readTree(r.body()).get("error").get("name").asText()).isEqualTo("too_many_requests");
      }
    }
    assertThat(refused).isEqualTo(1);
    // another group has its own count
    assertThat(get(lb + "/v1/market/all").statusCode()).isEqualTo(200);
  }
}
