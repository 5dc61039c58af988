package io.kimp.gateway.paper;

import io.kimp.fixtures.time.ManualClock;
import static io.kimp.gateway.live.LiveVenues.await;
import static io.kimp.gateway.live.LiveVenues.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRule;
import io.kimp.core.strategy.TransferRules;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaperVenueTest {
  private static final TradingCosts COSTS =
      new TradingCosts(
          Map.of(Venue.UPBIT, new BigDecimal("0.0005"), Venue.BINANCE, new BigDecimal("0.001")),
          Map.of(Venue.UPBIT, Map.of("XRP", BigDecimal.ONE), Venue.BINANCE, Map.of("XRP", new BigDecimal("0.2"))));
  private static final TransferRules RULES =
      new TransferRules(Map.of("XRP", new TransferRule("XRP", "XRP", 6, new BigDecimal("2"), false, true)));
  private static final Map<Venue, Map<String, BigDecimal>> START =
      Map.of(Venue.BINANCE, Map.of("USDT", new BigDecimal("1000")), Venue.UPBIT, Map.of("KRW", new BigDecimal("1000000")));

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-02T01:00:00Z"));
  private final Books books = new Books();
  private Path file;
  private HikariDataSource db;

  @AfterEach
  void closeDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void books() {
    file = dir.resolve("paper-ledger.json");
    db = LedgerDatabases.h2(dir);
    long ts = clock.millis();
    books.put(new Book(Venue.BINANCE, "XRP", new double[] {0.499, 0.498}, new double[] {1000, 1000},
        new double[] {0.5, 0.51}, new double[] {100, 1000}, ts));
    books.put(new Book(Venue.UPBIT, "XRP", new double[] {720, 719}, new double[] {500, 500},
        new double[] {721, 722}, new double[] {500, 500}, ts));
  }

  private PaperSettings settings(PaperFaults faults) {
    return new PaperSettings(file, START, Duration.ofMinutes(2), Map.of("XRP", Duration.ofSeconds(30)),
        Duration.ofSeconds(60), faults);
  }

  /** Both paper venues on the database's ledger (a restart opens it again). */
  private Map<Venue, PaperVenue> open(PaperFaults faults) {
    PaperSettings s = settings(faults);
    PaperLedger ledger = PaperLedger.open(db, START, clock, file);
    PaperFaults.Dice dice = faults.dice();
    return Map.of(
        Venue.BINANCE, new PaperVenue(Venue.BINANCE, ledger, books, COSTS, RULES, s, dice, clock),
        Venue.UPBIT, new PaperVenue(Venue.UPBIT, ledger, books, COSTS, RULES, s, dice, clock));
  }

  @Test
  void binanceMarketBuyWalksTheAsksAndChargesTheFeeInTheCoin() {
    PaperVenue binance = open(PaperFaults.none()).get(Venue.BINANCE);
    // 100 XRP at 0.5 = 50 USDT, the other 50 USDT at 0.51 = 98.0392… XRP
    OrderResult r = await(binance.placeOrder(OrderRequest.marketBuy("p-b-1", "XRP", new BigDecimal("100"))));
    assertThat(r.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(r.filledQuantity()).isEqualByComparingTo("198.03921568");
    assertThat(r.quoteAmount()).isEqualByComparingTo("100");
    assertThat(r.feeAsset()).isEqualTo("XRP");
    assertThat(r.fee()).isEqualByComparingTo("0.19803922");
    Map<String, io.kimp.core.venue.Balance> b = await(binance.balances());
    assertThat(b.get("USDT").free()).isEqualByComparingTo("900");
    assertThat(b.get("XRP").free()).isEqualByComparingTo("197.84117646");
  }

  @Test
  void upbitMarketBuyNeverSpendsMoreThanTheAmountFeeIncluded() {
    PaperVenue upbit = open(PaperFaults.none()).get(Venue.UPBIT);
    OrderResult r = await(upbit.placeOrder(OrderRequest.marketBuy("p-u-1", "XRP", new BigDecimal("100000"))));
    assertThat(r.feeAsset()).isEqualTo("KRW");
    BigDecimal spent = new BigDecimal("1000000").subtract(await(upbit.balances()).get("KRW").free());
    assertThat(spent).isEqualByComparingTo(r.quoteAmount().add(r.fee()));
    assertThat(spent).isLessThanOrEqualTo(new BigDecimal("100000"));
    assertThat(spent).isGreaterThan(new BigDecimal("99999.99"));
    assertThat(r.fee()).isEqualByComparingTo(r.quoteAmount().multiply(new BigDecimal("0.0005")).setScale(8,
        java.math.RoundingMode.HALF_UP));
  }

  @Test
  void sellChargesTheFeeInTheQuoteAndAThinBookFillsPartially() {
    Map<Venue, PaperVenue> v = open(PaperFaults.none());
    await(v.get(Venue.BINANCE).placeOrder(OrderRequest.marketBuy("p-b-2", "XRP", new BigDecimal("500"))));
    BigDecimal xrp = await(v.get(Venue.BINANCE).balances()).get("XRP").free();
    // the visible bids hold 2000 XRP: selling all that was bought fills completely
    OrderResult sell = await(v.get(Venue.BINANCE).placeOrder(OrderRequest.marketSell("p-b-3", "XRP", xrp)));
    assertThat(sell.status()).isEqualTo(OrderStatus.FILLED);
    assertThat(sell.feeAsset()).isEqualTo("USDT");
    assertThat(sell.fee()).isEqualByComparingTo(sell.quoteAmount().multiply(new BigDecimal("0.001"))
        .setScale(8, java.math.RoundingMode.HALF_UP));

    // buy ~997 XRP for 720 000 KRW (fee on top), then sell it into a book showing only 400 bid: 400 fill and the
    // order ends CANCELED (Upbit's word for it)
    await(v.get(Venue.UPBIT).placeOrder(OrderRequest.marketBuy("p-u-2", "XRP", new BigDecimal("720000"))));
    BigDecimal held = await(v.get(Venue.UPBIT).balances()).get("XRP").free();
    assertThat(held).isEqualByComparingTo("997.42407189"); // 500 at 721, 359 140.18 KRW at 722
    books.put(new Book(Venue.UPBIT, "XRP", new double[] {720}, new double[] {400}, new double[] {721},
        new double[] {500}, clock.millis()));
    OrderResult partial = await(v.get(Venue.UPBIT).placeOrder(OrderRequest.marketSell("p-u-3", "XRP", held)));
    assertThat(partial.status()).isEqualTo(OrderStatus.CANCELED);
    assertThat(partial.filledQuantity()).isEqualByComparingTo("400");
    assertThat(await(v.get(Venue.UPBIT).balances()).get("XRP").free()).isEqualByComparingTo("597.42407189");
  }

  @Test
  void insufficientBalanceIsPermanentAndChangesNothing() {
    Map<Venue, PaperVenue> v = open(PaperFaults.none());
    VenueException e = failure(v.get(Venue.BINANCE).placeOrder(OrderRequest.marketBuy("p-b-4", "XRP", new BigDecimal("1000.01"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(e.code()).isEqualTo("-2010");
    VenueException u = failure(v.get(Venue.UPBIT).placeOrder(OrderRequest.marketSell("p-u-4", "XRP", BigDecimal.ONE)));
    assertThat(u.code()).isEqualTo("insufficient_funds_ask");
    assertThat(await(v.get(Venue.BINANCE).balances()).get("USDT").free()).isEqualByComparingTo("1000");
    assertThat(await(v.get(Venue.BINANCE).queryOrder("XRP", "p-b-4"))).isEmpty();
  }

  @Test
  void noBookOrAStaleBookIsTransient() {
    PaperVenue binance = open(PaperFaults.none()).get(Venue.BINANCE);
    assertThat(failure(binance.placeOrder(OrderRequest.marketBuy("p-b-5", "SOL", BigDecimal.TEN))).failureClass())
        .isEqualTo(FailureClass.TRANSIENT);
    clock.advance(Duration.ofSeconds(61));
    VenueException stale = failure(binance.placeOrder(OrderRequest.marketBuy("p-b-6", "XRP", BigDecimal.TEN)));
    assertThat(stale.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(stale.code()).isEqualTo("stale-book");
  }

  @Test
  void aClientIdIsUsedOnceAndFoundAgain() {
    PaperVenue binance = open(PaperFaults.none()).get(Venue.BINANCE);
    OrderResult first = await(binance.placeOrder(OrderRequest.marketBuy("p-b-7", "XRP", BigDecimal.TEN)));
    VenueException dup = failure(binance.placeOrder(OrderRequest.marketBuy("p-b-7", "XRP", BigDecimal.TEN)));
    assertThat(dup.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(binance.queryOrder("XRP", "p-b-7"))).contains(first);
    assertThat(await(binance.balances()).get("USDT").free()).isEqualByComparingTo("990");
  }

  @Test
  void aWithdrawalArrivesAfterTheTransferTimeNetOfTheFee() {
    Map<Venue, PaperVenue> v = open(PaperFaults.none());
    await(v.get(Venue.BINANCE).placeOrder(OrderRequest.marketBuy("p-b-8", "XRP", new BigDecimal("50"))));
    DepositAddress to = await(v.get(Venue.UPBIT).depositAddress("XRP", "XRP"));
    assertThat(to.tag()).isNotNull();
    Instant since = clock.instant();
    WithdrawalRequest w = new WithdrawalRequest("p-b-w1", "XRP", "XRP", new BigDecimal("99.8"), to.address(), to.tag());
    WithdrawalResult sent = await(v.get(Venue.BINANCE).withdraw(w));
    assertThat(sent.amount()).isEqualByComparingTo("99.6");
    assertThat(sent.fee()).isEqualByComparingTo("0.2");
    assertThat(await(v.get(Venue.BINANCE).balances()).get("XRP").free()).isEqualByComparingTo("0.1");

    clock.advance(Duration.ofSeconds(29));
    Deposit pending = await(v.get(Venue.UPBIT).deposits("XRP", since)).get(0);
    assertThat(pending.status()).isEqualTo(DepositStatus.PENDING);
    assertThat(pending.txId()).isEqualTo(sent.txId());
    assertThat(await(v.get(Venue.UPBIT).balances())).doesNotContainKey("XRP");

    clock.advance(Duration.ofSeconds(1));
    assertThat(await(v.get(Venue.UPBIT).deposits("XRP", since)).get(0).status()).isEqualTo(DepositStatus.CREDITED);
    assertThat(await(v.get(Venue.UPBIT).balances()).get("XRP").free()).isEqualByComparingTo("99.6");
    assertThat(await(v.get(Venue.BINANCE).queryWithdrawal(w)).orElseThrow().status())
        .isEqualTo(WithdrawalStatus.COMPLETED);
  }

  @Test
  void aWithdrawalToAnUnknownAddressOrWithoutTheTagIsRefused() {
    PaperVenue binance = open(PaperFaults.none()).get(Venue.BINANCE);
    await(binance.placeOrder(OrderRequest.marketBuy("p-b-9", "XRP", new BigDecimal("50"))));
    String address = PaperVenue.address(Venue.UPBIT, "XRP");
    assertThat(failure(binance.withdraw(new WithdrawalRequest("p-w-2", "XRP", "XRP", BigDecimal.TEN, "elsewhere", "1001")))
        .failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(failure(binance.withdraw(new WithdrawalRequest("p-w-3", "XRP", "XRP", BigDecimal.TEN, address, null)))
        .code()).isEqualTo("invalid_tag");
    assertThat(failure(binance.withdraw(new WithdrawalRequest("p-w-4", "XRP", "XRP", new BigDecimal("5000"), address,
        "1001"))).failureClass()).isEqualTo(FailureClass.PERMANENT);
  }

  /** A node that dies mid-cycle reopens the ledger and finds every order, withdrawal and transfer in flight. */
  @Test
  void theLedgerSurvivesARestart() {
    Map<Venue, PaperVenue> before = open(PaperFaults.none());
    OrderResult buy = await(before.get(Venue.BINANCE).placeOrder(OrderRequest.marketBuy("p-r-1", "XRP", new BigDecimal("50"))));
    WithdrawalRequest w =
        new WithdrawalRequest("p-r-w", "XRP", "XRP", new BigDecimal("99"), PaperVenue.address(Venue.UPBIT, "XRP"), "1001");
    WithdrawalResult sent = await(before.get(Venue.BINANCE).withdraw(w));
    assertThat(file).doesNotExist();

    Map<Venue, PaperVenue> after = open(PaperFaults.none());
    assertThat(await(after.get(Venue.BINANCE).queryOrder("XRP", "p-r-1"))).contains(buy);
    assertThat(await(after.get(Venue.BINANCE).queryWithdrawal(w)).orElseThrow().withdrawalId())
        .isEqualTo(sent.withdrawalId());
    assertThat(failure(after.get(Venue.BINANCE).placeOrder(OrderRequest.marketBuy("p-r-1", "XRP", BigDecimal.TEN)))
        .failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(after.get(Venue.BINANCE).balances()).get("USDT").free()).isEqualByComparingTo("950");
    clock.advance(Duration.ofSeconds(30));
    assertThat(await(after.get(Venue.UPBIT).balances()).get("XRP").free()).isEqualByComparingTo("98.8");
  }

  @Test
  void injectedFaultsRefuseLoseRepliesAndStrandTransfers() {
    Map<Venue, PaperVenue> refusing = open(new PaperFaults(3, 1.0, 0, 0));
    VenueException refused = failure(refusing.get(Venue.BINANCE).placeOrder(OrderRequest.marketBuy("p-f-1", "XRP", BigDecimal.TEN)));
    assertThat(refused.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(await(refusing.get(Venue.BINANCE).queryOrder("XRP", "p-f-1"))).isEmpty();

    Map<Venue, PaperVenue> losing = open(new PaperFaults(3, 0, 1.0, 0));
    VenueException lost = failure(losing.get(Venue.BINANCE).placeOrder(OrderRequest.marketBuy("p-f-2", "XRP", BigDecimal.TEN)));
    assertThat(lost.failureClass()).isEqualTo(FailureClass.UNKNOWN_OUTCOME);
    assertThat(await(losing.get(Venue.BINANCE).queryOrder("XRP", "p-f-2"))).isPresent();

    Map<Venue, PaperVenue> stuck = open(new PaperFaults(3, 0, 0, 1.0));
    Instant since = clock.instant();
    await(stuck.get(Venue.BINANCE).withdraw(
        new WithdrawalRequest("p-f-w", "XRP", "XRP", new BigDecimal("15"), PaperVenue.address(Venue.UPBIT, "XRP"), "1001")));
    clock.advance(Duration.ofDays(1));
    assertThat(await(stuck.get(Venue.UPBIT).deposits("XRP", since)))
        .singleElement().satisfies(d -> assertThat(d.status()).isEqualTo(DepositStatus.PENDING));
  }

  @Test
  void theSameSeedGivesTheSameFaults() {
    PaperFaults half = new PaperFaults(11, 0.5, 0, 0);
    PaperFaults.Dice a = half.dice();
    PaperFaults.Dice b = half.dice();
    StringBuilder sa = new StringBuilder();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sa.append(refuses(a) ? 'x' : '.');
      sb.append(refuses(b) ? 'x' : '.');
    }
    assertThat(sa.toString()).isEqualTo(sb.toString()).contains("x").contains(".");
  }

  private static boolean refuses(PaperFaults.Dice dice) {
    try {
      dice.beforeAction(Venue.BINANCE, "t");
      return false;
    } catch (VenueException e) {
      return true;
    }
  }


  /** A {@link BookView} over books the test sets. */
  static final class Books implements BookView {
    private final Map<String, Book> books = new ConcurrentHashMap<>();

    void put(Book b) {
      books.put(b.venue() + ":" + b.coin(), b);
    }

    @Override
    public Optional<Book> book(Venue venue, String coin) {
      return Optional.ofNullable(books.get(venue + ":" + coin));
    }

    @Override
    public OptionalDouble usdtKrw() {
      return OptionalDouble.of(1440);
    }
  }
}
