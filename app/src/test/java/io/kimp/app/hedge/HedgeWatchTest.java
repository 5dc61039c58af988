package io.kimp.app.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.market.PerpQuote;
import io.kimp.core.market.PerpView;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.gateway.paper.PaperFaults;
import io.kimp.gateway.paper.PaperLedger;
import io.kimp.gateway.paper.PaperPerpVenue;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import io.kimp.persistence.ReadSideDataSource;
import io.kimp.persistence.readmodel.HedgeQueries;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster-wide hedge check on a real migrated H2 read model and the paper perpetual venue on the same database: what
 * the cycles' {@code trades} rows say is open against the positions the venue holds.
 */
class HedgeWatchTest {
  private static final Map<Venue, Map<String, BigDecimal>> START =
      Map.of(Venue.UPBIT, Map.of("KRW", new BigDecimal("10000000")), Venue.BINANCE, Map.of("USDT", new BigDecimal("10000")));

  @TempDir Path dir;
  private final ActorTestKit kit = ActorTestKit.create();
  private final RecordingAlertSink alerts = new RecordingAlertSink();
  private final Map<String, PerpQuote> quotes = new ConcurrentHashMap<>();
  private HikariDataSource db;
  private PaperPerpVenue venue;

  @BeforeEach
  void open() {
    DatabaseSettings settings = DatabaseSettings.fromConfig(ConfigFactory.parseString(
        "kimp.db { url = \"" + TestDatabases.h2File(dir) + "\", user = \"\", password = \"\", pool-size = 4 }"));
    Migrations.migrate(settings);
    db = ReadSideDataSource.create(settings, "hedge-watch-test");
    quote("BTC", "50000", "50010");
    quote("XRP", "2.0", "2.001");
    PerpView perps = coin -> Optional.ofNullable(quotes.get(coin));
    venue = new PaperPerpVenue(PaperLedger.open(db, START, Clock.systemUTC(), null), perps, new BigDecimal("0.0005"),
        Duration.ZERO, new BigDecimal("5000"), PaperFaults.none().dice(), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    kit.shutdownTestKit();
    db.close();
  }

  private void quote(String coin, String bid, String ask) {
    BigDecimal b = new BigDecimal(bid);
    BigDecimal a = new BigDecimal(ask);
    java.time.Instant now = java.time.Instant.now();
    quotes.put(coin, new PerpQuote(coin, b, new BigDecimal("1000000"), a, new BigDecimal("1000000"), b, b,
        new BigDecimal("0.0001"), now.plusSeconds(3600), now));
  }

  /** A hedge step's row as the projection writes it. */
  private void trade(String coin, String side, String status, String quantity) throws Exception {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO trades (id, cycle_id, trade_type, symbol, exchange, side, status, attempt, quantity, "
                + "created_at, updated_at) VALUES (?, ?, 'INITIAL', ?, 'BINANCE', ?, ?, 1, ?, ?, ?)")) {
      OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
      ps.setString(1, UUID.randomUUID().toString());
      ps.setObject(2, UUID.randomUUID());
      ps.setString(3, coin);
      ps.setString(4, side);
      ps.setString(5, status);
      ps.setBigDecimal(6, new BigDecimal(quantity));
      ps.setObject(7, now);
      ps.setObject(8, now);
      ps.executeUpdate();
    }
  }

