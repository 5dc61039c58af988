package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.kimp.app.node.KimpNode;
import io.kimp.app.preflight.Preflight;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeBinanceFutures;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.gateway.preflight.CoinCheck;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live pre-flight with the real node (Portfolio singleton, cycle entities, production gateways) against the fake
 * venues: a key the venue rejects, at start-up or revoked while running, stops trading cluster-wide with a message naming
 * the key's setting, no order reaches a venue, and a resume is refused while the key is still rejected; a coin whose
 * wallet is suspended, whose withdrawal address is not registered or whose starting balance is too low is excluded with
 * its reason, alerted, and comes back when the check passes.
 */
class LivePreflightTest {
  private static final String BINANCE_KEY = LiveFakeVenues.BINANCE_KEY;
  private static final String BINANCE_SECRET = LiveFakeVenues.BINANCE_SECRET;
  private static final String UPBIT_KEY = LiveFakeVenues.UPBIT_KEY;
  private static final String UPBIT_SECRET = LiveFakeVenues.UPBIT_SECRET;

  private FakeBinance binance;
  private FakeUpbit upbit;
  private String db;
  private KimpNode node;
  private Path dataDir;
  private final RecordingAlertSink alerts = new RecordingAlertSink();

  private LiveFakeVenues venues;

  @BeforeEach
  void venues() {
    venues = new LiveFakeVenues(Duration.ofMillis(300));
    binance = venues.binance;
    upbit = venues.upbit;
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    venues.close();
    TestNodes.dropDatabase(db);
  }

  private Config config(String binanceKey, String binanceSecret, String upbitKey, String upbitSecret) {
    db = TestNodes.database("h2");
    dataDir = TestDatabases.tempDir("kimp-keys-");
    return TestNodes.config(db, String.join("\n",
        "kimp.data-dir = \"" + dataDir + "\"",
        "kimp.admin.port = 0",
        venues.liveSettings(binanceKey, binanceSecret, upbitKey, upbitSecret),
        // a venue slow to answer the first check (a cold JVM) is asked again soon
        "kimp.exchanges.preflight.unchecked-retry = 1s"));
  }

  private Config goodKeys() {
    return config(BINANCE_KEY, BINANCE_SECRET, UPBIT_KEY, UPBIT_SECRET);
  }

  private KimpNode startNode(Config config) {
    return LiveFakeVenues.startNode(config, TestNodes.profitableMarket(), alerts);
  }

