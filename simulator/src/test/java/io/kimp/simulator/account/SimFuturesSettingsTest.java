package io.kimp.simulator.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The futures account's settings and what a test reads of it, on a manual clock: the key refused or without the futures
 * permission ({@code -2015}), Binance's clock offset in the timestamp check, Hedge Mode ({@code -1106}, {@code -4061},
 * LONG/SHORT rows), the taker fee, minimum quantity ({@code -4004}) and minimum notional, lowered order limits ({@code -1015}), the wallet set, keys
 * changed after the account opened, and the fills, transfers, leverage and per-client-id counters. Requests are signed
 * here, from the docs.
 */
class SimFuturesSettingsTest {
  private static final long T0 = 1_800_000_000_000L;

  private SimKeys keys = SimKeys.generate();
  private final Ladder xrp = new Ladder(new double[] {2.0}, new double[] {1e9}, new double[] {2.001},
      new double[] {1e9}, 0.0001, 0.1);
  private final SimAccounts accounts = new SimAccounts(AccountsConfig.defaults().withKeys(keys)
      .withBalances(Map.of(), Map.of("USDT", new BigDecimal("1000"))), Map.of("XRP", 2.0), coin -> null,
      coin -> coin.equals("XRP") ? xrp : null, SimAccounts.window(60_000, 6000), () -> 0L, () -> 0L);
  private long now = T0;

  @BeforeEach
  void open() {
    accounts.openFutures(new FuturesQuotes() {
      @Override
      public Ladder book(String coin) {
        return coin.equals("XRP") ? xrp : null;
      }

      @Override
      public double mark(String coin) {
        return 2.0005;
      }
    }, SimAccounts.window(60_000, 2400), () -> 0L);
    accounts.setFuturesWallet(new BigDecimal("500"));
  }

  private PrivateReply call(String method, String path, Map<String, String> params, long timestamp) {
    StringBuilder q = new StringBuilder();
    params.forEach((k, v) -> q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
    q.append("timestamp=").append(timestamp);
    String signed = q + "&signature=" + BinanceSignatures.hmacSha256Hex(keys.binanceSecretKey(), q.toString());
    PrivateRequest r = new PrivateRequest(method, path, signed, "", Map.of("x-mbx-apikey", keys.binanceApiKey()));
    now += 10;
    return path.startsWith("/fapi") ? accounts.binanceFutures(r, now) : accounts.binance(r, now);
  }

  private PrivateReply call(String method, String path, Map<String, String> params) {
    return call(method, path, params, now + 10);
  }

  private static JsonNode json(PrivateReply r) throws Exception {
    return PrivateClient.JSON.readTree(r.body());
  }

  private static int code(PrivateReply r) throws Exception {
    return json(r).get("code").asInt();
  }

  private static Map<String, String> order(String side, String qty, String clientId) {
    return Map.of("symbol", "XRPUSDT", "side", side, "type", "MARKET", "quantity", qty, "newClientOrderId", clientId);
  }

  @Test
  void aRefusedKeyAndAKeyWithoutFuturesAreMinus2015() throws Exception {
    accounts.refuseBinanceKey(true);
    PrivateReply refused = call("GET", "/fapi/v2/account", Map.of());
    assertThat(refused.status()).isEqualTo(401);
    assertThat(code(refused)).isEqualTo(-2015);
    accounts.refuseBinanceKey(false);
    assertThat(call("GET", "/fapi/v2/account", Map.of()).status()).isEqualTo(200);

    accounts.disableFutures(true);
    assertThat(code(call("GET", "/fapi/v2/account", Map.of()))).isEqualTo(-2015);
    // the spot wallet's transfer still takes the key
    assertThat(call("POST", "/sapi/v1/asset/transfer", Map.of("type", "MAIN_UMFUTURE", "asset", "USDT",
        "amount", "100")).status()).isEqualTo(200);
    accounts.disableFutures(false);
    assertThat(accounts.futuresTransfers()).containsExactly(new BigDecimal("100"));
    assertThat(accounts.futuresWallet()).isEqualByComparingTo("600");
    assertThat(accounts.audit(now).get("BINANCE_FUTURES:USDT")).isEqualByComparingTo("0");
  }

  @Test
  void theWalletTransferCountsOnItsOwnUidWeightOnTheSpotApi() throws Exception {
    accounts.setBinanceLimits(6000, 12_000, 1_800, 100, 200_000); // two transfers' Weight(UID) 900 a minute
    Map<String, String> in = Map.of("type", "MAIN_UMFUTURE", "asset", "USDT", "amount", "10");
    PrivateReply first = call("POST", "/sapi/v1/asset/transfer", in);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers()).containsEntry("X-SAPI-USED-UID-WEIGHT-1M", "900")
        .doesNotContainKeys("X-SAPI-USED-IP-WEIGHT-1M", "X-MBX-USED-WEIGHT-1M");
    assertThat(call("POST", "/sapi/v1/asset/transfer", in).headers()).containsEntry("X-SAPI-USED-UID-WEIGHT-1M",
        "1800");
    PrivateReply third = call("POST", "/sapi/v1/asset/transfer", in);
    assertThat(third.status()).isEqualTo(429);
    assertThat(code(third)).isEqualTo(-1003);
    assertThat(third.headers()).containsKey("Retry-After").containsKey("X-SAPI-USED-UID-WEIGHT-1M");
    assertThat(accounts.futuresTransfers()).hasSize(2);
    // the other /sapi endpoints have windows of their own
    PrivateReply restrictions = call("GET", "/sapi/v1/account/apiRestrictions", Map.of());
    assertThat(restrictions.status()).isEqualTo(200);
    assertThat(restrictions.headers()).containsEntry("X-SAPI-USED-IP-WEIGHT-1M", "1");
  }

