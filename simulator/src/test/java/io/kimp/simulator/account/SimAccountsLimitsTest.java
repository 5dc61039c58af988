package io.kimp.simulator.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulated accounts' limits and settings on a manual clock (each request is handled at the time the test gives):
 * Binance's IP ban for a client that does not back off after a 429, its orders per day, and venues that know every coin
 * on demand while Binance lists only the coins it has a book for; its {@code /sapi} limits, per endpoint and per IP or
 * UID, with no 418 escalation. Requests are signed here, from the docs.
 */
class SimAccountsLimitsTest {
  private static final long T0 = 1_800_000_000_000L; // at the start of a minute

  private final SimKeys keys = SimKeys.generate();
  private final Ladder xrp = new Ladder(new double[] {0.5}, new double[] {1e9}, new double[] {0.51}, new double[] {1e9},
      0.0001, 0.1);
  private final SimAccounts accounts = new SimAccounts(AccountsConfig.defaults().withKeys(keys)
      .withBalances(Map.of(), Map.of("USDT", new BigDecimal("1000"))), Map.of("XRP", 0.5), coin -> null,
      coin -> coin.equals("XRP") ? xrp : null, SimAccounts.window(60_000, 6000), () -> 0L, () -> 0L);

  private PrivateReply binance(String method, String path, Map<String, String> params, long now) {
    StringBuilder q = new StringBuilder();
    params.forEach((k, v) -> q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
    q.append("timestamp=").append(now);
    String signed = q + "&signature=" + BinanceSignatures.hmacSha256Hex(keys.binanceSecretKey(), q.toString());
    // through the fault injection, as the server serves it: its 429/418 counters count these replies
    return accounts.serveBinance(new PrivateRequest(method, path, signed, "", Map.of("x-mbx-apikey",
        keys.binanceApiKey())), now).reply();
  }

  private static JsonNode json(PrivateReply r) throws Exception {
    return PrivateClient.JSON.readTree(r.body());
  }

  @Test
  void aClientThatDoesNotBackOffAfterA429IsBannedWith418() throws Exception {
    accounts.setBinanceLimits(30, 12_000, 100, 200_000); // GET /api/v3/account weighs 20
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0).status()).isEqualTo(200);
    PrivateReply limited = binance("GET", "/api/v3/account", Map.of(), T0 + 1_000);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(json(limited).get("code").asInt()).isEqualTo(-1003);
    assertThat(limited.headers().get("Retry-After")).isEqualTo("59");
    // asked again before the Retry-After ran out: banned for 2 minutes, past the end of the minute
    PrivateReply banned = binance("GET", "/api/v3/account", Map.of(), T0 + 2_000);
    assertThat(banned.status()).isEqualTo(418);
    assertThat(banned.headers().get("Retry-After")).isEqualTo("120");
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0 + 90_000).status()).isEqualTo(418);
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0 + 122_000).status()).isEqualTo(200);
  }

  @Test
  void aClientThatWaitsOutTheRetryAfterIsNotBanned() {
    accounts.setBinanceLimits(30, 12_000, 100, 200_000);
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0).status()).isEqualTo(200);
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0 + 1_000).status()).isEqualTo(429);
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0 + 60_000).status()).isEqualTo(200);
  }

  @Test
  void ordersBeyondTheDailyLimitAreRefusedWithMinus1015() throws Exception {
    accounts.setBinanceLimits(6000, 12_000, 100, 2);
    Map<String, String> buy = Map.of("symbol", "XRPUSDT", "side", "BUY", "type", "MARKET", "quantity", "20");
    assertThat(binance("POST", "/api/v3/order", buy, T0).status()).isEqualTo(200);
    PrivateReply second = binance("POST", "/api/v3/order", buy, T0 + 20_000);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.headers().get("X-MBX-ORDER-COUNT-1D")).isEqualTo("2");
    PrivateReply third = binance("POST", "/api/v3/order", buy, T0 + 40_000);
    assertThat(third.status()).isEqualTo(429);
    assertThat(json(third).get("code").asInt()).isEqualTo(-1015);
    assertThat(json(third).get("msg").asText()).contains("2 orders per DAY");
    assertThat(accounts.binanceOrders()).isEqualTo(2);
  }

  @Test
  void venuesThatKnowEveryCoinMakeItsWalletOnDemandAndBinanceListsOnlyWhatItTrades() throws Exception {
    PrivateReply unknown = binance("GET", "/sapi/v1/capital/deposit/address", Map.of("coin", "DOGE"), T0);
    assertThat(json(unknown).get("code").asInt()).isEqualTo(-4003);
    accounts.walletsOnDemand(CoinWallet::plain);
    PrivateReply known = binance("GET", "/sapi/v1/capital/deposit/address", Map.of("coin", "DOGE"), T0 + 1);
    assertThat(known.status()).isEqualTo(200);
    assertThat(json(known).get("address").asText()).isNotBlank();
    List<String> listed = new java.util.ArrayList<>();
    json(binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0 + 2)).forEach(c -> listed.add(c.get("coin")
        .asText()));
    assertThat(listed).containsExactly("XRP"); // DOGE has a wallet now, but no book at Binance
  }

  // ---------------------------------------------------------------- /sapi limits

  private static final String HISTORY = "/sapi/v1/capital/withdraw/history";
  private static final String WITHDRAW = "/sapi/v1/capital/withdraw/apply";

  private Map<String, String> withdrawal(int i) {
    String[] to = accounts.upbitDepositAddress("XRP");
    return Map.of("coin", "XRP", "network", "XRP", "address", to[0], "addressTag", to[1], "amount", "10",
        "withdrawOrderId", "wd-" + i);
  }

  @Test
  void withdrawHistoryTakesTenRequestsPerSecondOnItsPerSecondUidWeight() throws Exception {
    for (int i = 0; i < 10; i++) {
      PrivateReply r = binance("GET", HISTORY, Map.of(), T0 + i * 50);
      assertThat(r.status()).isEqualTo(200);
      // Weight(UID) 18000 of 180000 per second, reported per second and per UID
      assertThat(r.headers()).containsEntry("X-SAPI-USED-UID-WEIGHT-1S", Integer.toString(18_000 * (i + 1)))
          .doesNotContainKeys("X-SAPI-USED-IP-WEIGHT-1M", "X-SAPI-USED-UID-WEIGHT-1M", "X-MBX-USED-WEIGHT-1M");
    }
    PrivateReply eleventh = binance("GET", HISTORY, Map.of(), T0 + 600);
    assertThat(eleventh.status()).isEqualTo(429);
    assertThat(json(eleventh).get("code").asInt()).isEqualTo(-1003);
    assertThat(eleventh.headers()).containsEntry("Retry-After", "1").containsKey("X-SAPI-USED-UID-WEIGHT-1S");
    // the next second it takes ten again: the limit is per second (the page's "10 requests per second"), so a minute
    // holds more than 10 of them
    for (int s = 1; s <= 5; s++) {
      for (int i = 0; i < 10; i++) {
        PrivateReply r = binance("GET", HISTORY, Map.of(), T0 + s * 1_000 + i * 50);
        assertThat(r.status()).as("second %d, request %d", s, i + 1).isEqualTo(200);
      }
    }
    assertThat(binance("GET", HISTORY, Map.of(), T0 + 5_999).status()).isEqualTo(429);
  }

  @Test
  void twoHundredWithdrawalsFitAMinuteOfUidWeightAndThe201stIs429() throws Exception {
    accounts.setBinanceBalance("XRP", new BigDecimal("100000"), T0);
    for (int i = 0; i < 200; i++) {
      PrivateReply r = binance("POST", WITHDRAW, withdrawal(i), T0 + i * 100);
      assertThat(r.status()).as("withdrawal %d: %s", i + 1, r.body()).isEqualTo(200);
      // Weight(UID) 900 of 180000 per minute
      assertThat(r.headers()).containsEntry("X-SAPI-USED-UID-WEIGHT-1M", Integer.toString(900 * (i + 1)))
          .doesNotContainKeys("X-SAPI-USED-IP-WEIGHT-1M", "X-MBX-USED-WEIGHT-1M");
    }
    PrivateReply refused = binance("POST", WITHDRAW, withdrawal(200), T0 + 30_000);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(json(refused).get("code").asInt()).isEqualTo(-1003);
    assertThat(refused.headers()).containsEntry("Retry-After", "30").containsKey("X-SAPI-USED-UID-WEIGHT-1M");
    assertThat(accounts.binanceWithdrawals()).isEqualTo(200);
    PrivateReply nextMinute = binance("POST", WITHDRAW, withdrawal(201), T0 + 60_000);
    assertThat(nextMinute.status()).isEqualTo(200);
    assertThat(nextMinute.headers()).containsEntry("X-SAPI-USED-UID-WEIGHT-1M", "900");
  }

  @Test
  void ipLimitedSapiCallsReportIpWeightAndLeaveTheUidBudgetAlone() throws Exception {
    accounts.setBinanceBalance("XRP", new BigDecimal("1000"), T0);
    accounts.setBinanceLimits(6000, 12_000, 1_800, 100, 200_000); // two withdrawals' UID weight a minute
    long t = T0;
    for (int i = 1; i <= 3; i++) {
      PrivateReply config = binance("GET", "/sapi/v1/capital/config/getall", Map.of(), t++);
      assertThat(config.headers()).containsEntry("X-SAPI-USED-IP-WEIGHT-1M", Integer.toString(10 * i))
          .doesNotContainKeys("X-SAPI-USED-UID-WEIGHT-1M", "X-MBX-USED-WEIGHT-1M");
    }
    assertThat(binance("GET", "/sapi/v1/capital/deposit/address", Map.of("coin", "XRP"), t++).headers())
        .containsEntry("X-SAPI-USED-IP-WEIGHT-1M", "10");
    assertThat(binance("GET", "/sapi/v1/capital/deposit/hisrec", Map.of(), t++).headers())
        .containsEntry("X-SAPI-USED-IP-WEIGHT-1M", "1");
    assertThat(binance("GET", "/sapi/v1/account/apiRestrictions", Map.of(), t++).headers())
        .containsEntry("X-SAPI-USED-IP-WEIGHT-1M", "1");
    // the /api weight is counted apart
    assertThat(binance("GET", "/api/v3/account", Map.of(), t++).headers()).containsEntry("X-MBX-USED-WEIGHT-1M", "20")
        .doesNotContainKeys("X-SAPI-USED-IP-WEIGHT-1M", "X-SAPI-USED-UID-WEIGHT-1M");
    // the whole UID budget is still there: two withdrawals, and a third is refused
    assertThat(binance("POST", WITHDRAW, withdrawal(0), t++).headers()).containsEntry("X-SAPI-USED-UID-WEIGHT-1M", "900");
    assertThat(binance("POST", WITHDRAW, withdrawal(1), t++).headers()).containsEntry("X-SAPI-USED-UID-WEIGHT-1M",
        "1800");
    assertThat(binance("POST", WITHDRAW, withdrawal(2), t++).status()).isEqualTo(429);
    assertThat(accounts.binanceWithdrawals()).isEqualTo(2);
  }

  @Test
  void eachSapiEndpointHasItsOwnWindow() throws Exception {
    accounts.setBinanceLimits(6000, 20, 100, 200_000); // 20 IP weight a minute on each IP-limited endpoint
    assertThat(binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0).status()).isEqualTo(200);
    assertThat(binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0 + 1).status()).isEqualTo(200);
    PrivateReply third = binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0 + 2);
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.headers()).containsKey("X-SAPI-USED-IP-WEIGHT-1M").containsEntry("Retry-After", "60");
    // "each endpoint with IP limits has an independent 12000 per minute limit": the others still answer
    PrivateReply address = binance("GET", "/sapi/v1/capital/deposit/address", Map.of("coin", "XRP"), T0 + 3);
    assertThat(address.status()).isEqualTo(200);
    assertThat(address.headers()).containsEntry("X-SAPI-USED-IP-WEIGHT-1M", "10");
    assertThat(binance("GET", "/sapi/v1/capital/deposit/hisrec", Map.of(), T0 + 4).status()).isEqualTo(200);
  }

  @Test
  void repeated429sOnSapiNeverBecomeA418() throws Exception {
    accounts.setBinanceLimits(6000, 20, 100, 200_000);
    assertThat(binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0).status()).isEqualTo(200);
    assertThat(binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0 + 1).status()).isEqualTo(200);
    // a client that does not back off: 429 after 429, inside each one's Retry-After, never 418
    for (int i = 1; i <= 20; i++) {
      PrivateReply r = binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0 + i * 1_000);
      assertThat(r.status()).as("request %d", i).isEqualTo(429);
      assertThat(json(r).get("code").asInt()).isEqualTo(-1003);
      assertThat(r.headers()).containsEntry("Retry-After", Integer.toString(60 - i));
    }
    for (int i = 0; i < 30; i++) { // withdraw history past its 10 a second, 20 times
      int status = binance("GET", HISTORY, Map.of(), T0 + 30_000 + i * 10).status();
      assertThat(status).as("withdraw history %d", i + 1).isEqualTo(i < 10 ? 200 : 429);
    }
    assertThat(accounts.binanceFaults().returned429()).isEqualTo(40);
    assertThat(accounts.binanceFaults().returned418()).isZero();
    // nor do they ban the IP from /api, and the window opens again the next minute
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0 + 31_000).status()).isEqualTo(200);
    assertThat(binance("GET", "/sapi/v1/capital/config/getall", Map.of(), T0 + 60_000).status()).isEqualTo(200);
  }

  @Test
  void the418StaysOnApiAndItsCountersCount() throws Exception {
    accounts.setBinanceLimits(30, 12_000, 100, 200_000);
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0).status()).isEqualTo(200);
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0 + 1_000).status()).isEqualTo(429);
    assertThat(binance("GET", "/api/v3/account", Map.of(), T0 + 2_000).status()).isEqualTo(418);
    assertThat(accounts.binanceFaults().returned429()).isEqualTo(1);
    assertThat(accounts.binanceFaults().returned418()).isEqualTo(1);
  }
}
