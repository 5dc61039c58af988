package io.kimp.backtest.sim;

import io.kimp.core.market.PerpQuote;
import io.kimp.core.market.PerpView;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.PerpContract;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.PerpetualGateway;
import io.kimp.core.venue.VenueException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The replay's USDT-M perpetual venue behind the live {@link PerpetualGateway} port, on the simulated clock, so that the
 * hedge steps the live {@code EffectRunner} sends are answered as Binance would answer them: a market SELL fills at the
 * perpetual's bid and a BUY at its ask (the replay's {@link PerpQuote}: a perpetual candle file through the same book
 * model as spot, or the spot book as its proxy), as much as the quote's size holds; the taker fee is charged in USDT;
 * one signed position per coin (one-way mode) with its average entry price; funding is settled on the open position at
 * every funding time the clock passes ({@link FundingRates}, at the mark price), before anything else the venue does.
 *
 * <p>What it refuses, and how Binance would answer: no fresh quote (TRANSIENT), an unlisted coin (-1121), a quantity
 * under the contract's minimum or notional (PERMANENT), a reduce-only order that would open, add to or flip a position
 * (-2022, PERMANENT), an order the wallet cannot margin (-2019, PERMANENT), a reused client id (PERMANENT). Every answer
 * is a completed stage.
 */
public final class SimPerpVenue implements PerpetualGateway {
  private static final int SCALE = 8;
  private static final String USDT = "USDT";

  /** One funding settlement on one coin's position; {@code amountUsdt} is what the account received (negative: paid). */
  public record FundingPayment(
      Instant at, String coin, BigDecimal position, BigDecimal markPrice, BigDecimal rate, BigDecimal amountUsdt) {}

  /** One fill of an order, by its client id; {@code quantity} is signed (negative: sold). */
  public record Fill(String clientId, String coin, BigDecimal quantity, BigDecimal price, BigDecimal feeUsdt,
      Instant at) {}

  private final PerpView perps;
  private final Clock clock;
  private final Duration staleAfter;
  private final Function<String, Optional<PerpContract>> contracts;
  private final FundingRates funding;
  private final int defaultLeverage;
  private final Map<String, BigDecimal> position = new TreeMap<>();
  private final Map<String, BigDecimal> entry = new HashMap<>();
  private final Map<String, Integer> leverage = new HashMap<>();
  private final Map<String, OrderResult> orders = new HashMap<>();
  private final List<FundingPayment> payments = new ArrayList<>();
  private Consumer<FundingPayment> fundingListener = p -> {};
  private Consumer<Fill> fillListener = f -> {};
  private PaperVenue spot;
  private BigDecimal wallet = BigDecimal.ZERO;
  private BigDecimal fees = BigDecimal.ZERO;
  private BigDecimal realised = BigDecimal.ZERO;
  private BigDecimal fundingTotal = BigDecimal.ZERO;
  private Instant settledUntil;
  private long seq;

  /**
   * @param contracts the perpetual listed for a coin (its step, minimums and taker fee), empty when none is
   * @param defaultLeverage the leverage of a symbol nobody set (Binance's default is 20)
   */
  public SimPerpVenue(
      PerpView perps, Clock clock, Duration staleAfter, Function<String, Optional<PerpContract>> contracts,
      FundingRates funding, int defaultLeverage) {
    this.perps = perps;
    this.clock = clock;
    this.staleAfter = staleAfter;
    this.contracts = contracts;
    this.funding = funding;
    this.defaultLeverage = defaultLeverage;
    this.settledUntil = clock.instant();
  }

  /** Puts {@code usdt} in the futures wallet (the operator's deposit before the replay). */
  void fund(BigDecimal usdt) {
    wallet = wallet.add(usdt);
  }

  /** The spot venue whose USDT wallet {@link #transferMargin} moves to and from. */
  void linkSpot(PaperVenue spot) {
    this.spot = spot;
  }

  /** Called with every funding payment as it is settled. */
  void onFunding(Consumer<FundingPayment> listener) {
    this.fundingListener = listener;
  }

