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
 * on demand while Binance lists only the coins it has a book for. Requests are signed here, from the docs.
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
    return accounts.binance(new PrivateRequest(method, path, signed, "", Map.of("x-mbx-apikey", keys.binanceApiKey())),
        now);
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
}
