package io.kimp.backtest.sim;

import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.BookWalk;
import io.kimp.core.strategy.TradingCosts;
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
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One venue of the replay, behind the live {@link ExchangeGateway} port: market orders fill against the replay's
 * current book ({@link BookWalk}, the taker fee charged in the bought asset, as {@code EdgeCalculator} assumes), with
 * real balances; withdrawals charge the configured network fee and reach the other venue's deposit address after the
 * transfer delay. Every answer is a completed stage on the simulated clock.
 *
 * <p>What it refuses, and how a live venue would answer: a stale or missing book (no price to fill at: TRANSIENT), an
 * unaffordable order or withdrawal (PERMANENT), a reused client id (PERMANENT), a LIMIT order (the cycle rules never
 * send one: PERMANENT).
 */
public final class PaperVenue implements ExchangeGateway {
  private static final int COIN_SCALE = 8;
  private static final String ADDRESS_PREFIX = "paper:";

  private final Venue venue;
  private final BookView books;
  private final Clock clock;
  private final Duration staleAfter;
  private final TradingCosts costs;
  private final Map<String, BigDecimal> balances = new TreeMap<>();
  private final Map<String, OrderResult> orders = new HashMap<>();
  private final Map<String, Sent> withdrawals = new HashMap<>();
  private final List<Incoming> incoming = new ArrayList<>();
  private PaperVenue counterparty;
  private Duration transferDelay = Duration.ZERO;
  private long seq;

  private record Sent(WithdrawalResult result, Instant arrives) {}

  /** A deposit on its way here; credited to the balance once, when its transfer delay has passed. */
  private static final class Incoming {
    final Deposit deposit;
    final Instant creditAt;
    boolean credited;

    Incoming(Deposit deposit, Instant creditAt) {
      this.deposit = deposit;
      this.creditAt = creditAt;
    }
  }

  PaperVenue(Venue venue, BookView books, Clock clock, Duration staleAfter, TradingCosts costs) {
    this.venue = venue;
    this.books = books;
    this.clock = clock;
    this.staleAfter = staleAfter;
    this.costs = costs;
  }

  /** Links two venues: withdrawals from one arrive at the other after {@code delay}. */
  static void link(PaperVenue a, PaperVenue b, Duration delay) {
    a.counterparty = b;
    b.counterparty = a;
    a.transferDelay = delay;
    b.transferDelay = delay;
  }

  void fund(String asset, BigDecimal amount) {
    balances.merge(asset, amount, BigDecimal::add);
  }

  /** Balances now, deposits due by now credited. */
  public Map<String, BigDecimal> balanceSheet() {
    creditArrived();
    return new LinkedHashMap<>(balances);
  }

  @Override
  public Venue venue() {
    return venue;
  }

  @Override
  public CompletionStage<OrderResult> placeOrder(OrderRequest r) {
    creditArrived();
    if (orders.containsKey(r.clientId())) {
      return fail(FailureClass.PERMANENT, "duplicate-client-id", "client id " + r.clientId() + " was used before");
    }
    if (r.type() != OrderType.MARKET) {
      return fail(FailureClass.PERMANENT, "unsupported", "the paper venue fills MARKET orders only");
    }
    Optional<Book> found = books.book(venue, r.coin());
    Instant now = clock.instant();
    if (found.isEmpty() || !found.get().hasBothSides()
        || now.toEpochMilli() - found.get().exchangeTs() > staleAfter.toMillis()) {
      return fail(FailureClass.TRANSIENT, "no-market-data",
          "no " + r.coin() + " book younger than " + staleAfter + " at " + now
              + found.map(bk -> " (last at " + Instant.ofEpochMilli(bk.exchangeTs()) + ")").orElse(""));
    }
    Book book = found.get();
    String quote = venue.quoteCurrency();
    BigDecimal fee;
    BookWalk.Fill fill;
    if (r.side() == OrderSide.BUY) {
      fill = r.quoteAmount() != null
          ? BookWalk.buyWithQuote(book.askPrices(), book.askSizes(), r.quoteAmount().doubleValue())
          // buying a quantity walks the asks like a sell walks the bids
          : BookWalk.sellQuantity(book.askPrices(), book.askSizes(), r.quantity().doubleValue());
    } else {
      fill = BookWalk.sellQuantity(book.bidPrices(), book.bidSizes(), r.quantity().doubleValue());
    }
    BigDecimal qty = BigDecimal.valueOf(fill.base()).setScale(COIN_SCALE, RoundingMode.DOWN);
    BigDecimal quoteAmount = BigDecimal.valueOf(fill.quote()).setScale(COIN_SCALE, RoundingMode.HALF_UP);
    if (r.side() == OrderSide.BUY && r.quoteAmount() != null && quoteAmount.compareTo(r.quoteAmount()) > 0) {
      quoteAmount = r.quoteAmount(); // a venue never spends more than asked; the excess is float noise
    }
    BigDecimal taker = costs.takerFee(venue);
    String id = venue.name().toLowerCase(Locale.ROOT) + "-" + (++seq);
    if (qty.signum() == 0) {
      OrderResult none = new OrderResult(r.clientId(), id, OrderStatus.EXPIRED, BigDecimal.ZERO, null, BigDecimal.ZERO,
          BigDecimal.ZERO, quote, now);
      orders.put(r.clientId(), none);
      return CompletableFuture.completedFuture(none);
    }
    if (r.side() == OrderSide.BUY) {
      if (quoteAmount.compareTo(balance(quote)) > 0) {
        return insufficient(quote, quoteAmount);
      }
      fee = qty.multiply(taker).setScale(COIN_SCALE, RoundingMode.HALF_UP);
      balances.merge(quote, quoteAmount.negate(), BigDecimal::add);
      balances.merge(r.coin(), qty.subtract(fee), BigDecimal::add);
    } else {
      if (qty.compareTo(balance(r.coin())) > 0) {
        return insufficient(r.coin(), qty);
      }
      fee = quoteAmount.multiply(taker).setScale(COIN_SCALE, RoundingMode.HALF_UP);
      balances.merge(r.coin(), qty.negate(), BigDecimal::add);
      balances.merge(quote, quoteAmount.subtract(fee), BigDecimal::add);
    }
    OrderResult result = new OrderResult(
        r.clientId(), id, fill.complete() ? OrderStatus.FILLED : OrderStatus.EXPIRED, qty,
        BigDecimal.valueOf(fill.averagePrice()), quoteAmount, fee, r.side() == OrderSide.BUY ? r.coin() : quote, now);
    orders.put(r.clientId(), result);
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    return CompletableFuture.completedFuture(Optional.ofNullable(orders.get(clientId)));
  }