  /** Called with every fill as it happens. */
  void onFill(Consumer<Fill> listener) {
    this.fillListener = listener;
  }

  /**
   * Settles the funding of every funding time passed by now, at the mark price the venue knows now. The replay calls
   * this before it moves the market, so that a funding time is settled at the last price before it (a candle opened
   * before it closes at it).
   */
  public void settleFunding() {
    Instant now = clock.instant();
    for (Instant f = FundingRates.nextAfter(settledUntil); !f.isAfter(now); f = FundingRates.nextAfter(f)) {
      for (Map.Entry<String, BigDecimal> p : position.entrySet()) {
        BigDecimal q = p.getValue();
        if (q.signum() == 0) {
          continue;
        }
        String coin = p.getKey();
        BigDecimal rate = funding.rate(coin, f);
        BigDecimal mark = perps.perp(coin).map(PerpQuote::markPrice).orElse(entry.get(coin));
        BigDecimal amount = q.negate().multiply(mark).multiply(rate).setScale(SCALE, RoundingMode.HALF_UP);
        wallet = wallet.add(amount);
        fundingTotal = fundingTotal.add(amount);
        FundingPayment paid = new FundingPayment(f, coin, q, mark, rate, amount);
        payments.add(paid);
        fundingListener.accept(paid);
      }
      settledUntil = f;
    }
    if (now.isAfter(settledUntil)) {
      settledUntil = now;
    }
  }

  @Override
  public Venue venue() {
    return Venue.BINANCE;
  }

  @Override
  public CompletionStage<Optional<PerpContract>> contract(String coin) {
    return CompletableFuture.completedFuture(contracts.apply(coin));
  }

  @Override
  public CompletionStage<OrderResult> placeOrder(PerpOrderRequest r) {
    settleFunding();
    if (orders.containsKey(r.clientId())) {
      return fail(FailureClass.PERMANENT, "-4116", "ClientOrderId is duplicated: " + r.clientId());
    }
    Optional<PerpContract> listed = contracts.apply(r.coin());
    if (listed.isEmpty()) {
      return fail(FailureClass.PERMANENT, "-1121", "Invalid symbol: no perpetual listed for " + r.coin());
    }
    PerpContract contract = listed.get();
    Instant now = clock.instant();
    Optional<PerpQuote> found = perps.perp(r.coin());
    boolean buy = r.side() == OrderSide.BUY;
    BigDecimal price = found.map(q -> buy ? q.ask() : q.bid()).orElse(null);
    if (price == null || found.get().receivedAt() == null
        || Duration.between(found.get().receivedAt(), now).compareTo(staleAfter) > 0) {
      return fail(FailureClass.TRANSIENT, "no-market-data",
          "no " + r.coin() + " perpetual quote younger than " + staleAfter + " at " + now
              + found.map(q -> " (last at " + q.receivedAt() + ")").orElse(""));
    }
    BigDecimal qty = contract.roundDown(r.quantity());
    if (!contract.accepts(qty, price)) {
      return fail(FailureClass.PERMANENT, "-4164",
          "order of " + r.quantity().toPlainString() + " " + r.coin() + " (" + qty.toPlainString() + " on the step) at "
              + price.toPlainString() + " is under the minimum " + contract.minQuantity().toPlainString() + " / notional "
              + contract.minNotional().toPlainString() + " USDT");
    }
    BigDecimal held = positionOf(r.coin());
    BigDecimal signed = buy ? qty : qty.negate();
    if (r.reduceOnly()) {
      if (held.signum() == 0 || held.signum() == signed.signum() || qty.compareTo(held.abs()) > 0) {
        return fail(FailureClass.PERMANENT, "-2022", "ReduceOnly Order is rejected: " + r.side() + " "
            + qty.toPlainString() + " against a position of " + held.toPlainString() + " " + r.coin());
      }
    }
    BigDecimal depth = found.map(q -> buy ? q.askQuantity() : q.bidQuantity()).orElse(null);
    BigDecimal fill = depth == null || depth.compareTo(qty) >= 0 ? qty : contract.roundDown(depth);
    String id = "perp-" + (++seq);
    if (fill.signum() == 0) {
      OrderResult none = new OrderResult(r.clientId(), id, OrderStatus.EXPIRED, BigDecimal.ZERO, null, BigDecimal.ZERO,
          BigDecimal.ZERO, USDT, now);
      orders.put(r.clientId(), none);
      return CompletableFuture.completedFuture(none);
    }
    BigDecimal notional = fill.multiply(price);
    BigDecimal fee = notional.multiply(contract.takerFee()).setScale(SCALE, RoundingMode.HALF_UP);
    BigDecimal delta = buy ? fill : fill.negate();
    BigDecimal opened = opening(held, delta);
    if (opened.signum() > 0) {
      BigDecimal margin = opened.multiply(price).divide(BigDecimal.valueOf(leverageOf(r.coin())), SCALE,
          RoundingMode.UP).add(fee);
      BigDecimal available = available();
      if (margin.compareTo(available) > 0) {
        return fail(FailureClass.PERMANENT, "-2019", "Margin is insufficient: need " + margin.toPlainString()
            + " USDT, available " + available.toPlainString());
      }
    }
    apply(r.coin(), held, delta, price);
    wallet = wallet.subtract(fee);
    fees = fees.add(fee);
    OrderResult result = new OrderResult(r.clientId(), id,
        fill.compareTo(qty) == 0 ? OrderStatus.FILLED : OrderStatus.EXPIRED, fill, price,
        notional.setScale(SCALE, RoundingMode.HALF_UP), fee, USDT, now);
    orders.put(r.clientId(), result);
    fillListener.accept(new Fill(r.clientId(), r.coin(), delta, price, fee, now));
    return CompletableFuture.completedFuture(result);
  }