  @Test
  void keysChangedAfterTheAccountOpenedAreTheOnesAccepted() throws Exception {
    keys = SimKeys.generate();
    assertThat(code(call("GET", "/fapi/v2/account", Map.of()))).isEqualTo(-2015); // an unknown API key
    accounts.setKeys(keys);
    assertThat(call("GET", "/fapi/v2/account", Map.of()).status()).isEqualTo(200);
  }

  @Test
  void theTimestampIsCheckedAgainstBinancesClock() throws Exception {
    accounts.setBinanceClockOffset(Duration.ofSeconds(20));
    assertThat(code(call("GET", "/fapi/v2/account", Map.of(), now + 10))).isEqualTo(-1021);
    assertThat(call("GET", "/fapi/v2/account", Map.of(), now + 20_010).status()).isEqualTo(200);
  }

  @Test
  void hedgeModeRefusesOneWayOrdersAndListsLongAndShort() throws Exception {
    assertThat(json(call("GET", "/fapi/v1/positionSide/dual", Map.of())).get("dualSidePosition").asBoolean())
        .isFalse();
    accounts.setFuturesHedgeMode(true);
    assertThat(json(call("GET", "/fapi/v1/positionSide/dual", Map.of())).get("dualSidePosition").asBoolean())
        .isTrue();
    assertThat(code(call("POST", "/fapi/v1/order", order("SELL", "10", "h1")))).isEqualTo(-4061);
    Map<String, String> reduce = new java.util.HashMap<>(order("BUY", "10", "h2"));
    reduce.put("reduceOnly", "true");
    assertThat(code(call("POST", "/fapi/v1/order", reduce))).isEqualTo(-1106);
    JsonNode rows = json(call("GET", "/fapi/v2/positionRisk", Map.of("symbol", "XRPUSDT")));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("positionSide").asText()).isEqualTo("LONG");
    assertThat(rows.get(1).get("positionSide").asText()).isEqualTo("SHORT");
    assertThat(accounts.futuresOrders()).isZero();