  @Override
  public CompletionStage<OrderResult> cancelOrder(String coin, String clientId) {
    OrderResult o = orders.get(clientId);
    return o != null
        ? CompletableFuture.completedFuture(o) // market orders are already terminal
        : fail(FailureClass.PERMANENT, "unknown-order", "no order " + clientId);
  }

  @Override
  public CompletionStage<Map<String, Balance>> balances() {
    Map<String, Balance> out = new LinkedHashMap<>();
    balanceSheet().forEach((asset, amount) -> out.put(asset, new Balance(asset, amount, BigDecimal.ZERO)));
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletionStage<DepositAddress> depositAddress(String coin, String network) {
    return CompletableFuture.completedFuture(
        new DepositAddress(coin, network, ADDRESS_PREFIX + venue.name() + ":" + coin, "kimp"));
  }

  @Override
  public CompletionStage<WithdrawalResult> withdraw(WithdrawalRequest r) {
    creditArrived();
    if (withdrawals.containsKey(r.clientId())) {
      return fail(FailureClass.PERMANENT, "duplicate-client-id", "withdrawal " + r.clientId() + " was sent before");
    }
    String expected = ADDRESS_PREFIX + (counterparty == null ? "?" : counterparty.venue.name()) + ":" + r.coin();
    if (counterparty == null || !expected.equals(r.address())) {
      return fail(FailureClass.PERMANENT, "invalid-address", "address " + r.address() + " is not " + expected);
    }
    if (r.amount().compareTo(balance(r.coin())) > 0) {
      return insufficient(r.coin(), r.amount());
    }
    BigDecimal fee = costs.withdrawalFee(venue, r.coin());
    BigDecimal received = r.amount().subtract(fee);
    if (received.signum() <= 0) {
      return fail(FailureClass.PERMANENT, "below-fee",
          "withdrawal of " + r.amount().toPlainString() + " " + r.coin() + " does not cover the fee "
              + fee.toPlainString());
    }
    Instant now = clock.instant();
    balances.merge(r.coin(), r.amount().negate(), BigDecimal::add);
    String txId = "paper-tx-" + r.clientId();
    WithdrawalResult result = new WithdrawalResult(
        r.clientId(), venue.name().toLowerCase(Locale.ROOT) + "-wd-" + (++seq), WithdrawalStatus.PROCESSING,
        r.coin(), received, fee, txId, now);
    Instant arrives = now.plus(transferDelay);
    withdrawals.put(r.clientId(), new Sent(result, arrives));
    counterparty.incoming.add(
        new Incoming(new Deposit("dep-" + txId, r.coin(), received, txId, DepositStatus.PENDING, now), arrives));
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest r) {
    Sent s = withdrawals.get(r.clientId());
    if (s == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    boolean done = !clock.instant().isBefore(s.arrives());
    WithdrawalResult w = s.result();
    return CompletableFuture.completedFuture(Optional.of(
        done
            ? new WithdrawalResult(w.clientId(), w.withdrawalId(), WithdrawalStatus.COMPLETED, w.coin(), w.amount(),
                w.fee(), w.txId(), s.arrives())
            : w));
  }

  @Override
  public CompletionStage<List<Deposit>> deposits(String coin, Instant since) {
    creditArrived();
    Instant now = clock.instant();
    List<Deposit> out = new ArrayList<>();
    for (Incoming in : incoming) {
      Deposit d = in.deposit;
      if (d.coin().equals(coin) && !d.createdAt().isBefore(since)) {
        boolean credited = !now.isBefore(in.creditAt);
        out.add(credited
            ? new Deposit(d.depositId(), d.coin(), d.amount(), d.txId(), DepositStatus.CREDITED, d.createdAt())
            : d);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  /** Credits every deposit whose transfer delay has passed, exactly once. */
  private void creditArrived() {
    Instant now = clock.instant();
    for (Incoming in : incoming) {
      if (!in.credited && !now.isBefore(in.creditAt)) {
        in.credited = true;
        balances.merge(in.deposit.coin(), in.deposit.amount(), BigDecimal::add);
      }
    }
  }

  private BigDecimal balance(String asset) {
    return balances.getOrDefault(asset, BigDecimal.ZERO);
  }

  private <T> CompletionStage<T> insufficient(String asset, BigDecimal need) {
    return fail(FailureClass.PERMANENT, "insufficient-balance",
        "need " + need.toPlainString() + " " + asset + ", have " + balance(asset).toPlainString());
  }

  private <T> CompletionStage<T> fail(FailureClass cls, String code, String message) {
    return CompletableFuture.failedFuture(new VenueException(venue, cls, code, message));
  }
}