  /** The part of {@code delta} that opens or adds to a position (a flip's remainder included). */
  private static BigDecimal opening(BigDecimal held, BigDecimal delta) {
    if (held.signum() == 0 || held.signum() == delta.signum()) {
      return delta.abs();
    }
    return delta.abs().subtract(held.abs()).max(BigDecimal.ZERO);
  }

  /** Moves the position by {@code delta} at {@code price}: averages an addition, realises a reduction. */
  private void apply(String coin, BigDecimal held, BigDecimal delta, BigDecimal price) {
    BigDecimal e = entry.getOrDefault(coin, BigDecimal.ZERO);
    BigDecimal after = held.add(delta);
    if (held.signum() == 0 || held.signum() == delta.signum()) {
      BigDecimal cost = held.abs().multiply(e).add(delta.abs().multiply(price));
      entry.put(coin, cost.divide(after.abs(), MathContext.DECIMAL64));
    } else {
      BigDecimal closed = delta.abs().min(held.abs());
      BigDecimal pnl = price.subtract(e).multiply(closed).multiply(BigDecimal.valueOf(held.signum()));
      realised = realised.add(pnl);
      wallet = wallet.add(pnl);
      if (after.signum() == 0) {
        entry.remove(coin);
      } else if (after.signum() != held.signum()) {
        entry.put(coin, price); // flipped: the remainder opened at this price
      }
    }
    if (after.signum() == 0) {
      position.remove(coin);
    } else {
      position.put(coin, after);
    }
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    settleFunding();
    return CompletableFuture.completedFuture(Optional.ofNullable(orders.get(clientId)));
  }

  @Override
  public CompletionStage<PerpPosition> position(String coin) {
    settleFunding();
    BigDecimal q = positionOf(coin);
    if (q.signum() == 0) {
      return CompletableFuture.completedFuture(
          new PerpPosition(coin, BigDecimal.ZERO, BigDecimal.ZERO, markOf(coin), BigDecimal.ZERO, leverageOf(coin)));
    }
    return CompletableFuture.completedFuture(
        new PerpPosition(coin, q, entry.get(coin), markOf(coin), BigDecimal.ZERO, leverageOf(coin)));
  }

