package io.kimp.simulator.account;

import static io.kimp.simulator.account.PrivateClient.balance;
import static io.kimp.simulator.account.PrivateClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.simulator.account.PrivateClient.Reply;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The simulated venues' private-REST faults, over real HTTP on loopback: per-endpoint injected faults (a status, a 429
 * pause with the requests during it counted, no reply, acting then losing the reply) with request counters, a key
 * refused while it is still the right key, Binance's clock running off, and wallets whose deposits or withdrawals are
 * suspended.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateFaultsTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final PrivateClient client = new PrivateClient();
  private ExchangeSimulator sim;
  private SimAccounts accounts;
  private SimKeys keys;
  private String binance;
  private String upbit;

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "XRP")).withUpdatesPerSecond(20),
            AccountsConfig.defaults().withTransferDelay(Duration.ofMillis(300))
                .withBalances(Map.of("KRW", new BigDecimal("1000000"), "XRP", new BigDecimal("100")),
                    Map.of("USDT", new BigDecimal("1000"), "XRP", new BigDecimal("100"))))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    accounts = sim.accounts();
    keys = accounts.keys();
    binance = sim.binanceRestUrl();
    upbit = sim.upbitRestUrl();
  }

  @AfterEach
  void reset() {
    accounts.binanceFaults().clear();
    accounts.upbitFaults().clear();
    accounts.refuseBinanceKey(false);
    accounts.refuseUpbitKey(null);
    accounts.setBinanceClockOffset(Duration.ZERO);
    accounts.setBinanceWallet("XRP", true, true);
    accounts.setUpbitWallet("XRP", true, true);
  }

  @AfterAll
  void stop() {
    sim.close();
    kit.shutdownTestKit();
  }

  private static JsonNode ok(Reply r) {
    assertThat(r.status()).as(String.valueOf(r.json())).isBetween(200, 201);
    return r.json();
  }

  private Reply binanceAccount() throws Exception {
    return client.binance(binance, "GET", "/api/v3/account", params(), keys);
  }

  @Test
  void anInjectedStatusAnswersTheEndpointsNextRequestsOnlyAndEveryRequestIsCounted() throws Exception {
    PrivateFaults f = accounts.binanceFaults();
    int before = f.requests("GET /api/v3/account");
    f.inject("GET /api/v3/account", PrivateFault.status(400, "{\"code\":-1013,\"msg\":\"injected\"}"), 1);
    f.inject("GET /api/v3/account", PrivateFault.serverError(), 1);
    Reply first = binanceAccount();
    assertThat(first.status()).isEqualTo(400);
    assertThat(first.json().get("msg").asText()).isEqualTo("injected");
    HttpResponse<String> html = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(binance
        + "/api/v3/account?timestamp=1&signature=x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(html.statusCode()).isEqualTo(503);
    assertThat(html.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    ok(binanceAccount()); // the faults are used up
    assertThat(f.requests("GET /api/v3/account")).isEqualTo(before + 3);
    assertThat(f.requestsPerEndpoint()).containsKey("GET /api/v3/account");
  }

  @Test
  void anInjected429PausesEveryEndpointAndCountsTheRequestsThatDidNotWait() throws Exception {
    PrivateFaults f = accounts.upbitFaults();
    int returned = f.returned429();
    f.inject("GET /v1/accounts", PrivateFault.rateLimited(429, Duration.ofSeconds(30)), 1);
    Reply limited = client.upbit(upbit, "GET", "/v1/accounts", params(), keys);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.headers().get("retry-after")).isEqualTo("30");
    assertThat(limited.json().get("error").get("name").asText()).isEqualTo("too_many_requests");
    Reply during = client.upbit(upbit, "GET", "/v1/withdraws/chance", params("currency", "XRP"), keys);
    assertThat(during.status()).isEqualTo(429);
    assertThat(f.requestsDuringBackoff()).isEqualTo(1);
    assertThat(f.returned429()).isEqualTo(returned + 2);
  }

  @Test
  void executeThenLoseTheReplyPlacesTheOrderAndNoReplyDoesNot() throws Exception {
    PrivateFaults f = accounts.binanceFaults();
    int orders = accounts.binanceOrders();
    f.inject("POST /api/v3/order", PrivateFault.executeThenStatus(502), 1);
    Reply lost = client.binance(binance, "POST", "/api/v3/order", params("symbol", "XRPUSDT", "side", "BUY",
        "type", "MARKET", "quoteOrderQty", "20", "newClientOrderId", "lost-reply-1"), keys);
    assertThat(lost.status()).isEqualTo(502);
    assertThat(accounts.binanceOrders()).isEqualTo(orders + 1);
    JsonNode placed = ok(client.binance(binance, "GET", "/api/v3/order",
        params("symbol", "XRPUSDT", "origClientOrderId", "lost-reply-1"), keys));
    assertThat(placed.get("status").asText()).isEqualTo("FILLED");

    f.inject("POST /api/v3/order", PrivateFault.noReply(Duration.ofMillis(300)), 1);
    Reply held = client.binance(binance, "POST", "/api/v3/order", params("symbol", "XRPUSDT", "side", "BUY",
        "type", "MARKET", "quoteOrderQty", "20", "newClientOrderId", "held-1"), keys);
    assertThat(held.status()).isEqualTo(504);
    assertThat(accounts.binanceOrders()).isEqualTo(orders + 1);

    f.inject("POST /api/v3/order", PrivateFault.executeThenNoReply(Duration.ofMillis(300)), 1);
    assertThat(client.binance(binance, "POST", "/api/v3/order", params("symbol", "XRPUSDT", "side", "BUY",
        "type", "MARKET", "quoteOrderQty", "20", "newClientOrderId", "held-2"), keys).status()).isEqualTo(504);
    assertThat(accounts.binanceOrders()).isEqualTo(orders + 2);
  }

  @Test
  void aRefusedKeyIsRefusedUntilItIsAcceptedAgain() throws Exception {
    accounts.refuseBinanceKey(true);
    Reply refused = binanceAccount();
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().get("code").asInt()).isEqualTo(-2015);
    accounts.refuseBinanceKey(false);
    ok(binanceAccount());

    accounts.refuseUpbitKey("no_authorization_ip");
    Reply up = client.upbit(upbit, "GET", "/v1/accounts", params(), keys);
    assertThat(up.status()).isEqualTo(401);
    assertThat(up.json().get("error").get("name").asText()).isEqualTo("no_authorization_ip");
    accounts.refuseUpbitKey(null);
    ok(client.upbit(upbit, "GET", "/v1/accounts", params(), keys));
  }

  @Test
  void binancesClockOffsetMovesItsServerTimeAndTheRecvWindowCheck() throws Exception {
    accounts.setBinanceClockOffset(Duration.ofSeconds(20));
    long before = System.currentTimeMillis();
    JsonNode time = PrivateClient.JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(binance + "/api/v3/time")).build(), HttpResponse.BodyHandlers.ofString()).body());
    assertThat(time.get("serverTime").asLong()).isGreaterThanOrEqualTo(before + 20_000);
    Reply stale = binanceAccount();
    assertThat(stale.status()).isEqualTo(400);
    assertThat(stale.json().get("code").asInt()).isEqualTo(-1021);
    ok(client.binance(binance, "GET", "/api/v3/account", params(), keys.binanceApiKey(), keys.binanceSecretKey(),
        time.get("serverTime").asLong()));
  }

  @Test
  void suspendedWithdrawalsAreRefusedAndSuspendedDepositsWaitUntilTheyOpen() throws Exception {
    accounts.setBinanceWallet("XRP", true, false);
    JsonNode config = ok(client.binance(binance, "GET", "/sapi/v1/capital/config/getall", params(), keys));
    for (JsonNode c : config) {
      if (c.get("coin").asText().equals("XRP")) {
        assertThat(c.get("withdrawAllEnable").asBoolean()).isFalse();
        assertThat(c.get("networkList").get(0).get("withdrawEnable").asBoolean()).isFalse();
        assertThat(c.get("networkList").get(0).get("depositEnable").asBoolean()).isTrue();
      }
    }
    String[] upbitAddress = accounts.upbitDepositAddress("XRP");
    Map<String, String> withdraw = params("coin", "XRP", "network", "XRP", "address", upbitAddress[0],
        "addressTag", upbitAddress[1], "amount", "10");
    Reply refused = client.binance(binance, "POST", "/sapi/v1/capital/withdraw/apply", withdraw, keys);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("code").asInt()).isEqualTo(-4019);

    accounts.setUpbitWallet("XRP", false, false);
    JsonNode chance = ok(client.upbit(upbit, "GET", "/v1/withdraws/chance", params("currency", "XRP"), keys));
    assertThat(chance.get("currency").get("wallet_state").asText()).isEqualTo("paused");
    assertThat(chance.get("withdraw_limit").get("can_withdraw").asBoolean()).isFalse();
    String[] binanceAddress = accounts.binanceDepositAddress("XRP");
    Reply upRefused = client.upbit(upbit, "POST", "/v1/withdraws/coin", params("currency", "XRP", "net_type", "XRP",
        "amount", "5", "address", binanceAddress[0], "secondary_address", binanceAddress[1]), keys);
    assertThat(upRefused.status()).isEqualTo(400);
    assertThat(upRefused.json().get("error").get("name").asText()).isEqualTo("withdraw_suspended");

    // Binance withdraws again; Upbit's deposits of XRP stay suspended: the transfer arrives but is not credited
    accounts.setBinanceWallet("XRP", true, true);
    BigDecimal upbitXrp = accounts.upbitBalances(System.currentTimeMillis()).get("XRP");
    ok(client.binance(binance, "POST", "/sapi/v1/capital/withdraw/apply", withdraw, keys));
    long later = System.currentTimeMillis() + 60_000; // long after the transfer delay
    assertThat(accounts.upbitBalances(later).get("XRP")).isEqualByComparingTo(upbitXrp);
    accounts.setUpbitWallet("XRP", true, true);
    assertThat(accounts.upbitBalances(later).get("XRP")).isGreaterThan(upbitXrp);
    assertThat(balance(ok(client.upbit(upbit, "GET", "/v1/accounts", params(), keys)), "XRP"))
        .isGreaterThan(upbitXrp);
    assertThat(accounts.audit(later).values()).allSatisfy(d -> assertThat(d).isEqualByComparingTo(BigDecimal.ZERO));
  }
}