  private void shortOnVenue(String coin, String quantity) throws Exception {
    venue.placeOrder(PerpOrderRequest.openShort("test-" + UUID.randomUUID().toString().substring(0, 8), coin,
        new BigDecimal(quantity))).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private ActorRef<HedgeWatch.Command> watch(boolean closeOrphans) {
    return kit.spawn(HedgeWatch.create(new HedgeWatch.Dependencies(venue, new HedgeQueries(db),
        Executors.newSingleThreadExecutor(), List.of("BTC", "XRP"), alerts, Clock.systemUTC(), Duration.ofMillis(200),
        closeOrphans)));
  }

  private HedgeWatch.Snapshot snapshot(ActorRef<HedgeWatch.Command> w) {
    TestProbe<HedgeWatch.Snapshot> probe = kit.createTestProbe();
    w.tell(new HedgeWatch.Get(probe.ref()));
    return probe.receiveMessage();
  }

  private List<Alert> mismatchAlerts() {
    return alerts.alerts().stream().filter(a -> a.kind() == AlertKind.HEDGE_POSITION_MISMATCH).toList();
  }

  @Test
  void shortsTheJournalsHoldOpenAndTheVenueHoldsAgree() throws Exception {
    trade("BTC", "HEDGE_OPEN", "FILLED", "0.5");
    trade("XRP", "HEDGE_OPEN", "FILLED", "100");
    trade("XRP", "HEDGE_CLOSE", "FILLED", "100");
    shortOnVenue("BTC", "0.5");
    ActorRef<HedgeWatch.Command> w = watch(true);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      HedgeWatch.Snapshot s = snapshot(w);
      assertThat(s.at()).isNotNull();
      assertThat(s.coins()).singleElement().satisfies(c -> {
        assertThat(c.coin()).isEqualTo("BTC");
        assertThat(c.expectedShort()).isEqualByComparingTo("0.5");
        assertThat(c.seenShort()).isEqualByComparingTo("0.5");
        assertThat(c.mismatch()).isFalse();
      });
    });
    assertThat(mismatchAlerts()).isEmpty();
  }

  @Test
  void anOrphanShortIsClosedReduceOnlyAfterTwoChecksAndAlerted() throws Exception {
    shortOnVenue("XRP", "100");
    ActorRef<HedgeWatch.Command> w = watch(true);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(mismatchAlerts()).hasSize(1);
      assertThat(venue.position("XRP").toCompletableFuture().get().isFlat()).isTrue();
    });
    Alert a = mismatchAlerts().get(0);
    assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL);
    assertThat(a.fields()).containsEntry("venue short", "100").containsEntry("expected short", "0");
    // once flat, the next checks agree and nothing more is sent or alerted
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(snapshot(w).coins().stream().noneMatch(HedgeWatch.CoinHedge::mismatch)).isTrue());
    assertThat(mismatchAlerts()).hasSize(1);
  }

  @Test
  void withCloseOrphansOffTheOrphanIsOnlyAlerted() throws Exception {
    shortOnVenue("XRP", "100");
    watch(false);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(mismatchAlerts()).hasSize(1));
    assertThat(venue.position("XRP").toCompletableFuture().get().quantity()).isEqualByComparingTo("-100");
    assertThat(mismatchAlerts().get(0).fields().get("action")).contains("close it by hand");
  }

  @Test
  void aShortTheVenueLostIsAlertedAndNothingIsTraded() throws Exception {
    trade("BTC", "HEDGE_OPEN", "FILLED", "0.5");
    ActorRef<HedgeWatch.Command> w = watch(true);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(mismatchAlerts()).hasSize(1));
    assertThat(mismatchAlerts().get(0).fields().get("action")).contains("0.5 BTC unhedged");
    assertThat(venue.position("BTC").toCompletableFuture().get().isFlat()).isTrue();
    HedgeWatch.CoinHedge btc = snapshot(w).coins().stream().filter(c -> c.coin().equals("BTC")).findFirst().orElseThrow();
    assertThat(btc.mismatch()).isTrue();
  }

  @Test
  void aHedgeOrderStillUnresolvedMakesADifferenceProveNothingYet() throws Exception {
    trade("BTC", "HEDGE_OPEN", "PENDING", "0.5");
    shortOnVenue("BTC", "0.5");
    ActorRef<HedgeWatch.Command> w = watch(true);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      HedgeWatch.Snapshot s = snapshot(w);
      assertThat(s.coins()).anySatisfy(c -> {
        assertThat(c.coin()).isEqualTo("BTC");
        assertThat(c.settling()).isTrue();
      });
    });
    // three more checks (each a new snapshot time): still settling, no alert, the short left alone
    java.time.Instant first = snapshot(w).at();
    java.util.Set<java.time.Instant> later = new java.util.HashSet<>();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      HedgeWatch.Snapshot s = snapshot(w);
      if (s.at().isAfter(first)) {
        later.add(s.at());
      }
      assertThat(later).hasSizeGreaterThanOrEqualTo(3);
    });
    assertThat(mismatchAlerts()).isEmpty();
    assertThat(venue.position("BTC").toCompletableFuture().get().quantity()).isEqualByComparingTo("-0.5");
  }
}