  @Override
  public CompletionStage<Void> ensureLeverage(String coin, int lev) {
    settleFunding();
    if (contracts.apply(coin).isEmpty()) {
      return fail(FailureClass.PERMANENT, "-1121", "Invalid symbol: no perpetual listed for " + coin);
    }
    if (lev < 1 || lev > 125) {
      return fail(FailureClass.PERMANENT, "-4028", "Leverage " + lev + " is not valid");
    }
    leverage.put(coin, lev);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<BigDecimal> availableMargin() {
    settleFunding();
    return CompletableFuture.completedFuture(available());
  }

  @Override
  public CompletionStage<Void> transferMargin(MarginTransfer direction, BigDecimal usdt, String clientId) {
    settleFunding();
    if (usdt == null || usdt.signum() <= 0) {
      return fail(FailureClass.PERMANENT, "-4003", "a transfer needs a positive amount, not " + usdt);
    }
    if (direction == MarginTransfer.FUTURES_TO_SPOT) {
      if (usdt.compareTo(available()) > 0) {
        return fail(FailureClass.PERMANENT, "-5013", "Asset transfer failed: insufficient balance, available "
            + available().toPlainString() + " USDT");
      }
      wallet = wallet.subtract(usdt);
      if (spot != null) {
        spot.fund(USDT, usdt);
      }
    } else {
      if (spot != null) {
        BigDecimal have = spot.balanceSheet().getOrDefault(USDT, BigDecimal.ZERO);
        if (usdt.compareTo(have) > 0) {
          return fail(FailureClass.PERMANENT, "-5013", "Asset transfer failed: insufficient balance, spot has "
              + have.toPlainString() + " USDT");
        }
        spot.fund(USDT, usdt.negate());
      }
      wallet = wallet.add(usdt);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** Wallet plus unrealised PnL at the mark, less the initial margin of the open positions. */
  private BigDecimal available() {
    BigDecimal a = wallet;
    for (Map.Entry<String, BigDecimal> p : position.entrySet()) {
      BigDecimal q = p.getValue();
      BigDecimal mark = markOf(p.getKey());
      BigDecimal e = entry.get(p.getKey());
      a = a.add(mark.subtract(e).multiply(q))
          .subtract(q.abs().multiply(mark).divide(BigDecimal.valueOf(leverageOf(p.getKey())), SCALE, RoundingMode.UP));
    }
    return a;
  }

  private BigDecimal markOf(String coin) {
    return perps.perp(coin).map(PerpQuote::markPrice).filter(m -> m != null)
        .orElse(entry.getOrDefault(coin, BigDecimal.ZERO));
  }

  private BigDecimal positionOf(String coin) {
    return position.getOrDefault(coin, BigDecimal.ZERO);
  }

  private int leverageOf(String coin) {
    return leverage.getOrDefault(coin, defaultLeverage);
  }

  /** The signed positions now (flat coins left out). */
  public Map<String, BigDecimal> positions() {
    return Collections.unmodifiableMap(new TreeMap<>(position));
  }

  /** The futures wallet's USDT: deposits, realised PnL, less fees, plus funding received. */
  public BigDecimal walletUsdt() {
    return wallet;
  }

  /** Taker fees charged so far, USDT. */
  public BigDecimal feesUsdt() {
    return fees;
  }

  /** PnL realised by reductions so far, USDT (before fees and funding). */
  public BigDecimal realisedUsdt() {
    return realised;
  }

  /** Funding received so far, USDT (negative: paid). */
  public BigDecimal fundingUsdt() {
    return fundingTotal;
  }

  /** Every funding settlement so far, in time order. */
  public List<FundingPayment> fundingPayments() {
    return Collections.unmodifiableList(payments);
  }

  private <T> CompletionStage<T> fail(FailureClass cls, String code, String message) {
    return CompletableFuture.failedFuture(new VenueException(Venue.BINANCE, cls, code, message));
  }
}
