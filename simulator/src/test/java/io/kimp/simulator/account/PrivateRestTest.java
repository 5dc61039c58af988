package io.kimp.simulator.account;

import static io.kimp.simulator.account.PrivateClient.balance;
import static io.kimp.simulator.account.PrivateClient.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.simulator.account.PrivateClient.Reply;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The simulated venues' private REST as the venues document it: signatures and JWTs refused in each documented way,
 * orders filled against the simulated books with their fees, client-id rules, balances, and transfers from one venue to
 * the other after the transfer delay. A client signing with its own code, over real HTTP on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateRestTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final PrivateClient client = new PrivateClient();
  private ExchangeSimulator sim;
  private ExchangeSimulator limited;
  private SimKeys keys;
  private String binance;
  private String upbit;

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "XRP")).withUpdatesPerSecond(50),
            AccountsConfig.defaults().withTransferDelay(Duration.ofMillis(700))
                .withBalances(Map.of("KRW", new BigDecimal("1000000"), "XRP", new BigDecimal("100")),
                    Map.of("USDT", new BigDecimal("1000"), "XRP", new BigDecimal("100"))))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    limited = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC")).withUpdatesPerSecond(10).withFaultProxy(false)
                .withRateLimits(30, 3), AccountsConfig.defaults())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    keys = sim.accounts().keys();
    binance = sim.binanceRestUrl();
    upbit = sim.upbitRestUrl();
  }

  @AfterAll
  void stop() {
    sim.close();
    limited.close();
    kit.shutdownTestKit();
  }

  private static void assertBinanceError(Reply r, int status, int code) {
    assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(status);
    assertThat(r.json().get("code").asInt()).as(String.valueOf(r.json())).isEqualTo(code);
  }

  private static void assertUpbitError(Reply r, int status, String name) {
    assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(status);
    assertThat(r.json().get("error").get("name").asText()).isEqualTo(name);
  }

  private static JsonNode ok(Reply r) {
    assertThat(r.status()).as(String.valueOf(r.json())).isBetween(200, 201);
    return r.json();
  }

  // ---------------------------------------------------------------- signatures

  @Test
  void binanceRefusesWrongKeysSignaturesAndStaleTimestamps() throws Exception {
    long now = System.currentTimeMillis();
    Map<String, String> p = params("omitZeroBalances", "true");
    assertBinanceError(client.binance(binance, "GET", "/api/v3/account", p, null, keys.binanceSecretKey(), now),
        401, -2014);
    assertBinanceError(client.binance(binance, "GET", "/api/v3/account", p, "not-the-key", keys.binanceSecretKey(),
        now), 401, -2015);
    assertBinanceError(client.binance(binance, "GET", "/api/v3/account", p, keys.binanceApiKey(), "wrong-secret",
        now), 400, -1022);
    assertBinanceError(client.binance(binance, "GET", "/api/v3/account", p, keys.binanceApiKey(),
        keys.binanceSecretKey(), now - 10_000), 400, -1021);
    assertBinanceError(client.binance(binance, "GET", "/api/v3/account", p, keys.binanceApiKey(),
        keys.binanceSecretKey(), now + 5_000), 400, -1021);
    JsonNode account = ok(client.binance(binance, "GET", "/api/v3/account", p, keys));
    assertThat(account.get("canTrade").asBoolean()).isTrue();
    assertThat(balance(account, "XRP")).isPositive();
  }

  @Test
  void upbitRefusesBadTokensReusedNoncesAndTamperedQueries() throws Exception {
    Map<String, String> q = params("currency", "XRP", "net_type", "XRP");
    String good = PrivateClient.raw(q);
    String nonce = UUID.randomUUID().toString();
    assertUpbitError(client.upbit(upbit, "GET", "/v1/withdraws/chance", q, (String) null), 401, "jwt_verification");
    assertUpbitError(client.upbit(upbit, "GET", "/v1/withdraws/chance", q,
        PrivateClient.jwt("HS512", keys.upbitAccessKey(), "wrong-secret", nonce, good)), 401, "jwt_verification");
    assertUpbitError(client.upbit(upbit, "GET", "/v1/withdraws/chance", q,
        PrivateClient.jwt("HS512", "wrong-access-key", keys.upbitSecretKey(), UUID.randomUUID().toString(), good)),
        401, "invalid_access_key");
    assertUpbitError(client.upbit(upbit, "GET", "/v1/withdraws/chance", q,
        PrivateClient.jwt("HS512", keys.upbitAccessKey(), keys.upbitSecretKey(), UUID.randomUUID().toString(),
            "currency=BTC&net_type=BTC")), 401, "invalid_query_payload");
    String token = PrivateClient.jwt("HS256", keys.upbitAccessKey(), keys.upbitSecretKey(), nonce + "-2", good);
    JsonNode chance = ok(client.upbit(upbit, "GET", "/v1/withdraws/chance", q, token));
    assertThat(chance.get("currency").get("wallet_state").asText()).isEqualTo("working");
    assertUpbitError(client.upbit(upbit, "GET", "/v1/withdraws/chance", q, token), 401, "nonce_used");
  }

  @Test
  void privateRequestsCountOnTheVenuesRateLimits() throws Exception {
    SimKeys k = limited.accounts().keys();
    // Binance: /api/v3/account weighs 20 of the 30 a minute the public endpoints count on too
    ok(client.binance(limited.binanceRestUrl(), "GET", "/api/v3/account", params(), k));
    Reply second = client.binance(limited.binanceRestUrl(), "GET", "/api/v3/account", params(), k);
    assertBinanceError(second, 429, -1003);
    assertThat(second.headers()).containsKey("retry-after");
    // Upbit: the default group's 30 a second, counted and shown in Remaining-Req
    Reply first = client.upbit(limited.upbitRestUrl(), "GET", "/v1/accounts", params(), k);
    assertThat(first.headers().get("remaining-req")).startsWith("group=default; min=1800; sec=");
  }

  // ---------------------------------------------------------------- orders

  @Test
  void binanceMarketOrdersFillAgainstTheBookWithTheirCommission() throws Exception {
    JsonNode before = ok(client.binance(binance, "GET", "/api/v3/account", params(), keys));
    JsonNode depth = PrivateClient.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(binance + "/api/v3/depth?symbol=XRPUSDT&limit=20"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    double worstAsk = depth.get("asks").get(19).get(0).asDouble();
    JsonNode buy = ok(client.binance(binance, "POST", "/api/v3/order",
        params("symbol", "XRPUSDT", "side", "BUY", "type", "MARKET", "quoteOrderQty", "50",
            "newClientOrderId", "buy-1", "newOrderRespType", "FULL"), keys));
    assertThat(buy.get("status").asText()).isEqualTo("FILLED");
    assertThat(buy.get("clientOrderId").asText()).isEqualTo("buy-1");
    BigDecimal qty = new BigDecimal(buy.get("executedQty").asText());
    BigDecimal quote = new BigDecimal(buy.get("cummulativeQuoteQty").asText());
    assertThat(quote).isLessThanOrEqualTo(new BigDecimal("50")).isGreaterThan(new BigDecimal("49"));
    assertThat(quote.doubleValue() / qty.doubleValue()).isLessThanOrEqualTo(worstAsk * 1.01);
    BigDecimal commission = BigDecimal.ZERO;
    for (JsonNode f : buy.get("fills")) {
      assertThat(f.get("commissionAsset").asText()).isEqualTo("XRP");
      commission = commission.add(new BigDecimal(f.get("commission").asText()));
    }
    assertThat(commission).isEqualByComparingTo(qty.multiply(new BigDecimal("0.001")).setScale(8,
        java.math.RoundingMode.UP));
    JsonNode after = ok(client.binance(binance, "GET", "/api/v3/account", params(), keys));
    assertThat(balance(after, "USDT")).isEqualByComparingTo(balance(before, "USDT").subtract(quote));
    assertThat(balance(after, "XRP")).isEqualByComparingTo(balance(before, "XRP").add(qty).subtract(commission));
    // the order and its trades, found again by client id
    JsonNode found = ok(client.binance(binance, "GET", "/api/v3/order",
        params("symbol", "XRPUSDT", "origClientOrderId", "buy-1"), keys));
    assertThat(found.get("executedQty").asText()).isEqualTo(buy.get("executedQty").asText());
    JsonNode trades = ok(client.binance(binance, "GET", "/api/v3/myTrades",
        params("symbol", "XRPUSDT", "orderId", found.get("orderId").asText()), keys));
    assertThat(trades.size()).isEqualTo(buy.get("fills").size());
    assertBinanceError(client.binance(binance, "POST", "/api/v3/order",
        params("symbol", "XRPUSDT", "side", "BUY", "type", "MARKET", "quoteOrderQty", "1000000"), keys), 400, -2010);
    assertBinanceError(client.binance(binance, "GET", "/api/v3/order",
        params("symbol", "XRPUSDT", "origClientOrderId", "never-sent"), keys), 400, -2013);
    assertNothingLostOrMadeUp();
  }

  @Test
  void binanceClientIdsAreUniqueAmongOpenOrdersAndLimitOrdersRestUntilCancelled() throws Exception {
    Map<String, String> rest = params("symbol", "XRPUSDT", "side", "BUY", "type", "LIMIT", "timeInForce", "GTC",
        "quantity", "10", "price", "1", "newClientOrderId", "rest-1");
    JsonNode placed = ok(client.binance(binance, "POST", "/api/v3/order", rest, keys));
    assertThat(placed.get("status").asText()).isEqualTo("NEW");
    JsonNode account = ok(client.binance(binance, "GET", "/api/v3/account", params(), keys));
    boolean locked = false;
    for (JsonNode b : account.get("balances")) {
      locked |= b.get("asset").asText().equals("USDT") && new BigDecimal(b.get("locked").asText()).signum() > 0;
    }
    assertThat(locked).as("the open order's USDT is locked").isTrue();
    assertBinanceError(client.binance(binance, "POST", "/api/v3/order", rest, keys), 400, -2010);
    assertThat(ok(client.binance(binance, "GET", "/api/v3/openOrders", params("symbol", "XRPUSDT"), keys)).size())
        .isEqualTo(1);
    JsonNode canceled = ok(client.binance(binance, "DELETE", "/api/v3/order",
        params("symbol", "XRPUSDT", "origClientOrderId", "rest-1"), keys));
    assertThat(canceled.get("status").asText()).isEqualTo("CANCELED");
    assertThat(canceled.get("origClientOrderId").asText()).isEqualTo("rest-1");
    assertBinanceError(client.binance(binance, "DELETE", "/api/v3/order",
        params("symbol", "XRPUSDT", "origClientOrderId", "rest-1"), keys), 400, -2011);
    // closed: the id may be used again
    ok(client.binance(binance, "POST", "/api/v3/order", rest, keys));
    ok(client.binance(binance, "DELETE", "/api/v3/order", params("symbol", "XRPUSDT", "origClientOrderId", "rest-1"),
        keys));
    // a limit buy above the best ask is a taker at once
    JsonNode crossing = ok(client.binance(binance, "POST", "/api/v3/order", params("symbol", "XRPUSDT", "side", "BUY",
        "type", "LIMIT", "timeInForce", "GTC", "quantity", "5", "price", "100"), keys));
    assertThat(crossing.get("status").asText()).isEqualTo("FILLED");
  }

  /**
   * A limit buy two ticks under the bid and a limit sell two ticks over the ask rest; the model's walk moves the touch by
   * ticks every update, so one of them is reached within moments and fills at its own price, as a maker.
   */
  @Test
  void restingLimitOrdersFillAtTheirPriceWhenTheTouchReachesThem() throws Exception {
    JsonNode info = PrivateClient.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(binance + "/api/v3/exchangeInfo?symbol=XRPUSDT"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    BigDecimal tick = null;
    for (JsonNode f : info.get("symbols").get(0).get("filters")) {
      if (f.get("filterType").asText().equals("PRICE_FILTER")) {
        tick = new BigDecimal(f.get("tickSize").asText());
      }
    }
    JsonNode book = PrivateClient.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(binance + "/api/v3/depth?symbol=XRPUSDT&limit=5"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    BigDecimal buyAt = new BigDecimal(book.get("bids").get(0).get(0).asText()).subtract(tick.multiply(BigDecimal.valueOf(2)));
    BigDecimal sellAt = new BigDecimal(book.get("asks").get(0).get(0).asText()).add(tick.multiply(BigDecimal.valueOf(2)));
    String buyId = "rest-buy-" + UUID.randomUUID().toString().substring(0, 8);
    String sellId = "rest-sell-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, BigDecimal> resting = new java.util.LinkedHashMap<>();
    JsonNode buy = ok(client.binance(binance, "POST", "/api/v3/order", params("symbol", "XRPUSDT", "side", "BUY",
        "type", "LIMIT", "timeInForce", "GTC", "quantity", "5", "price", buyAt.toPlainString(), "newClientOrderId",
        buyId), keys));
    JsonNode sell = ok(client.binance(binance, "POST", "/api/v3/order", params("symbol", "XRPUSDT", "side", "SELL",
        "type", "LIMIT", "timeInForce", "GTC", "quantity", "5", "price", sellAt.toPlainString(), "newClientOrderId",
        sellId), keys));
    if (buy.get("status").asText().equals("NEW")) {
      resting.put(buyId, buyAt);
    }
    if (sell.get("status").asText().equals("NEW")) {
      resting.put(sellId, sellAt);
    }
    assertThat(resting).as("orders away from the touch rest").isNotEmpty();
    String[] filled = new String[1];
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (String id : resting.keySet()) {
        JsonNode o = ok(client.binance(binance, "GET", "/api/v3/order",
            params("symbol", "XRPUSDT", "origClientOrderId", id), keys));
        if (o.get("status").asText().equals("FILLED")) {
          filled[0] = id;
        }
      }
      assertThat(filled[0]).as("a resting order reached by the touch").isNotNull();
    });
    JsonNode order = ok(client.binance(binance, "GET", "/api/v3/order",
        params("symbol", "XRPUSDT", "origClientOrderId", filled[0]), keys));
    assertThat(new BigDecimal(order.get("cummulativeQuoteQty").asText()))
        .isEqualByComparingTo(resting.get(filled[0]).multiply(new BigDecimal("5")));
    JsonNode trades = ok(client.binance(binance, "GET", "/api/v3/myTrades",
        params("symbol", "XRPUSDT", "orderId", order.get("orderId").asText()), keys));
    assertThat(trades.get(trades.size() - 1).get("isMaker").asBoolean()).isTrue();
    for (String id : new String[] {buyId, sellId}) {
      client.binance(binance, "DELETE", "/api/v3/order", params("symbol", "XRPUSDT", "origClientOrderId", id), keys);
    }
    assertNothingLostOrMadeUp();
  }

  @Test
  void upbitOrdersFillAfterTheirCreationReplyAndIdentifiersAreNeverReused() throws Exception {
    JsonNode before = ok(client.upbit(upbit, "GET", "/v1/accounts", params(), keys));
    Map<String, String> buy = params("market", "KRW-XRP", "side", "bid", "price", "10000", "ord_type", "price",
        "identifier", "up-buy-1");
    JsonNode created = ok(client.upbit(upbit, "POST", "/v1/orders", buy, keys));
    assertThat(created.get("state").asText()).isEqualTo("wait");
    assertThat(created.get("executed_volume").asText()).isEqualTo("0");
    JsonNode order = ok(client.upbit(upbit, "GET", "/v1/order", params("identifier", "up-buy-1"), keys));
    assertThat(order.get("state").asText()).isIn("done", "cancel");
    BigDecimal funds = BigDecimal.ZERO;
    for (JsonNode t : order.get("trades")) {
      funds = funds.add(new BigDecimal(t.get("funds").asText()));
    }
    BigDecimal fee = new BigDecimal(order.get("paid_fee").asText());
    assertThat(funds).isLessThanOrEqualTo(new BigDecimal("10000")).isGreaterThan(new BigDecimal("9990"));
    JsonNode after = ok(client.upbit(upbit, "GET", "/v1/accounts", params(), keys));
    assertThat(balance(after, "KRW")).isEqualByComparingTo(balance(before, "KRW").subtract(funds).subtract(fee));
    assertThat(balance(after, "XRP"))
        .isEqualByComparingTo(balance(before, "XRP").add(new BigDecimal(order.get("executed_volume").asText())));
    assertUpbitError(client.upbit(upbit, "POST", "/v1/orders", buy, keys), 400, "duplicate_identifier");
    // an identifier refused for the balance is burnt too
    Map<String, String> tooBig = params("market", "KRW-XRP", "side", "bid", "price", "100000000", "ord_type", "price",
        "identifier", "up-buy-2");
    assertUpbitError(client.upbit(upbit, "POST", "/v1/orders", tooBig, keys), 400, "insufficient_funds_bid");
    tooBig.put("price", "10000");
    assertUpbitError(client.upbit(upbit, "POST", "/v1/orders", tooBig, keys), 400, "duplicate_identifier");
    JsonNode sell = ok(client.upbit(upbit, "POST", "/v1/orders", params("market", "KRW-XRP", "side", "ask",
        "volume", "3", "ord_type", "market", "identifier", "up-sell-1"), keys));
    assertThat(sell.get("state").asText()).isEqualTo("wait");
    JsonNode sold = ok(client.upbit(upbit, "GET", "/v1/order", params("uuid", sell.get("uuid").asText()), keys));
    assertThat(sold.get("state").asText()).isEqualTo("done");
    assertThat(sold.get("executed_volume").asText()).isEqualTo("3");
    assertUpbitError(client.upbit(upbit, "GET", "/v1/order", params("identifier", "never-sent"), keys), 404,
        "order_not_found");
  }

  @Test
  void anUpbitLimitOrderRestsWithItsFundsLockedUntilCancelled() throws Exception {
    JsonNode books = PrivateClient.JSON.readTree(java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(upbit + "/v1/orderbook?markets=KRW-XRP")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    JsonNode units = books.get(0).get("orderbook_units");
    String deepBid = units.get(units.size() - 1).get("bid_price").asText(); // on the tick grid, below the touch
    JsonNode placed = ok(client.upbit(upbit, "POST", "/v1/orders", params("market", "KRW-XRP", "side", "bid",
        "volume", "10", "price", deepBid, "ord_type", "limit", "identifier", "up-limit-1"), keys));
    JsonNode resting = ok(client.upbit(upbit, "GET", "/v1/order", params("uuid", placed.get("uuid").asText()), keys));
    assertThat(resting.get("state").asText()).isEqualTo("wait");
    BigDecimal locked = BigDecimal.ZERO;
    for (JsonNode a : ok(client.upbit(upbit, "GET", "/v1/accounts", params(), keys))) {
      if (a.get("currency").asText().equals("KRW")) {
        locked = new BigDecimal(a.get("locked").asText());
      }
    }
    // price × volume plus the fee, reserved while the order waits
    assertThat(locked).isEqualByComparingTo(new BigDecimal(deepBid).multiply(BigDecimal.TEN)
        .multiply(new BigDecimal("1.0005")));
    JsonNode canceled = ok(client.upbit(upbit, "DELETE", "/v1/order", params("identifier", "up-limit-1"), keys));
    assertThat(canceled.get("state").asText()).isEqualTo("cancel");
    assertUpbitError(client.upbit(upbit, "DELETE", "/v1/order", params("identifier", "up-limit-1"), keys), 400,
        "order_not_found");
    assertThat(balance(ok(client.upbit(upbit, "GET", "/v1/accounts", params(), keys)), "KRW")).isPositive();
    assertNothingLostOrMadeUp();
  }

  // ---------------------------------------------------------------- transfers

  @Test
  void withdrawalsArriveAtTheOtherVenueAfterTheTransferDelay() throws Exception {
    JsonNode address = ok(client.upbit(upbit, "GET", "/v1/deposits/coin_address",
        params("currency", "XRP", "net_type", "XRP"), keys));
    String upbitAddress = address.get("deposit_address").asText();
    String upbitTag = address.get("secondary_address").asText();
    CoinWallet xrp = sim.accounts().wallets().get("XRP");
    BigDecimal upbitXrp = sim.accounts().upbitBalances(System.currentTimeMillis()).get("XRP");
    String id = "wd-" + UUID.randomUUID().toString().substring(0, 8);
    assertBinanceError(client.binance(binance, "POST", "/sapi/v1/capital/withdraw/apply",
        params("coin", "XRP", "withdrawOrderId", id + "x", "network", "XRP", "address", "nowhere", "addressTag",
            upbitTag, "amount", "10"), keys), 400, -4005);
    JsonNode applied = ok(client.binance(binance, "POST", "/sapi/v1/capital/withdraw/apply",
        params("coin", "XRP", "withdrawOrderId", id, "network", "XRP", "address", upbitAddress, "addressTag", upbitTag,
            "amount", "10"), keys));
    assertThat(applied.get("id").asText()).isNotBlank();
    assertBinanceError(client.binance(binance, "POST", "/sapi/v1/capital/withdraw/apply",
        params("coin", "XRP", "withdrawOrderId", id, "network", "XRP", "address", upbitAddress, "addressTag", upbitTag,
            "amount", "10"), keys), 400, -4000);
    JsonNode history = ok(client.binance(binance, "GET", "/sapi/v1/capital/withdraw/history",
        params("coin", "XRP", "withdrawOrderId", id), keys));
    assertThat(history.size()).isEqualTo(1);
    assertThat(history.get(0).get("status").asInt()).isEqualTo(4);
    JsonNode pending = ok(client.upbit(upbit, "GET", "/v1/deposits", params("currency", "XRP"), keys));
    assertThat(pending.get(0).get("state").asText()).isEqualTo("PROCESSING");
    BigDecimal arriving = BigDecimal.TEN.subtract(xrp.binanceFee());
    assertThat(new BigDecimal(pending.get(0).get("amount").asText())).isEqualByComparingTo(arriving);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode done = ok(client.binance(binance, "GET", "/sapi/v1/capital/withdraw/history",
          params("coin", "XRP", "withdrawOrderId", id), keys));
      assertThat(done.get(0).get("status").asInt()).isEqualTo(6);
      JsonNode credited = ok(client.upbit(upbit, "GET", "/v1/deposits", params("currency", "XRP"), keys));
      assertThat(credited.get(0).get("state").asText()).isEqualTo("ACCEPTED");
    });
    assertThat(sim.accounts().upbitBalances(System.currentTimeMillis()).get("XRP"))
        .isEqualByComparingTo(upbitXrp.add(arriving));

    // and back: Upbit withdraws only to its registered addresses, the fee on top
    JsonNode registered = ok(client.upbit(upbit, "GET", "/v1/withdraws/coin_addresses", params(), keys));
    JsonNode binanceAddress = ok(client.binance(binance, "GET", "/sapi/v1/capital/deposit/address",
        params("coin", "XRP", "network", "XRP"), keys));
    boolean listed = false;
    for (JsonNode a : registered) {
      listed |= a.get("currency").asText().equals("XRP")
          && a.get("withdraw_address").asText().equals(binanceAddress.get("address").asText())
          && a.get("secondary_address").asText().equals(binanceAddress.get("tag").asText());
    }
    assertThat(listed).as("Binance's XRP deposit address is registered at Upbit").isTrue();
    assertUpbitError(client.upbit(upbit, "POST", "/v1/withdraws/coin", params("currency", "XRP", "net_type", "XRP",
        "amount", "5", "address", "somewhere-else", "secondary_address", "1", "transaction_type", "default"), keys),
        400, "withdraw_address_not_registered");
    BigDecimal binanceXrp = sim.accounts().binanceBalances(System.currentTimeMillis()).get("XRP");
    JsonNode sent = ok(client.upbit(upbit, "POST", "/v1/withdraws/coin", params("currency", "XRP", "net_type", "XRP",
        "amount", "5", "address", binanceAddress.get("address").asText(), "secondary_address",
        binanceAddress.get("tag").asText(), "transaction_type", "default"), keys));
    assertThat(sent.get("state").asText()).isEqualTo("WAITING");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode w = ok(client.upbit(upbit, "GET", "/v1/withdraw", params("uuid", sent.get("uuid").asText()), keys));
      assertThat(w.get("state").asText()).isEqualTo("DONE");
      JsonNode deposits = ok(client.binance(binance, "GET", "/sapi/v1/capital/deposit/hisrec",
          params("coin", "XRP"), keys));
      assertThat(deposits.get(0).get("status").asInt()).isEqualTo(1);
    });
    assertThat(sim.accounts().binanceBalances(System.currentTimeMillis()).get("XRP"))
        .isEqualByComparingTo(binanceXrp.add(new BigDecimal("5")));
    assertNothingLostOrMadeUp();
  }

  private void assertNothingLostOrMadeUp() {
    assertThat(sim.accounts().audit(System.currentTimeMillis()).values())
        .allSatisfy(d -> assertThat(d).isEqualByComparingTo(BigDecimal.ZERO));
  }
}
