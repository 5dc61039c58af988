package io.kimp.simulator;

import static io.kimp.simulator.WsProbe.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Binance USDT-M futures' public market data as documented (developers.binance.com, derivatives / usds-margined-futures),
 * read with the JDK's WebSocket and HTTP clients: the stream paths and live requests, the bookTicker and markPrice
 * payloads, and the REST answers kimp and its futures gateway read ({@code exchangeInfo} filters, {@code premiumIndex},
 * {@code ticker/bookTicker}, {@code time}); the perpetual following the spot book; the seed deciding basis and funding.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinanceFuturesProtocolTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private ExchangeSimulator sim;

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "ETH", "XRP")).withUpdatesPerSecond(100),
            FuturesConfig.defaults().withUnlisted(Set.of("XRP")))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    sim.close();
    kit.shutdownTestKit();
  }

  private String ws(String path) {
    return sim.binanceFuturesWebSocketUrl() + path;
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sim.binanceFuturesRestUrl() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode rest(String pathAndQuery) throws Exception {
    HttpResponse<String> r = get(pathAndQuery);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-MBX-USED-WEIGHT-1M")).isPresent();
    return JSON.readTree(r.body());
  }

  private static double num(JsonNode n, String field) {
    assertThat(n.get(field).isTextual()).as(field + " is a decimal string in " + n).isTrue();
    return new BigDecimal(n.get(field).asText()).doubleValue();
  }

  @Test
  void aRawBookTickerStreamSendsTheDocumentedFieldsNearTheSpotPrice() throws Exception {
    double spotMid;
    JsonNode spot = JSON.readTree(http.send(HttpRequest.newBuilder(
            URI.create(sim.binanceRestUrl() + "/api/v3/ticker/bookTicker?symbol=BTCUSDT")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    spotMid = (num(spot, "bidPrice") + num(spot, "askPrice")) / 2;
    try (WsProbe c = WsProbe.open(http, ws("/ws/btcusdt@bookTicker"))) {
      JsonNode b = c.next(n -> n.has("e"));
      assertThat(b.get("e").asText()).isEqualTo("bookTicker");
      assertThat(b.get("s").asText()).isEqualTo("BTCUSDT");
      for (String f : new String[] {"u", "E", "T"}) {
        assertThat(b.get(f).isIntegralNumber()).as(f).isTrue();
      }
      double bid = num(b, "b");
      double ask = num(b, "a");
      assertThat(num(b, "B")).isPositive();
      assertThat(num(b, "A")).isPositive();
      assertThat(bid).isLessThan(ask);
      // basis: a few basis points (the spot price moves a little meanwhile too)
      assertThat((bid + ask) / 2 / spotMid - 1).isBetween(-0.002, 0.002);
      JsonNode next = c.next(n -> n.has("u") && n.get("u").asLong() > b.get("u").asLong());
      assertThat(next.get("s").asText()).isEqualTo("BTCUSDT");
    }
  }

  @Test
  void aCombinedStreamWrapsBookTickerAndTheOneSecondMarkPriceWithFunding() throws Exception {
    try (WsProbe c = WsProbe.open(http, ws("/stream?streams=ethusdt@bookTicker/ethusdt@markPrice@1s"))) {
      JsonNode book = c.next(n -> n.path("stream").asText().equals("ethusdt@bookTicker"));
      assertThat(book.get("data").get("e").asText()).isEqualTo("bookTicker");
      JsonNode m = c.next(n -> n.path("stream").asText().equals("ethusdt@markPrice@1s")).get("data");
      assertThat(m.get("e").asText()).isEqualTo("markPriceUpdate");
      assertThat(m.get("s").asText()).isEqualTo("ETHUSDT");
      assertThat(num(m, "p")).isPositive();
      assertThat(num(m, "i")).isPositive();
      assertThat(num(m, "P")).isPositive();
      assertThat(num(m, "r")).isBetween(-0.00015, 0.00035);
      long e = m.get("E").asLong();
      long t = m.get("T").asLong();
      assertThat(t % (8 * 3_600_000L)).isZero(); // 00:00, 08:00, 16:00 UTC
      assertThat(t).isGreaterThan(e).isLessThanOrEqualTo(e + 8 * 3_600_000L);
      JsonNode later = c.next(n -> n.path("stream").asText().equals("ethusdt@markPrice@1s")
          && n.get("data").get("E").asLong() > e).get("data");
      assertThat(later.get("s").asText()).isEqualTo("ETHUSDT");
    }
  }

  @Test
  void liveRequestsSubscribeListAndRefuseUnknownStreams() throws Exception {
    try (WsProbe c = WsProbe.open(http, ws("/ws"))) {
      c.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@markPrice\"],\"id\":1}");
      assertThat(c.answer(1).toString()).isEqualTo("{\"result\":null,\"id\":1}");
      JsonNode m = c.next(n -> n.has("e"));
      assertThat(m.get("e").asText()).isEqualTo("markPriceUpdate"); // every 3 s
      c.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}");
      assertThat(c.answer(2).toString()).isEqualTo("{\"result\":[\"btcusdt@markPrice\"],\"id\":2}");
      c.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@kline_1m\"],\"id\":3}");
      assertThat(c.answer(3).get("error").get("code").asInt()).isEqualTo(2);
    }
    HttpResponse<String> bad = http.send(
        HttpRequest.newBuilder(URI.create(sim.binanceFuturesRestUrl() + "/ws/btcusdt@depth")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("code").asInt()).isEqualTo(-1121);
  }

  @Test
  void exchangeInfoListsThePerpetualsWithTheirFiltersAndAQuarterlyButNoUnlistedCoin() throws Exception {
    JsonNode info = rest("/fapi/v1/exchangeInfo");
    List<String> perps = new ArrayList<>();
    JsonNode btc = null;
    for (JsonNode s : info.get("symbols")) {
      if (s.get("contractType").asText().equals("PERPETUAL")) {
        perps.add(s.get("symbol").asText());
      }
      if (s.get("symbol").asText().equals("BTCUSDT")) {
        btc = s;
      }
    }
    assertThat(perps).containsExactly("BTCUSDT", "ETHUSDT");
    assertThat(info.get("symbols").findValuesAsText("contractType")).contains("CURRENT_QUARTER");
    assertThat(btc.get("status").asText()).isEqualTo("TRADING");
    assertThat(btc.get("baseAsset").asText()).isEqualTo("BTC");
    assertThat(btc.get("quoteAsset").asText()).isEqualTo("USDT");
    assertThat(btc.get("marginAsset").asText()).isEqualTo("USDT");
    Map<String, JsonNode> filters = new java.util.HashMap<>();
    btc.get("filters").forEach(f -> filters.put(f.get("filterType").asText(), f));
    assertThat(filters.get("LOT_SIZE").get("stepSize").asText()).isEqualTo("0.001");
    assertThat(filters.get("LOT_SIZE").get("minQty").asText()).isEqualTo("0.001");
    assertThat(filters.get("MARKET_LOT_SIZE").get("stepSize").asText()).isEqualTo("0.001");
    assertThat(filters.get("MIN_NOTIONAL").get("notional").asText()).isEqualTo("5");
    assertThat(filters.get("PRICE_FILTER").get("tickSize").asText()).isEqualTo("0.01");
    assertThat(btc.get("quantityPrecision").asInt()).isEqualTo(3);
    assertThat(sim.perpetuals()).containsExactlyInAnyOrder("BTC", "ETH");
  }

  @Test
  void premiumIndexBookTickerAndTimeAnswerPerSymbolOrForAll() throws Exception {
    JsonNode p = rest("/fapi/v1/premiumIndex?symbol=BTCUSDT");
    assertThat(p.get("symbol").asText()).isEqualTo("BTCUSDT");
    assertThat(num(p, "markPrice")).isPositive();
    assertThat(num(p, "indexPrice")).isPositive();
    assertThat(num(p, "lastFundingRate")).isBetween(-0.00015, 0.00035);
    assertThat(p.get("nextFundingTime").asLong() % (8 * 3_600_000L)).isZero();
    assertThat(rest("/fapi/v1/premiumIndex").size()).isEqualTo(2);

    JsonNode b = rest("/fapi/v1/ticker/bookTicker?symbol=ETHUSDT");
    assertThat(num(b, "bidPrice")).isLessThan(num(b, "askPrice"));
    assertThat(num(b, "bidQty")).isPositive();
    assertThat(b.get("time").asLong()).isPositive();
    assertThat(rest("/fapi/v1/ticker/bookTicker").size()).isEqualTo(2);
    assertThat(rest("/fapi/v1/time").get("serverTime").asLong()).isPositive();

    HttpResponse<String> unlisted = get("/fapi/v1/premiumIndex?symbol=XRPUSDT");
    assertThat(unlisted.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(unlisted.body()).get("code").asInt()).isEqualTo(-1121);
    assertThat(get("/fapi/v1/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void theSeedDecidesBasisAndFunding() {
    long now = 1_700_000_000_000L;
    CoinMarket btc = new CoinMarket(SimVenue.BINANCE, "BTC", 100_000, 20, now);
    btc.seed(100_000, 5e4, 1e8, now);
    Map<String, Double> coins = Map.of("BTC", 100_000.0);
    QueryStringDecoder uri = new QueryStringDecoder("/fapi/v1/premiumIndex?symbol=BTCUSDT");
    String a = body(new BinanceFuturesVenue(coins, Set.of(), c -> btc, 42, now).rest(uri, now));
    String same = body(new BinanceFuturesVenue(coins, Set.of(), c -> btc, 42, now).rest(uri, now));
    String other = body(new BinanceFuturesVenue(coins, Set.of(), c -> btc, 43, now).rest(uri, now));
    assertThat(same).isEqualTo(a);
    assertThat(other).isNotEqualTo(a);
  }

  private static String body(SimHttpServer.Reply r) {
    return ((SimHttpServer.Respond) r).body();
  }
}
