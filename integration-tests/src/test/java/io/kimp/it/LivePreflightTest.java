package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.app.preflight.Preflight;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.gateway.Gateways;
import io.kimp.gateway.preflight.CoinCheck;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
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
  private static final String BINANCE_KEY = "it-binance-api-key";
  private static final String BINANCE_SECRET = "it-binance-secret-0123456789abcdef0123456789abcdef";
  private static final String UPBIT_KEY = "it-upbit-access-key";
  private static final String UPBIT_SECRET = "it-upbit-secret-0123456789abcdef0123456789abcdef0123456789ab";

  private FakeBinance binance;
  private FakeUpbit upbit;
  private String db;
  private KimpNode node;
  private final RecordingAlertSink alerts = new RecordingAlertSink();

  @BeforeEach
  void venues() {
    FakeChain chain = new FakeChain(Duration.ofMillis(300));
    binance = FakeBinance.start(chain, BINANCE_KEY, BINANCE_SECRET);
    upbit = FakeUpbit.start(chain, UPBIT_KEY, UPBIT_SECRET);
    binance.setBalance("USDT", new BigDecimal("10000"))
        .setPrice("XRP", new BigDecimal("1.999"), new BigDecimal("2.0"))
        .setWithdrawFee("XRP", new BigDecimal("0.2"));
    upbit.setBalance("KRW", new BigDecimal("10000000"))
        .setPrice("XRP", new BigDecimal("2899"), new BigDecimal("2900"))
        .setWithdrawFee("XRP", BigDecimal.ONE);
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    binance.close();
    upbit.close();
    TestNodes.dropDatabase(db);
  }

  private Config config(String binanceKey, String binanceSecret, String upbitKey, String upbitSecret) {
    db = TestNodes.database("h2");
    Path dataDir = TestDatabases.tempDir("kimp-keys-");
    return TestNodes.config(db, String.join("\n",
        "kimp.data-dir = \"" + dataDir + "\"",
        "kimp.trading.mode = live",
        "kimp.exchanges.binance.base-url = \"" + binance.baseUrl() + "\"",
        "kimp.exchanges.binance.api-key = \"" + binanceKey + "\"",
        "kimp.exchanges.binance.secret-key = \"" + binanceSecret + "\"",
        "kimp.exchanges.binance.request-timeout = 1500ms",
        "kimp.exchanges.upbit.base-url = \"" + upbit.baseUrl() + "\"",
        "kimp.exchanges.upbit.access-key = \"" + upbitKey + "\"",
        "kimp.exchanges.upbit.secret-key = \"" + upbitSecret + "\"",
        "kimp.exchanges.upbit.request-timeout = 1500ms",
        "kimp.execution.order-timeout = 5s",
        "kimp.execution.withdraw-timeout = 5s",
        // a venue slow to answer the first check (a cold JVM) is asked again soon
        "kimp.exchanges.preflight.unchecked-retry = 1s"));
  }

  private Config goodKeys() {
    return config(BINANCE_KEY, BINANCE_SECRET, UPBIT_KEY, UPBIT_SECRET);
  }

  private KimpNode startNode(Config config) {
    BookView noBooks = new BookView() {
      @Override
      public Optional<Book> book(Venue venue, String coin) {
        return Optional.empty();
      }

      @Override
      public OptionalDouble usdtKrw() {
        return OptionalDouble.empty();
      }
    };
    return KimpNode.start(config, system -> new NodeComponents(
        Gateways.create(config, system, noBooks, () -> KimpNode.paperLedgerDatabase(system, config)),
        TestNodes.profitableMarket(), alerts, Clock.systemUTC()));
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
    CycleReply reply = offerCycle();
    assertThat(reply.accepted()).as(reply.message()).isFalse();
    assertNoOrders();
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
}
