package io.kimp.gateway.paper;

import static io.kimp.gateway.live.LiveVenues.await;
import static io.kimp.gateway.live.LiveVenues.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kimp.core.market.PerpQuote;
import io.kimp.core.market.PerpView;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.PerpetualGateway.MarginTransfer;
import io.kimp.core.venue.VenueException;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.time.ManualClock;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The paper perpetual venue on a real ledger database (H2 file, and PostgreSQL where one runs): the migrated schema. */
class PaperPerpVenueTest {
  private static final Map<Venue, Map<String, BigDecimal>> START =
      Map.of(Venue.BINANCE, Map.of("USDT", new BigDecimal("1000")), Venue.UPBIT, Map.of("KRW", new BigDecimal("1000000")));
  private static final BigDecimal FEE = new BigDecimal("0.0005");
  private static final BigDecimal MARGIN = new BigDecimal("500");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T01:00:00Z"));
  private final Map<String, PerpQuote> quotes = new ConcurrentHashMap<>();
  private final PerpView perps = coin -> Optional.ofNullable(quotes.get(coin));
  private String url;
  private HikariDataSource db;
  private PaperLedger ledger;

  @BeforeEach
  void open() {
    quote("BTC", "50000", "50010");
    url = TestDatabases.h2File(dir);
    db = LedgerDatabases.open(url, "");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private void quote(String coin, String bid, String ask) {
    BigDecimal b = new BigDecimal(bid);
    BigDecimal a = new BigDecimal(ask);
    quotes.put(coin, new PerpQuote(coin, b, BigDecimal.ONE, a, BigDecimal.ONE, b.add(a).divide(BigDecimal.valueOf(2)),
        b, new BigDecimal("0.0001"), clock.instant().plusSeconds(3600), clock.instant()));
  }

  private PaperPerpVenue venue(PaperFaults faults) {
    ledger = PaperLedger.open(db, START, clock, null);
    return new PaperPerpVenue(ledger, perps, FEE, Duration.ofSeconds(60), MARGIN, faults.dice(), clock);
  }

  private static String id(String n) {
    return "0ddba11e-0000-4000-8000-00000000" + n + "H1";
  }

  @Test
  void aShortOpensAtTheBidAndClosesReduceOnlyAtTheAsk() {
    PaperPerpVenue v = venue(PaperFaults.none());
    assertThat(await(v.contract("BTC")).orElseThrow().quantityStep()).isEqualByComparingTo("0.001");
    assertThat(await(v.contract("DOGE"))).as("no futures quote: not listed").isEmpty();

    OrderResult open = await(v.placeOrder(PerpOrderRequest.openShort(id("0001"), "BTC", new BigDecimal("0.0105"))));
    assertThat(open.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(open.filledQuantity()).isEqualByComparingTo("0.01");
    assertThat(open.averagePrice()).isEqualByComparingTo("50000");
    assertThat(open.fee()).isEqualByComparingTo("0.25");
    assertThat(open.feeAsset()).isEqualTo("USDT");
    PerpPosition pos = await(v.position("BTC"));
    assertThat(pos.quantity()).isEqualByComparingTo("-0.01");
    assertThat(pos.entryPrice()).isEqualByComparingTo("50000");
    assertThat(pos.leverage()).isEqualTo(PaperPerpVenue.DEFAULT_LEVERAGE);
    // 500 - 0.25 fee - 0.01 x 50000 / 20 margin
    assertThat(await(v.availableMargin())).isEqualByComparingTo("474.75");

    quote("BTC", "49000", "49010");
    OrderResult close = await(v.placeOrder(PerpOrderRequest.closeShort(id("0002"), "BTC", new BigDecimal("0.01"))));
    assertThat(close.averagePrice()).isEqualByComparingTo("49010");
    assertThat(await(v.position("BTC")).isFlat()).isTrue();
    // realised (50000 - 49010) x 0.01 = 9.9, fees 0.25 + 0.24505
    assertThat(ledger.futuresWallet()).isEqualByComparingTo("509.40495");
    assertThat(await(v.queryOrder("BTC", id("0002"))).orElseThrow().filledQuantity()).isEqualByComparingTo("0.01");
  }

  @Test
  void aClientIdIsTakenOnce() {
    PaperPerpVenue v = venue(PaperFaults.none());
    await(v.placeOrder(PerpOrderRequest.openShort(id("0003"), "BTC", new BigDecimal("0.002"))));
    VenueException again = failure(v.placeOrder(PerpOrderRequest.openShort(id("0003"), "BTC", new BigDecimal("0.002"))));
    assertThat(again.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(again.code()).isEqualTo("-4116");
    assertThat(await(v.position("BTC")).quantity()).isEqualByComparingTo("-0.002");
    assertThat(await(v.queryOrder("BTC", id("0003")))).isPresent();
    assertThat(await(v.queryOrder("BTC", id("0404")))).isEmpty();
  }

  @Test
  void reduceOnlyThatWouldExceedOrFlipThePositionIsRejected() {
    PaperPerpVenue v = venue(PaperFaults.none());
    VenueException none = failure(v.placeOrder(PerpOrderRequest.closeShort(id("0004"), "BTC", new BigDecimal("0.001"))));
    assertThat(none.code()).isEqualTo("-2022");
    assertThat(none.failureClass()).isEqualTo(FailureClass.PERMANENT);
    await(v.placeOrder(PerpOrderRequest.openShort(id("0005"), "BTC", new BigDecimal("0.003"))));
    VenueException exceeds =
        failure(v.placeOrder(PerpOrderRequest.closeShort(id("0006"), "BTC", new BigDecimal("0.004"))));
    assertThat(exceeds.code()).isEqualTo("-2022");
    VenueException sameWay = failure(v.placeOrder(
        new PerpOrderRequest(id("0007"), "BTC", io.kimp.core.venue.OrderSide.SELL, new BigDecimal("0.001"), true)));
    assertThat(sameWay.code()).isEqualTo("-2022");
    assertThat(await(v.position("BTC")).quantity()).as("nothing moved").isEqualByComparingTo("-0.003");
    assertThat(failure(v.placeOrder(PerpOrderRequest.closeShort(id("0006"), "BTC", new BigDecimal("0.003")))).code())
        .as("a refused order's id is burnt, as at Binance").isEqualTo("-4116");
  }

  @Test
  void marginNotionalAndQuotesAreChecked() {
    PaperPerpVenue v = venue(PaperFaults.none());
    VenueException margin = failure(v.placeOrder(PerpOrderRequest.openShort(id("0008"), "BTC", new BigDecimal("1"))));
    assertThat(margin.code()).isEqualTo("-2019");
    VenueException notional =
        failure(v.placeOrder(PerpOrderRequest.openShort(id("0009"), "BTC", new BigDecimal("0.0001"))));
    assertThat(notional.failureClass()).isEqualTo(FailureClass.PERMANENT);
    VenueException unquoted = failure(v.placeOrder(PerpOrderRequest.openShort(id("0010"), "ETH", BigDecimal.ONE)));
    assertThat(unquoted.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    clock.advance(Duration.ofMinutes(2));
    VenueException stale = failure(v.placeOrder(PerpOrderRequest.openShort(id("0011"), "BTC", new BigDecimal("0.001"))));
    assertThat(stale.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(stale.code()).isEqualTo("stale-quote");
  }

  @Test
  void aRestartKeepsThePositionTheOrdersAndTheWallet() {
    PaperPerpVenue v = venue(PaperFaults.none());
    await(v.ensureLeverage("BTC", 2));
    await(v.placeOrder(PerpOrderRequest.openShort(id("0012"), "BTC", new BigDecimal("0.004"))));
    BigDecimal wallet = ledger.futuresWallet();
    db.close();

    db = LedgerDatabases.open(url, "");
    PaperPerpVenue again = venue(PaperFaults.none());
    PerpPosition pos = await(again.position("BTC"));
    assertThat(pos.quantity()).isEqualByComparingTo("-0.004");
    assertThat(pos.leverage()).isEqualTo(2);
    assertThat(ledger.futuresWallet()).as("not started again").isEqualByComparingTo(wallet);
    assertThat(await(again.queryOrder("BTC", id("0012")))).isPresent();
    assertThat(failure(again.placeOrder(PerpOrderRequest.openShort(id("0012"), "BTC", new BigDecimal("0.004")))).code())
        .isEqualTo("-4116");
    await(again.placeOrder(PerpOrderRequest.closeShort(id("0013"), "BTC", new BigDecimal("0.004"))));
    assertThat(await(again.position("BTC")).isFlat()).isTrue();
  }

  @Test
  void injectedFaultsFailBeforeOrLoseTheReplyAfterActing() {
    PaperPerpVenue refusing = venue(new PaperFaults(7, 1, 0, 0));
    VenueException before =
        failure(refusing.placeOrder(PerpOrderRequest.openShort(id("0014"), "BTC", new BigDecimal("0.002"))));
    assertThat(before.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(await(refusing.queryOrder("BTC", id("0014")))).isEmpty();

    PaperPerpVenue losing = venue(new PaperFaults(7, 0, 1, 0));
    VenueException lost =
        failure(losing.placeOrder(PerpOrderRequest.openShort(id("0015"), "BTC", new BigDecimal("0.002"))));
    assertThat(lost.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(losing.queryOrder("BTC", id("0015"))).orElseThrow().filledQuantity()).isEqualByComparingTo("0.002");
    assertThat(await(losing.position("BTC")).quantity()).isEqualByComparingTo("-0.002");
  }

  @Test
  void marginMovesBetweenTheSpotBalanceAndTheFuturesWalletOncePerClientId() {
    PaperPerpVenue v = venue(PaperFaults.none());
    await(v.transferMargin(MarginTransfer.SPOT_TO_FUTURES, new BigDecimal("200"), "transfer-1"));
    await(v.transferMargin(MarginTransfer.SPOT_TO_FUTURES, new BigDecimal("200"), "transfer-1"));
    assertThat(ledger.free(Venue.BINANCE, "USDT")).isEqualByComparingTo("800");
    assertThat(await(v.availableMargin())).isEqualByComparingTo("700");
    await(v.transferMargin(MarginTransfer.FUTURES_TO_SPOT, new BigDecimal("100"), "transfer-2"));
    assertThat(ledger.free(Venue.BINANCE, "USDT")).isEqualByComparingTo("900");
    VenueException tooMuch = failure(v.transferMargin(MarginTransfer.SPOT_TO_FUTURES, new BigDecimal("901"), "t-3"));
    assertThat(tooMuch.failureClass()).isEqualTo(FailureClass.PERMANENT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void twoNodesOnOneDatabaseNeverCloseOneShortTwice(String kind) {
    String u = url;
    String user = "";
    if (kind.equals("postgresql")) {
      TestDatabases.assumePostgres();
      u = TestDatabases.freshPostgresSchema();
      user = TestDatabases.PG_USER;
    }
    try (HikariDataSource a = LedgerDatabases.open(u, user); HikariDataSource b = LedgerDatabases.open(u, user)) {
      PaperPerpVenue nodeA = new PaperPerpVenue(PaperLedger.open(a, START, clock, null), perps, FEE, Duration.ZERO,
          MARGIN, PaperFaults.none().dice(), clock);
      PaperPerpVenue nodeB = new PaperPerpVenue(PaperLedger.open(b, START, clock, null), perps, FEE, Duration.ZERO,
          MARGIN, PaperFaults.none().dice(), clock);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 10; round++) {
          await(nodeA.placeOrder(PerpOrderRequest.openShort(id("1" + round + "00"), "BTC", new BigDecimal("0.005"))));
          java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
          java.util.List<java.util.concurrent.Future<Boolean>> closes = new java.util.ArrayList<>();
          for (PaperPerpVenue node : java.util.List.of(nodeA, nodeB)) {
            String cid = id("1" + round + (node == nodeA ? "0A" : "0B")).replace("A", "1").replace("B", "2");
            closes.add(pool.submit(() -> {
              go.await();
              return node.placeOrder(PerpOrderRequest.closeShort(cid, "BTC", new BigDecimal("0.005")))
                  .toCompletableFuture().handle((ok, t) -> ok != null).join();
            }));
          }
          go.countDown();
          int done = 0;
          for (var f : closes) {
            done += f.get() ? 1 : 0;
          }
          assertThat(done).as("round " + round + ": one close; the other is -2022").isEqualTo(1);
          assertThat(await(nodeB.position("BTC")).isFlat()).isTrue();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      } finally {
        pool.shutdownNow();
      }
    } finally {
      if (kind.equals("postgresql")) {
        TestDatabases.dropPostgresSchema(u);
      }
    }
  }
}