  private Portfolio.Snapshot portfolio() throws Exception {
    return node.operator().portfolio().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void awaitKeyRejected(String setting) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Portfolio.Snapshot s = portfolio();
      assertThat(s.paused()).isTrue();
      assertThat(s.pauseKind()).isEqualTo(Portfolio.PauseKind.KEY_REJECTED);
      assertThat(s.pauseReason()).contains("check your API key").contains(setting);
    });
  }

  /** Offers a cycle and waits for the engine's answer: with trading stopped it must not trade. */
  private CycleReply offerCycle() throws Exception {
    return node.cycles().ask("XRP", new CycleInput.Start(TestNodes.opportunity("XRP"))).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void assertNoOrders() {
    assertThat(binance.orderCount()).isZero();
    assertThat(upbit.orderCount()).isZero();
    assertThat(binance.withdrawalCount()).isZero();
    assertThat(upbit.withdrawalCount()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jwt_verification", "invalid_access_key", "no_authorization_ip", "expired_access_key"})
  void aRejectedUpbitKeyAtStartStopsTradingBeforeAnyOrder(String code) throws Exception {
    Config config = switch (code) {
      case "jwt_verification" -> config(BINANCE_KEY, BINANCE_SECRET, UPBIT_KEY, UPBIT_SECRET.replace('a', 'b'));
      case "invalid_access_key" -> config(BINANCE_KEY, BINANCE_SECRET, "another-access-key", UPBIT_SECRET);
      default -> {
        upbit.refuseKey(code);
        yield goodKeys();
      }
    };
    node = startNode(config);
    awaitKeyRejected("kimp.exchanges.upbit.access-key");
    assertThat(portfolio().pauseReason()).contains(code);
    CycleReply reply = offerCycle();
    assertThat(reply.accepted()).as(reply.message()).isFalse();
    assertNoOrders();
    assertThat(node.operator().preflight().orElseThrow().report().orElseThrow().keys().get(Venue.UPBIT).state())
        .isEqualTo(Preflight.KeyState.REJECTED);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-1022", "-2014", "-2015"})
  void aRejectedBinanceKeyAtStartStopsTradingBeforeAnyOrder(String code) throws Exception {
    Config config = switch (code) {
      case "-1022" -> config(BINANCE_KEY, BINANCE_SECRET.replace('a', 'b'), UPBIT_KEY, UPBIT_SECRET);
      case "-2014" -> config("not a key!", BINANCE_SECRET, UPBIT_KEY, UPBIT_SECRET);
      default -> {
        binance.refuseKey(true);
        yield goodKeys();
      }
    };
    node = startNode(config);
    awaitKeyRejected("kimp.exchanges.binance.api-key");
    assertThat(portfolio().pauseReason()).contains(code);
    var registry = node.metrics().registry();
    assertThat(registry.get("kimp_preflight_key_ok").tag("venue", "BINANCE").gauge().value()).isZero();
    assertThat(registry.get("kimp_preflight_key_ok").tag("venue", "UPBIT").gauge().value()).isEqualTo(1.0);
    CycleReply reply = offerCycle();
    assertThat(reply.accepted()).as(reply.message()).isFalse();
    assertNoOrders();
  }

  @Test
  void withTheHedgeOnAKeyThatMayNotTradeFuturesStopsTradingBeforeAnyOrder() throws Exception {
    try (FakeBinanceFutures futures = FakeBinanceFutures.start(venues.chain, BINANCE_KEY, BINANCE_SECRET)) {
      futures.disableFutures(true);
      Config config = com.typesafe.config.ConfigFactory.parseString(String.join("\n",
              "kimp.hedge.enabled = on",
              "kimp.exchanges.binance.futures-url = \"" + futures.baseUrl() + "\""))
          .withFallback(goodKeys()).resolve();
      Config c = config;
      node = KimpNode.start(c, system -> new io.kimp.app.node.NodeComponents(
          io.kimp.gateway.Gateways.create(io.kimp.gateway.GatewaySettings.from(c), system, LiveFakeVenues.NO_BOOKS,
              io.kimp.core.market.PerpView.none(),
              () -> KimpNode.paperLedgerDatabase(system, io.kimp.persistence.DatabaseSettings.fromConfig(c))),
          TestNodes.profitableMarket(), alerts, java.time.Clock.systemUTC()));
      assertThat(node.components().venues().perpetual()).isPresent();
      awaitKeyRejected("kimp.exchanges.binance.api-key");
      assertThat(portfolio().pauseReason()).containsIgnoringCase("futures");
      assertThat(node.operator().preflight().orElseThrow().report().orElseThrow().keys().get(Venue.BINANCE).state())
          .isEqualTo(Preflight.KeyState.REJECTED);
      CycleReply reply = offerCycle();
      assertThat(reply.accepted()).as(reply.message()).isFalse();
      assertNoOrders();
      assertThat(futures.orderCount()).isZero();
    }
  }

  @Test
  void aKeyRevokedWhileRunningStopsTradingAtTheNextRequestAndNoOrderIsSent() throws Exception {
    node = startNode(goodKeys());
    await().atMost(Duration.ofSeconds(30)).until(() -> node.operator().preflight().orElseThrow().report().isPresent());
    assertThat(portfolio().paused()).isFalse();

    binance.refuseKey(true); // revoked at Binance while kimp runs
    CycleReply reply = offerCycle();
    assertThat(reply.accepted()).as(reply.message()).isTrue(); // the key is not known to be bad yet
    awaitKeyRejected("kimp.exchanges.binance.api-key");
    assertNoOrders();
    assertThat(alerts.alerts()).anySatisfy(a -> assertThat(a.title()).contains("check your API key"));
    // the cycle that met the rejection does not trade on: no later order either
    assertThat(offerCycle().accepted()).isFalse();
    assertNoOrders();
  }

  @Test
  void aResumeIsRefusedWhileTheKeyIsStillRejectedAndAcceptedOnceItPasses() throws Exception {
    upbit.refuseKey("no_authorization_ip");
    node = startNode(goodKeys());
    awaitKeyRejected("kimp.exchanges.upbit.access-key");

    assertThatThrownBy(() -> node.operator().resume("operator").toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(Preflight.ResumeRefused.class)
        .hasMessageContaining("no_authorization_ip")
        .hasMessageContaining("kimp.exchanges.upbit.access-key");
    assertThat(portfolio().paused()).isTrue();

    upbit.refuseKey(null); // the operator added the IP to the key's allow-list
    node.operator().resume("operator").toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(portfolio().paused()).isFalse();
    assertThat(node.operator().preflight().orElseThrow().report().orElseThrow().trigger()).isEqualTo("resume");
  }

  private Preflight.Report rerun(Preflight p) throws Exception {
    return p.run("interval").toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static java.util.List<CoinCheck.Reason> reasons(Preflight.Report r, String coin) {
    return r.excluded().getOrDefault(coin, java.util.List.of()).stream().map(Preflight.Exclusion::reason).toList();
  }

  @Test
  void coinsAreExcludedWithTheirReasonAndComeBackWhenTheCheckPasses() throws Exception {
    upbit.registerWithdrawalAddress("XRP", "XRP", binance.depositAddress("XRP"), binance.depositTag("XRP"));
    node = startNode(goodKeys());
    await().atMost(Duration.ofSeconds(30)).until(() -> node.operator().preflight().orElseThrow().report().isPresent());
    Preflight p = node.operator().preflight().orElseThrow();
    Preflight.Report r = p.report().orElseThrow();
    assertThat(reasons(r, "XRP")).isEmpty();
    assertThat(p.admits("XRP")).isTrue();
    // BTC: unknown to the fake Binance (no wallet) and no registered address
    assertThat(reasons(r, "BTC")).contains(CoinCheck.Reason.BINANCE_WITHDRAWALS_SUSPENDED,
        CoinCheck.Reason.ADDRESS_NOT_REGISTERED);
    assertThat(p.admits("BTC")).isFalse();

    binance.setWallet("XRP", true, false);
    assertThat(reasons(rerun(p), "XRP")).containsExactly(CoinCheck.Reason.BINANCE_WITHDRAWALS_SUSPENDED);
    assertThat(p.admits("XRP")).isFalse();
    assertThat(node.metrics().registry().get("kimp_preflight_coin_excluded").tag("coin", "XRP")
        .tag("reason", "BINANCE_WITHDRAWALS_SUSPENDED").gauge().value()).isEqualTo(1.0);
    assertThat(alerts.alerts()).anySatisfy(a -> assertThat(a.title()).isEqualTo("XRP excluded from trading"));
    binance.setWallet("XRP", true, true);
    assertThat(reasons(rerun(p), "XRP")).isEmpty();
    assertThat(p.admits("XRP")).isTrue();
    assertThat(alerts.alerts()).anySatisfy(a -> assertThat(a.title()).isEqualTo("XRP back in trading"));

    upbit.setWalletState("XRP", "paused");
    assertThat(reasons(rerun(p), "XRP")).containsExactly(CoinCheck.Reason.UPBIT_DEPOSITS_SUSPENDED,
        CoinCheck.Reason.UPBIT_WITHDRAWALS_SUSPENDED);
    upbit.setWalletState("XRP", "working");

    upbit.unregisterWithdrawalAddresses("XRP");
    assertThat(reasons(rerun(p), "XRP")).containsExactly(CoinCheck.Reason.ADDRESS_NOT_REGISTERED);
    upbit.registerWithdrawalAddress("XRP", "XRP", binance.depositAddress("XRP"), binance.depositTag("XRP"));

    upbit.setBalance("KRW", new BigDecimal("4000")); // below one order (5,000 KRW)
    assertThat(reasons(rerun(p), "XRP")).containsExactly(CoinCheck.Reason.LOW_BALANCE_UPBIT);
    upbit.setBalance("KRW", new BigDecimal("10000000"));
    assertThat(reasons(rerun(p), "XRP")).isEmpty();
    assertThat(p.admits("XRP")).isTrue();
    assertThat(portfolio().paused()).as("a coin check never stops trading as a whole").isFalse();
  }

  @Test
  void theAdminApiShowsThePreflightAndAnswersARefusedResumeWith409() throws Exception {
    Config config = config(BINANCE_KEY, BINANCE_SECRET.replace('a', 'b'), UPBIT_KEY, UPBIT_SECRET);
    node = startNode(config);
    awaitKeyRejected("kimp.exchanges.binance.api-key");
    try (io.kimp.app.http.AdminServer admin = io.kimp.app.http.AdminServer.start(node, io.kimp.app.config.KimpSettings.from(config).admin(),
          io.kimp.app.dashboard.BacktestsPage.fromConfig(config))) {
      String token = java.nio.file.Files.readString(dataDir.resolve("admin.token")).trim();
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.URI base = java.net.URI.create("http://127.0.0.1:" + admin.port() + "/api/v1/");
      var get = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("preflight"))
          .header("Authorization", "Bearer " + token).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(200);
      var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(get.body());
      assertThat(report.at("/keys/BINANCE/state").asText()).isEqualTo("REJECTED");
      assertThat(report.at("/keys/BINANCE/code").asText()).isEqualTo("-1022");
      assertThat(report.at("/keys/UPBIT/state").asText()).isEqualTo("OK");
      var resume = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("trading/resume"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      var trading = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("trading"))
          .header("Authorization", "Bearer " + token).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      var t = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trading.body());
      assertThat(t.path("pauseKind").asText()).isEqualTo("KEY_REJECTED");
      assertThat(t.at("/idle/code").asText()).isEqualTo("KEY_REJECTED");
      assertThat(resume.statusCode()).isEqualTo(409);
      assertThat(resume.body()).contains("key_rejected").contains("kimp.exchanges.binance.api-key");
    }
  }
}
