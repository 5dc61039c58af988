package io.kimp.simulator.account;

import static io.kimp.simulator.account.PrivateClient.balance;
import static io.kimp.simulator.account.PrivateClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.FuturesConfig;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.simulator.account.PrivateClient.Reply;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Binance's private USDT-M futures REST at the simulator, as Binance documents it: signed requests (built by the test's
 * own client from the docs), a short opened and closed reduce-only at the futures book with the taker commission and the
 * realised PnL on the wallet, the documented refusals (reduce-only that would open {@code -2022}, duplicate client id
 * {@code -4116}, unknown order {@code -2013}, margin insufficient {@code -2019}, notional below the minimum
 * {@code -4164}, bad precision {@code -1111}, bad signature {@code -1022}, unknown symbol {@code -1121}), and the
 * universal transfer between the spot and futures wallets, faults injected per endpoint, {@code /fapi/v1/time} on
 * Binance's clock. Real HTTP on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinanceFuturesPrivateRestTest {
  private static final BigDecimal EIGHT = new BigDecimal("0.00000001");
  private final ActorTestKit kit = ActorTestKit.create();
  private final PrivateClient client = new PrivateClient();
  private ExchangeSimulator sim;
  private SimKeys keys;
  private String fapi;
  private String spot;

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "XRP", "DOGE", "SOL")).withUpdatesPerSecond(50),
            FuturesConfig.defaults().withUnlisted(java.util.Set.of("SOL")),
            AccountsConfig.defaults().withFuturesUsdt(new BigDecimal("1000")))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    keys = sim.accounts().keys();
    fapi = sim.binanceFuturesRestUrl();
    spot = sim.binanceRestUrl();
  }

  @AfterAll
  void stop() {
    sim.close();
    kit.shutdownTestKit();
  }

  private static void assertError(Reply r, int status, int code) {
    assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(status);
    assertThat(r.json().get("code").asInt()).as(String.valueOf(r.json())).isEqualTo(code);
  }

  private static JsonNode ok(Reply r) {
    assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
    return r.json();
  }

  private static BigDecimal dec(JsonNode n, String field) {
    return new BigDecimal(n.get(field).asText());
  }

  private Reply fapi(String method, String path, Map<String, String> p) throws Exception {
    return client.binance(fapi, method, path, p, keys);
  }

  private JsonNode position(String symbol) throws Exception {
    JsonNode list = ok(fapi("GET", "/fapi/v2/positionRisk", params("symbol", symbol)));
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0).get("positionSide").asText()).isEqualTo("BOTH");
    return list.get(0);
  }

  private BigDecimal walletBalance() throws Exception {
    JsonNode account = ok(fapi("GET", "/fapi/v2/account", params()));
    return dec(account, "totalWalletBalance");
  }

  @Test
  void faultsAreInjectedPerFuturesEndpointAndTheTimeIsBinancesClock() throws Exception {
    PrivateFaults f = sim.accounts().binanceFuturesFaults();
    int orders = sim.accounts().futuresOrders();
    int before = f.requests("POST /fapi/v1/order");
    f.inject("POST /fapi/v1/order", PrivateFault.executeThenStatus(503), 1);
    Reply lost = fapi("POST", "/fapi/v1/order", params("symbol", "XRPUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "10", "newClientOrderId", "fault-lost-1"));
    assertThat(lost.status()).isEqualTo(503);
    assertThat(sim.accounts().futuresOrders()).isEqualTo(orders + 1); // executed, the reply lost
    assertThat(ok(fapi("GET", "/fapi/v1/order", params("symbol", "XRPUSDT", "origClientOrderId", "fault-lost-1")))
        .get("status").asText()).isEqualTo("FILLED");
    ok(fapi("POST", "/fapi/v1/order", params("symbol", "XRPUSDT", "side", "BUY", "type", "MARKET", "quantity", "10",
        "reduceOnly", "true", "newClientOrderId", "fault-close-1")));
    assertThat(f.requests("POST /fapi/v1/order")).isEqualTo(before + 2);
    f.inject("GET /fapi/v2/account", PrivateFault.serverError(), 1);
    assertThat(fapi("GET", "/fapi/v2/account", params()).status()).isEqualTo(503);
    ok(fapi("GET", "/fapi/v2/account", params())); // the fault is used up

    long local = System.currentTimeMillis();
    sim.accounts().setBinanceClockOffset(java.time.Duration.ofHours(1));
    try {
      String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(fapi + "/fapi/v1/time")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      JsonNode time = PrivateClient.JSON.readTree(body);
      assertThat(time.get("serverTime").asLong()).isGreaterThanOrEqualTo(local + 3_600_000L);
    } finally {
      sim.accounts().setBinanceClockOffset(java.time.Duration.ZERO);
    }
  }

  @Test
  void aShortIsOpenedAndClosedReduceOnlyAtTheFuturesBook() throws Exception {
    BigDecimal walletBefore = walletBalance();
    JsonNode lev = ok(fapi("POST", "/fapi/v1/leverage", params("symbol", "XRPUSDT", "leverage", "2")));
    assertThat(lev.get("leverage").asInt()).isEqualTo(2);
    assertThat(lev.get("symbol").asText()).isEqualTo("XRPUSDT");
    JsonNode fee = ok(fapi("GET", "/fapi/v1/commissionRate", params("symbol", "XRPUSDT")));
    BigDecimal taker = dec(fee, "takerCommissionRate");
    assertThat(taker).isPositive();

    JsonNode open = ok(fapi("POST", "/fapi/v1/order", params("symbol", "XRPUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "30", "newClientOrderId", "hedge-open-1", "newOrderRespType", "RESULT")));
    assertThat(open.get("status").asText()).isEqualTo("FILLED");
    assertThat(open.get("clientOrderId").asText()).isEqualTo("hedge-open-1");
    assertThat(open.get("reduceOnly").asBoolean()).isFalse();
    assertThat(dec(open, "executedQty")).isEqualByComparingTo("30");
    BigDecimal openAvg = dec(open, "avgPrice");
    assertThat(openAvg).isPositive();
    assertThat(dec(open, "cumQuote")).isEqualByComparingTo(openAvg.multiply(new BigDecimal("30")));

    JsonNode pos = position("XRPUSDT");
    assertThat(dec(pos, "positionAmt")).isEqualByComparingTo("-30");
    assertThat(dec(pos, "entryPrice")).isEqualByComparingTo(openAvg);
    assertThat(pos.get("leverage").asText()).isEqualTo("2");
    BigDecimal mark = dec(pos, "markPrice");
    assertThat(mark).isPositive();
    // a short gains as the mark falls below its entry: (mark − entry) × amount
    assertThat(dec(pos, "unRealizedProfit")).isCloseTo(mark.subtract(openAvg).multiply(new BigDecimal("-30")),
        org.assertj.core.data.Offset.offset(new BigDecimal("0.0001")));
    JsonNode account = ok(fapi("GET", "/fapi/v2/account", params()));
    // the position's initial margin (notional at the mark over leverage 2) is no longer available
    assertThat(dec(account, "totalInitialMargin")).isCloseTo(mark.multiply(new BigDecimal("15")),
        org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(dec(account, "availableBalance")).isLessThan(dec(account, "totalWalletBalance"));

    JsonNode close = ok(fapi("POST", "/fapi/v1/order", params("symbol", "XRPUSDT", "side", "BUY", "type", "MARKET",
        "quantity", "30", "reduceOnly", "true", "newClientOrderId", "hedge-close-1", "newOrderRespType", "RESULT")));
    assertThat(close.get("status").asText()).isEqualTo("FILLED");
    assertThat(close.get("reduceOnly").asBoolean()).isTrue();
    BigDecimal closeAvg = dec(close, "avgPrice");
    assertThat(dec(position("XRPUSDT"), "positionAmt")).isZero();
    assertThat(sim.accounts().futuresPositions()).doesNotContainKey("XRP");

    // the trades carry the taker commission and, on the close, the realised PnL; the wallet took exactly both
    BigDecimal openFee = commission(open.get("orderId").asText());
    BigDecimal closeFee = commission(close.get("orderId").asText());
    // (commissions are in 8 decimals)
    assertThat(openFee).isCloseTo(dec(open, "cumQuote").multiply(taker), org.assertj.core.data.Offset.offset(EIGHT));
    assertThat(closeFee).isCloseTo(dec(close, "cumQuote").multiply(taker), org.assertj.core.data.Offset.offset(EIGHT));
    JsonNode closeTrades = ok(fapi("GET", "/fapi/v1/userTrades",
        params("symbol", "XRPUSDT", "orderId", close.get("orderId").asText())));
    BigDecimal realized = dec(closeTrades.get(0), "realizedPnl");
    assertThat(realized).isEqualByComparingTo(openAvg.subtract(closeAvg).multiply(new BigDecimal("30")));
    assertThat(walletBalance()).isEqualByComparingTo(walletBefore.add(realized).subtract(openFee).subtract(closeFee));
    assertThat(sim.accounts().audit(System.currentTimeMillis()).values())
        .allSatisfy(d -> assertThat(d).isEqualByComparingTo(BigDecimal.ZERO));
  }

  private BigDecimal commission(String orderId) throws Exception {
    JsonNode trades = ok(fapi("GET", "/fapi/v1/userTrades", params("symbol", "XRPUSDT", "orderId", orderId)));
    assertThat(trades.size()).isPositive();
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode t : trades) {
      assertThat(t.get("commissionAsset").asText()).isEqualTo("USDT");
      sum = sum.add(dec(t, "commission"));
    }
    return sum;
  }

  @Test
  void aReduceOnlyOrderThatWouldOpenOrGrowIsRefused() throws Exception {
    int before = sim.accounts().futuresOrders();
    // flat: nothing to reduce
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "DOGEUSDT", "side", "BUY", "type", "MARKET",
        "quantity", "100", "reduceOnly", "true", "newClientOrderId", "ro-flat")), 400, -2022);
    ok(fapi("POST", "/fapi/v1/order", params("symbol", "DOGEUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "100", "newClientOrderId", "ro-open")));
    // short: a reduce-only sell would add to it, a reduce-only buy larger than it would turn it long
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "DOGEUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "100", "reduceOnly", "true", "newClientOrderId", "ro-grow")), 400, -2022);
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "DOGEUSDT", "side", "BUY", "type", "MARKET",
        "quantity", "101", "reduceOnly", "true", "newClientOrderId", "ro-flip")), 400, -2022);
    assertThat(dec(position("DOGEUSDT"), "positionAmt")).isEqualByComparingTo("-100");
    ok(fapi("POST", "/fapi/v1/order", params("symbol", "DOGEUSDT", "side", "BUY", "type", "MARKET",
        "quantity", "100", "reduceOnly", "true", "newClientOrderId", "ro-close")));
    assertThat(dec(position("DOGEUSDT"), "positionAmt")).isZero();
    assertThat(sim.accounts().futuresOrders()).isEqualTo(before + 2); // refused orders are not created
  }

  @Test
  void aClientOrderIdIsTakenOnceAndFindsItsOrder() throws Exception {
    JsonNode ack = ok(fapi("POST", "/fapi/v1/order", params("symbol", "BTCUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "0.001", "newClientOrderId", "cycle-7-open")));
    // without newOrderRespType the reply is the ACK: the order as accepted, before its fill
    assertThat(ack.get("status").asText()).isEqualTo("NEW");
    assertThat(dec(ack, "executedQty")).isZero();
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "BTCUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "0.001", "newClientOrderId", "cycle-7-open")), 400, -4116);
    JsonNode found = ok(fapi("GET", "/fapi/v1/order", params("symbol", "BTCUSDT", "origClientOrderId",
        "cycle-7-open")));
    assertThat(found.get("orderId").asLong()).isEqualTo(ack.get("orderId").asLong());
    assertThat(found.get("status").asText()).isEqualTo("FILLED");
    assertThat(dec(found, "executedQty")).isEqualByComparingTo("0.001");
    assertThat(dec(found, "avgPrice")).isPositive();
    assertThat(dec(position("BTCUSDT"), "positionAmt")).isEqualByComparingTo("-0.001"); // one short, not two
    assertError(fapi("GET", "/fapi/v1/order", params("symbol", "BTCUSDT", "origClientOrderId", "never-sent")), 400,
        -2013);
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "BTCUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "0.001", "newClientOrderId", "bad id!")), 400, -4015);
    ok(fapi("POST", "/fapi/v1/order", params("symbol", "BTCUSDT", "side", "BUY", "type", "MARKET",
        "quantity", "0.001", "reduceOnly", "true", "newClientOrderId", "cycle-7-close")));
  }

  @Test
  void ordersBeyondTheMarginOrBelowTheContractsFiltersAreRefused() throws Exception {
    int before = sim.accounts().futuresOrders();
    // 5 BTC at leverage 20 needs far more initial margin than the 1000 USDT wallet holds
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "BTCUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "5", "newClientOrderId", "too-big")), 400, -2019);
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "XRPUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "0.1", "newClientOrderId", "too-small")), 400, -4164);
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "XRPUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "30.05", "newClientOrderId", "bad-step")), 400, -1111);
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "XRPUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "30", "positionSide", "SHORT", "newClientOrderId", "hedge-mode")), 400, -4061);
    assertThat(sim.accounts().futuresOrders()).isEqualTo(before);
    assertThat(dec(position("BTCUSDT"), "positionAmt")).isZero();
  }

  @Test
  void badSignaturesAndUnknownSymbolsAreRefused() throws Exception {
    long now = System.currentTimeMillis();
    assertError(client.binance(fapi, "GET", "/fapi/v2/account", params(), keys.binanceApiKey(), "wrong-secret", now),
        400, -1022);
    assertError(client.binance(fapi, "GET", "/fapi/v2/account", params(), "not-the-key", keys.binanceSecretKey(),
        now), 401, -2015);
    assertError(client.binance(fapi, "GET", "/fapi/v2/account", params(), keys.binanceApiKey(),
        keys.binanceSecretKey(), now - 10_000), 400, -1021);
    assertError(fapi("POST", "/fapi/v1/order", params("symbol", "FOOUSDT", "side", "SELL", "type", "MARKET",
        "quantity", "1")), 400, -1121);
    // SOL trades spot but has no perpetual here
    assertError(fapi("GET", "/fapi/v2/positionRisk", params("symbol", "SOLUSDT")), 400, -1121);
    assertError(fapi("POST", "/fapi/v1/leverage", params("symbol", "XRPUSDT", "leverage", "200")), 400, -4028);
  }

  @Test
  void theUniversalTransferMovesUsdtBetweenTheSpotAndFuturesWallets() throws Exception {
    BigDecimal spotBefore = balance(ok(client.binance(spot, "GET", "/api/v3/account", params(), keys)), "USDT");
    BigDecimal futuresBefore = walletBalance();
    JsonNode in = ok(client.binance(spot, "POST", "/sapi/v1/asset/transfer",
        params("type", "MAIN_UMFUTURE", "asset", "USDT", "amount", "250"), keys));
    assertThat(in.get("tranId").asLong()).isPositive();
    assertThat(walletBalance()).isEqualByComparingTo(futuresBefore.add(new BigDecimal("250")));
    assertThat(balance(ok(client.binance(spot, "GET", "/api/v3/account", params(), keys)), "USDT"))
        .isEqualByComparingTo(spotBefore.subtract(new BigDecimal("250")));
    ok(client.binance(spot, "POST", "/sapi/v1/asset/transfer",
        params("type", "UMFUTURE_MAIN", "asset", "USDT", "amount", "100"), keys));
    assertThat(walletBalance()).isEqualByComparingTo(futuresBefore.add(new BigDecimal("150")));
    assertError(client.binance(spot, "POST", "/sapi/v1/asset/transfer",
        params("type", "UMFUTURE_MAIN", "asset", "USDT", "amount", "1000000"), keys), 400, -5013);
    assertError(client.binance(spot, "POST", "/sapi/v1/asset/transfer",
        params("type", "MAIN_UMFUTURE", "asset", "USDT", "amount", "1000000"), keys), 400, -5013);
    assertError(client.binance(spot, "POST", "/sapi/v1/asset/transfer",
        params("type", "MAIN_UMFUTURE", "asset", "USDT", "amount", "10"), keys.binanceApiKey(), "wrong-secret",
        System.currentTimeMillis()), 400, -1022);
    assertThat(sim.accounts().futuresWallet()).isEqualByComparingTo(walletBalance());
    assertThat(sim.accounts().audit(System.currentTimeMillis()).values())
        .allSatisfy(d -> assertThat(d).isEqualByComparingTo(BigDecimal.ZERO));
  }
}
