package io.kimp.gateway.paper;

import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.BookWalk;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRules;
import io.kimp.core.venue.Balance;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.OrderType;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One paper venue. Market orders fill against the live book ({@link BookView}) level by level, with the venue's own fee
 * convention: Binance charges a buy's taker fee in the coin received and a sell's in USDT; Upbit charges KRW on top of a
 * buy (the KRW spent plus the fee never exceeds the request's amount) and out of a sell's proceeds. An order the visible
 * levels cannot fully fill is filled as far as they go and ends EXPIRED (Binance) or CANCELED (Upbit). LIMIT orders are
 * immediate-or-cancel against the visible levels; nothing rests on a paper book.
 *
 * <p>Withdrawals go to the other paper venue's address ({@code paper:<VENUE>:<COIN>}), cost the configured per-coin
 * withdrawal fee and arrive as a deposit after the coin's transfer time. Refusals mirror the venues: insufficient balance
 * is permanent (Binance {@code -2010}, Upbit {@code insufficient_funds_*}); a client id sent before is refused as an
 * unknown outcome, so the caller looks the earlier action up instead of acting twice.
 */
public final class PaperVenue implements ExchangeGateway {
  private static final Logger log = LoggerFactory.getLogger(PaperVenue.class);
  private static final int SCALE = 8;

  private final Venue venue;
  private final PaperLedger ledger;
  private final BookView books;
  private final TradingCosts costs;
  private final TransferRules transfers;
  private final PaperSettings settings;
  private final PaperFaults.Dice dice;
  private final Clock clock;

  public PaperVenue(
      Venue venue,
      PaperLedger ledger,
      BookView books,
      TradingCosts costs,
      TransferRules transfers,
      PaperSettings settings,
      PaperFaults.Dice dice,
      Clock clock) {
    this.venue = venue;
    this.ledger = ledger;
    this.books = books;
    this.costs = costs;
    this.transfers = transfers;
    this.settings = settings;
    this.dice = dice;
    this.clock = clock;
  }

  @Override
  public Venue venue() {
    return venue;
  }

  /** The deposit address of {@code coin} at a paper venue. */
  public static String address(Venue venue, String coin) {
    return "paper:" + venue.name() + ":" + coin;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // orders

  @Override
  public CompletionStage<OrderResult> placeOrder(OrderRequest request) {
    return attempt(() -> execute(request));
  }

  private OrderResult execute(OrderRequest r) {
    String what = "paper " + venue + " " + r.side() + " " + r.coin() + " " + r.clientId();
    dice.beforeAction(venue, what);
    if (ledger.clientIdUsed(venue, r.clientId())) {
      throw new VenueException(venue, FailureClass.UNKNOWN_OUTCOME, duplicateCode(),
          what + ": client id already used at " + venue);
    }
    if (venue == Venue.UPBIT && r.type() == OrderType.MARKET && r.side() == OrderSide.BUY && r.quoteAmount() == null) {
      ledger.burnClientId(venue, r.clientId());
      throw new VenueException(venue, FailureClass.PERMANENT, "create_bid_error",
          what + ": Upbit market buys spend a KRW amount, not a quantity");
    }
    Book book = freshBook(r.coin(), what);
    String quote = venue.quoteCurrency();
    BigDecimal taker = costs.takerFee(venue);
    // what the venue reserves before matching: refuse if the balance does not cover it
    String reserveAsset = r.side() == OrderSide.BUY ? quote : r.coin();
    BigDecimal reserve =
        r.side() == OrderSide.SELL
            ? r.quantity()
            : r.quoteAmount() != null
                ? r.quoteAmount()
                : r.quantity().multiply(limitOrWorst(r, book), MathContext.DECIMAL64);
    if (ledger.free(venue, reserveAsset).compareTo(reserve) < 0) {
      ledger.burnClientId(venue, r.clientId());
      throw insufficient(what, reserveAsset, reserve);
    }

    BookWalk.Fill fill = walk(r, book, taker);
    if (fill.base() <= 0) {
      if (r.type() == OrderType.MARKET) {
        throw new VenueException(venue, FailureClass.TRANSIENT, "no-liquidity",
            what + ": the " + venue + " book has no " + (r.side() == OrderSide.BUY ? "asks" : "bids"));
      }
    }
    BigDecimal base = BigDecimal.valueOf(fill.base()).setScale(SCALE, RoundingMode.DOWN);
    BigDecimal spent = BigDecimal.valueOf(fill.quote()).setScale(SCALE, RoundingMode.HALF_UP);
    Map<String, BigDecimal> deltas = new HashMap<>();
    BigDecimal fee;
    String feeAsset;
    if (r.side() == OrderSide.BUY) {
      if (venue == Venue.UPBIT) {
        fee = spent.multiply(taker).setScale(SCALE, RoundingMode.HALF_UP);
        feeAsset = quote;
        deltas.put(quote, spent.add(fee).negate());
        deltas.put(r.coin(), base);
      } else {
        fee = base.multiply(taker).setScale(SCALE, RoundingMode.HALF_UP);
        feeAsset = r.coin();
        deltas.put(quote, spent.negate());
        deltas.put(r.coin(), base.subtract(fee));
      }
    } else {
      fee = spent.multiply(taker).setScale(SCALE, RoundingMode.HALF_UP);
      feeAsset = quote;
      deltas.put(r.coin(), base.negate());
      deltas.put(quote, spent.subtract(fee));
    }
    OrderStatus status = fill.complete() ? OrderStatus.FILLED : venue == Venue.UPBIT ? OrderStatus.CANCELED : OrderStatus.EXPIRED;
    PaperLedger.Order order =
        new PaperLedger.Order(
            r.clientId(), ledger.nextId("paper-" + venue.name().toLowerCase() + "-order"), r.coin(), r.side(), status,
            base, spent, fee, feeAsset, clock.millis());
    try {
      ledger.recordOrder(venue, order, deltas);
    } catch (PaperLedger.InsufficientBalance e) {
      ledger.burnClientId(venue, r.clientId());
      throw insufficient(what, reserveAsset, reserve);
    }
    log.info("{}: {} {} at avg {} {} (fee {} {}), {}", what, base.toPlainString(), r.coin(),
        base.signum() > 0 ? spent.divide(base, MathContext.DECIMAL64).toPlainString() : "-", quote,
        fee.toPlainString(), feeAsset, status);
    dice.afterAction(venue, what);
    return toResult(order);
  }

  private BookWalk.Fill walk(OrderRequest r, Book book, BigDecimal taker) {
    double[] prices = r.side() == OrderSide.BUY ? book.askPrices() : book.bidPrices();
    double[] sizes = r.side() == OrderSide.BUY ? book.askSizes() : book.bidSizes();
    if (r.type() == OrderType.LIMIT) {
      int usable = 0;
      double limit = r.limitPrice().doubleValue();
      while (usable < prices.length
          && (r.side() == OrderSide.BUY ? prices[usable] <= limit : prices[usable] >= limit)) {
        usable++;
      }
      prices = java.util.Arrays.copyOf(prices, usable);
      sizes = java.util.Arrays.copyOf(sizes, usable);
    }
    if (r.side() == OrderSide.SELL) {
      return BookWalk.sellQuantity(prices, sizes, r.quantity().doubleValue());
    }
    if (r.type() == OrderType.MARKET && r.quoteAmount() != null) {
      double budget = r.quoteAmount().doubleValue();
      if (venue == Venue.UPBIT) {
        // the fee comes on top of what is spent on the coin
        budget = budget / (1 + taker.doubleValue());
      }
      return BookWalk.buyWithQuote(prices, sizes, budget);
    }
    return BookWalk.buyQuantity(prices, sizes, r.quantity().doubleValue());
  }

  private static BigDecimal limitOrWorst(OrderRequest r, Book book) {
    if (r.limitPrice() != null) {
      return r.limitPrice();
    }
    double[] asks = book.askPrices();
    return BigDecimal.valueOf(asks.length == 0 ? 0 : asks[asks.length - 1]);
  }

  private Book freshBook(String coin, String what) {
    Optional<Book> b = books.book(venue, coin);
    if (b.isEmpty() || !b.get().hasBothSides() || b.get().crossed()) {
      throw new VenueException(venue, FailureClass.TRANSIENT, "no-book",
          what + ": no usable " + venue + " " + coin + " book to fill against");
    }
    if (!settings.maxBookAge().isZero()) {
      long age = clock.millis() - b.get().exchangeTs();
      if (age > settings.maxBookAge().toMillis()) {
        throw new VenueException(venue, FailureClass.TRANSIENT, "stale-book",
            what + ": the " + venue + " " + coin + " book is " + age + " ms old");
      }
    }
    return b.get();
  }

  private VenueException insufficient(String what, String asset, BigDecimal needed) {
    String code =
        venue == Venue.BINANCE ? "-2010" : asset.equals(venue.quoteCurrency()) ? "insufficient_funds_bid" : "insufficient_funds_ask";
    return new VenueException(venue, FailureClass.PERMANENT, code,
        what + ": account has insufficient balance for requested action (needs " + needed.toPlainString() + " " + asset
            + ", has " + ledger.free(venue, asset).toPlainString() + ")");
  }

  private String duplicateCode() {
    return venue == Venue.BINANCE ? "-2010" : "duplicate_identifier";
  }

  private OrderResult toResult(PaperLedger.Order o) {
    BigDecimal avg =
        o.filledQuantity().signum() > 0 ? o.quoteAmount().divide(o.filledQuantity(), MathContext.DECIMAL64) : null;
    return new OrderResult(
        o.clientId(), o.orderId(), o.status(), o.filledQuantity(), avg, o.quoteAmount(), o.fee(), o.feeAsset(),
        Instant.ofEpochMilli(o.updatedAtMs()));
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    return attempt(() -> ledger.order(venue, clientId).map(this::toResult));
  }

  /** Paper orders are final as soon as they are placed: canceling one returns it as it is. */
  @Override
  public CompletionStage<OrderResult> cancelOrder(String coin, String clientId) {
    return attempt(
        () ->
            ledger
                .order(venue, clientId)
                .map(this::toResult)
                .orElseThrow(
                    () ->
                        new VenueException(venue, FailureClass.PERMANENT,
                            venue == Venue.BINANCE ? "-2011" : "order_not_found", "no paper order " + clientId)));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // balances and transfers

  @Override
  public CompletionStage<Map<String, Balance>> balances() {
    return attempt(() -> ledger.balances(venue));
  }

  @Override
  public CompletionStage<DepositAddress> depositAddress(String coin, String network) {
    String tag = transfers.of(coin).tagRequired() ? tagOf(venue) : null;
    return CompletableFuture.completedFuture(new DepositAddress(coin, network, address(venue, coin), tag));
  }

  private static String tagOf(Venue v) {
    return v == Venue.UPBIT ? "1001" : "2002";
  }

  @Override
  public CompletionStage<WithdrawalResult> withdraw(WithdrawalRequest request) {
    return attempt(() -> send(request));
  }

  private WithdrawalResult send(WithdrawalRequest r) {
    String what = "paper " + venue + " withdraw " + r.amount().toPlainString() + " " + r.coin() + " " + r.clientId();
    dice.beforeAction(venue, what);
    if (ledger.clientIdUsed(venue, r.clientId())) {
      throw new VenueException(venue, FailureClass.UNKNOWN_OUTCOME, "duplicate",
          what + ": a withdrawal with this client id was already requested");
    }
    Venue to = venue.other();
    if (!address(to, r.coin()).equals(r.address())) {
      throw new VenueException(venue, FailureClass.PERMANENT, "invalid_address",
          what + ": " + r.address() + " is not the paper " + to + " " + r.coin() + " address");
    }
    if (transfers.of(r.coin()).tagRequired() && !tagOf(to).equals(r.tag())) {
      throw new VenueException(venue, FailureClass.PERMANENT, "invalid_tag",
          what + ": " + r.coin() + " needs the destination tag of the paper " + to + " account");
    }
    BigDecimal fee = costs.withdrawalFee(venue, r.coin());
    BigDecimal received = r.amount().subtract(fee);
    if (received.signum() <= 0) {
      throw new VenueException(venue, FailureClass.PERMANENT, "under_min_withdraw",
          what + ": amount does not cover the " + fee.toPlainString() + " " + r.coin() + " fee");
    }
    long now = clock.millis();
    boolean stuck = dice.stuckTransfer();
    Long arrives = stuck ? null : now + settings.transferTime(r.coin()).toMillis();
    PaperLedger.Withdrawal w =
        new PaperLedger.Withdrawal(
            r.clientId(), ledger.nextId("paper-" + venue.name().toLowerCase() + "-withdrawal"), venue, to, r.coin(),
            r.amount(), fee, received, r.address(), r.tag(), ledger.nextId("paper-tx"), now, arrives);
    try {
      ledger.recordWithdrawal(w);
    } catch (PaperLedger.InsufficientBalance e) {
      throw new VenueException(venue, FailureClass.PERMANENT, venue == Venue.BINANCE ? "-4026" : "insufficient_funds",
          what + ": " + e.getMessage());
    }
    log.info("{}: {} {} on its way to {}{}", what, received.toPlainString(), r.coin(), to,
        stuck ? " (injected fault: it will never arrive)" : " (arrives in " + settings.transferTime(r.coin()) + ")");
    dice.afterAction(venue, what);
    return toResult(w);
  }

  private WithdrawalResult toResult(PaperLedger.Withdrawal w) {
    boolean arrived = ledger.arrived(w);
    return new WithdrawalResult(
        w.clientId(), w.withdrawalId(), arrived ? WithdrawalStatus.COMPLETED : WithdrawalStatus.PROCESSING, w.coin(),
        w.received(), w.fee(), w.txId(), Instant.ofEpochMilli(w.createdAtMs()));
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest request) {
    return attempt(() -> ledger.withdrawal(venue, request.clientId()).map(this::toResult));
  }

  @Override
  public CompletionStage<List<Deposit>> deposits(String coin, Instant since) {
    return attempt(
        () -> {
          List<Deposit> out = new ArrayList<>();
          for (PaperLedger.PaperDeposit d : ledger.deposits(venue, coin, since)) {
            out.add(
                new Deposit(d.depositId(), d.coin(), d.amount(), d.txId(),
                    d.credited() ? DepositStatus.CREDITED : DepositStatus.PENDING,
                    Instant.ofEpochMilli(d.createdAtMs())));
          }
          return out;
        });
  }

  /** Runs a ledger action; a ledger that cannot be written is an unknown outcome (memory changed, disk maybe not). */
  private <T> CompletionStage<T> attempt(Supplier<T> action) {
    try {
      return CompletableFuture.completedFuture(action.get());
    } catch (VenueException e) {
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new VenueException(venue, FailureClass.UNKNOWN_OUTCOME, "paper-ledger", String.valueOf(e.getMessage()), null, e));
    }
  }

  @Override
  public String toString() {
    return "PaperVenue[" + venue + ", " + ledger + "]";
  }
}