    accounts.setFuturesHedgeMode(false);
    assertThat(call("POST", "/fapi/v1/order", order("SELL", "10", "h3")).status()).isEqualTo(200);
    assertThatThrownBy(() -> accounts.setFuturesHedgeMode(true)).hasMessageContaining("-4068");
  }

  @Test
  void theTakerFeeMinimumQuantityAndMinimumNotionalAreSettings() throws Exception {
    accounts.setFuturesTakerFee(new BigDecimal("0.0004"));
    assertThat(json(call("GET", "/fapi/v1/commissionRate", Map.of("symbol", "XRPUSDT")))
        .get("takerCommissionRate").asText()).isEqualTo("0.0004");
    accounts.setFuturesMinQty(new BigDecimal("5"));
    PrivateReply small = call("POST", "/fapi/v1/order", order("SELL", "4.9", "q1"));
    assertThat(code(small)).isEqualTo(-4004);
    assertThat(json(small).get("msg").asText()).isEqualTo("Quantity less than min quantity.");
    accounts.setFuturesMinNotional(new BigDecimal("100"));
    assertThat(code(call("POST", "/fapi/v1/order", order("SELL", "10", "m1")))).isEqualTo(-4164);
    assertThat(call("POST", "/fapi/v1/order", order("SELL", "60", "m2")).status()).isEqualTo(200);
    PrivateReply close = call("POST", "/fapi/v1/order", Map.of("symbol", "XRPUSDT", "side", "BUY", "type", "MARKET",
        "quantity", "60", "reduceOnly", "true", "newClientOrderId", "m3"));
    assertThat(close.status()).isEqualTo(200);

    assertThat(accounts.futuresFills()).extracting(FuturesFill::clientOrderId).containsExactly("m2", "m3");
    FuturesFill open = accounts.futuresFills().get(0);
    FuturesFill shut = accounts.futuresFills().get(1);
    assertThat(open.side()).isEqualTo("SELL");
    assertThat(open.avgPrice()).isEqualByComparingTo("2.0");
    assertThat(open.commission()).isEqualByComparingTo("0.048"); // 60 x 2.0 x 0.0004
    assertThat(shut.reduceOnly()).isTrue();
    assertThat(shut.avgPrice()).isEqualByComparingTo("2.001");
    assertThat(shut.realizedPnl()).isEqualByComparingTo("-0.06"); // (2.001 - 2.0) x 60, short
    assertThat(accounts.futuresWallet()).isEqualByComparingTo(new BigDecimal("500").add(shut.realizedPnl())
        .subtract(open.commission()).subtract(shut.commission()));
    assertThat(accounts.futuresOrdersByClientId()).containsOnlyKeys("m2", "m3");
    assertThat(accounts.futuresPosition("XRP")).isZero();
  }

  @Test
  void lowerOrderLimitsAreMinus1015AndLeverageIsRead() throws Exception {
    accounts.setFuturesLimits(2400, 1200, 1);
    assertThat(call("POST", "/fapi/v1/order", order("SELL", "10", "l1")).status()).isEqualTo(200);
    PrivateReply second = call("POST", "/fapi/v1/order", order("SELL", "10", "l2"));
    assertThat(second.status()).isEqualTo(429);
    assertThat(code(second)).isEqualTo(-1015);
    assertThat(json(second).get("msg").asText()).contains("1 orders per TEN_SECONDS");
    assertThat(accounts.futuresLeverage("XRP")).isEqualTo(20);
    assertThat(call("POST", "/fapi/v1/leverage", Map.of("symbol", "XRPUSDT", "leverage", "3")).status())
        .isEqualTo(200);
    assertThat(accounts.futuresLeverage("XRP")).isEqualTo(3);
    assertThat(accounts.futuresPosition("XRP")).isEqualByComparingTo("-10");
  }
}
