package io.kimp.gateway.paper;

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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper USDT-M perpetual venue of the transfer hedge: market orders fill against the futures feed's top of book
 * ({@link PerpView}): a SELL at the bid, a BUY at the ask, the whole quantity, the taker fee charged in USDT to the futures
 * wallet. The position per coin (signed, average entry, leverage) and the wallet live in the paper ledger's database
 * ({@link PaperLedger}, tables {@code paper_positions} and {@code paper_balances} account {@code BINANCE_USDM}), one for
 * the whole cluster, so a restarted node finds the short it opened, exactly as at the real venue.
 *
 * <p>Refusals mirror Binance: no quote (or a stale one) is {@link FailureClass#TRANSIENT}; a client id seen before is
 * refused like {@code -4116} as an {@link FailureClass#UNKNOWN_OUTCOME} so the caller looks the order up; a reduce-only
 * order with nothing to reduce, pointing the same way or larger than the position is {@code -2022}; an order whose
 * initial margin (notional / leverage) and fee exceed the free margin is {@code -2019}; a non-reduce-only order below
 * the minimum notional is {@code -4164} (all {@link FailureClass#PERMANENT}). {@link PaperFaults} apply as to the spot
 * paper venues: failures before acting, replies lost after acting.
 *
 * <p>Free margin here is the wallet less the open positions' initial margin at their entry price (the paper venue has
 * no liquidation engine; unrealised PnL is left out).
 */
public final class PaperPerpVenue implements PerpetualGateway {
  private static final Logger log = LoggerFactory.getLogger(PaperPerpVenue.class);
  private static final int SCALE = 8;
  /** Binance's quantity steps of common perpetuals (exchangeInfo, 2026); others trade in steps of 0.001. */
  private static final Map<String, BigDecimal> STEPS =
      Map.of("BTC", new BigDecimal("0.001"), "ETH", new BigDecimal("0.001"), "SOL", new BigDecimal("0.01"),
          "XRP", new BigDecimal("0.1"), "TRX", BigDecimal.ONE, "XLM", BigDecimal.ONE, "DOGE", BigDecimal.ONE,
          "ADA", BigDecimal.ONE);
  private static final BigDecimal DEFAULT_STEP = new BigDecimal("0.001");
  private static final BigDecimal MIN_NOTIONAL = new BigDecimal("5");
  /** Binance's default leverage of a symbol never set. */
  static final int DEFAULT_LEVERAGE = 20;

  private final PaperLedger ledger;
  private final PerpView perps;
  private final BigDecimal takerFee;
  private final Duration maxQuoteAge;
  private final PaperFaults.Dice dice;
  private final Clock clock;

  /**
   * @param takerFee {@code kimp.fees.binance-futures.taker}
   * @param maxQuoteAge quotes older than this are not traded on (zero: any age), {@code kimp.paper.max-book-age}
   * @param initialMargin the futures wallet's USDT when this ledger's futures account is first opened
   */
  public PaperPerpVenue(PaperLedger ledger, PerpView perps, BigDecimal takerFee, Duration maxQuoteAge,
      BigDecimal initialMargin, PaperFaults.Dice dice, Clock clock) {
    this.ledger = ledger;
    this.perps = perps;
    this.takerFee = takerFee;
    this.maxQuoteAge = maxQuoteAge;
    this.dice = dice;
    this.clock = clock;
    ledger.startFutures(initialMargin);
  }

  @Override
  public Venue venue() {
    return Venue.BINANCE;
  }

  /** A coin has a paper perpetual once the futures feed has quoted it. */
  @Override
  public CompletionStage<Optional<PerpContract>> contract(String coin) {
    return attempt(() -> perps.perp(coin).map(q -> contractOf(coin)));
  }

  private PerpContract contractOf(String coin) {
    BigDecimal step = STEPS.getOrDefault(coin, DEFAULT_STEP);
    return new PerpContract(coin, coin + "USDT", step, step, MIN_NOTIONAL, takerFee);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // orders

  @Override
  public CompletionStage<OrderResult> placeOrder(PerpOrderRequest request) {
    return attempt(() -> execute(request));
  }

  private OrderResult execute(PerpOrderRequest r) {
    String what = "paper futures " + r.side() + (r.reduceOnly() ? " reduce-only " : " ") + r.coin() + " " + r.clientId();
    dice.beforeAction(Venue.BINANCE, what);
    if (ledger.perpClientIdUsed(r.clientId())) {
      throw new VenueException(Venue.BINANCE, FailureClass.UNKNOWN_OUTCOME, "-4116",
          what + ": ClientOrderId is duplicated (an order with this id was sent before)");
    }
    PerpQuote q = freshQuote(r.coin(), what);
    BigDecimal price = r.side() == OrderSide.SELL ? q.bid() : q.ask();
    if (price == null || price.signum() <= 0) {
      throw new VenueException(Venue.BINANCE, FailureClass.TRANSIENT, "no-quote",
          what + ": the futures feed has no " + (r.side() == OrderSide.SELL ? "bid" : "ask") + " for " + r.coin());
    }
    PerpContract contract = contractOf(r.coin());
    BigDecimal qty = contract.roundDown(r.quantity());
    if (qty.signum() <= 0 || qty.compareTo(contract.minQuantity()) < 0) {
      ledger.burnPerpClientId(r.clientId());
      throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "below-minimum",
          what + ": " + r.quantity().toPlainString() + " is below the step / minimum " + contract.minQuantity());
    }
    BigDecimal notional = qty.multiply(price).setScale(SCALE, RoundingMode.HALF_UP);
    if (!r.reduceOnly() && notional.compareTo(MIN_NOTIONAL) < 0) {
      ledger.burnPerpClientId(r.clientId());
      throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-4164",
          what + ": Order's notional must be no smaller than " + MIN_NOTIONAL + " (unless you choose reduce only)");
    }
    BigDecimal fee = notional.multiply(takerFee).setScale(SCALE, RoundingMode.HALF_UP);
    BigDecimal signed = r.side() == OrderSide.BUY ? qty : qty.negate();
    BigDecimal freeBefore = availableNow();
    String orderId = ledger.nextId("paper-futures-order");
    PaperLedger.PerpTrade trade;
    try {
      trade = ledger.recordPerpOrder(r.coin(), DEFAULT_LEVERAGE, before -> {
        BigDecimal pos = before.quantity();
        boolean reduces = pos.signum() != 0 && pos.signum() != signed.signum();
        if (r.reduceOnly() && (!reduces || qty.compareTo(pos.abs()) > 0)) {
          throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-2022",
              what + ": ReduceOnly Order is rejected (position " + pos.toPlainString() + ")");
        }
        BigDecimal closing = reduces ? qty.min(pos.abs()) : BigDecimal.ZERO;
        BigDecimal opening = qty.subtract(closing);
        if (opening.signum() > 0) {
          BigDecimal margin = opening.multiply(price).divide(BigDecimal.valueOf(before.leverage()), SCALE, RoundingMode.UP);
          if (margin.add(fee).compareTo(freeBefore) > 0) {
            throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-2019",
                what + ": Margin is insufficient (needs " + margin.add(fee).toPlainString() + " USDT, "
                    + freeBefore.toPlainString() + " free)");
          }
        }
        BigDecimal pnl = price.subtract(before.entryPrice()).multiply(closing)
            .multiply(BigDecimal.valueOf(pos.signum())).setScale(SCALE, RoundingMode.HALF_UP);
        BigDecimal after = pos.add(signed);
        BigDecimal entry;
        if (after.signum() == 0) {
          entry = BigDecimal.ZERO;
        } else if (closing.signum() == 0) {
          entry = pos.abs().multiply(before.entryPrice()).add(opening.multiply(price))
              .divide(after.abs(), SCALE, RoundingMode.HALF_UP);
        } else if (after.signum() != pos.signum()) {
          entry = price;
        } else {
          entry = before.entryPrice();
        }
        PaperLedger.Order order = new PaperLedger.Order(r.clientId(), orderId, r.coin(), r.side(), OrderStatus.FILLED,
            qty, notional, fee, "USDT", clock.millis());
        return new PaperLedger.PerpTrade(order,
            new PaperLedger.PerpRow(r.coin(), after, entry, before.leverage(), before.realizedPnl().add(pnl)),
            pnl.subtract(fee));
      });
    } catch (VenueException e) {
      ledger.burnPerpClientId(r.clientId());
      throw e;
    } catch (PaperLedger.InsufficientBalance e) {
      ledger.burnPerpClientId(r.clientId());
      throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-2019",
          what + ": Margin is insufficient (" + e.getMessage() + ")");
    }
    log.info("{}: {} at {} (fee {} USDT); position {}", what, qty.toPlainString(), price.toPlainString(),
        fee.toPlainString(), trade.after().quantity().toPlainString());
    dice.afterAction(Venue.BINANCE, what);
    return toResult(trade.order());
  }

  private PerpQuote freshQuote(String coin, String what) {
    PerpQuote q = perps.perp(coin).orElseThrow(() -> new VenueException(Venue.BINANCE, FailureClass.TRANSIENT,
        "no-quote", what + ": no futures quote of " + coin + " to fill against"));
    if (!maxQuoteAge.isZero() && q.receivedAt() != null) {
      long age = clock.millis() - q.receivedAt().toEpochMilli();
      if (age > maxQuoteAge.toMillis()) {
        throw new VenueException(Venue.BINANCE, FailureClass.TRANSIENT, "stale-quote",
            what + ": the " + coin + " futures quote is " + age + " ms old");
      }
    }
    return q;
  }

  private static OrderResult toResult(PaperLedger.Order o) {
    BigDecimal avg =
        o.filledQuantity().signum() > 0 ? o.quoteAmount().divide(o.filledQuantity(), MathContext.DECIMAL64) : null;
    return new OrderResult(o.clientId(), o.orderId(), o.status(), o.filledQuantity(), avg, o.quoteAmount(), o.fee(),
        o.feeAsset(), Instant.ofEpochMilli(o.updatedAtMs()));
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    return attempt(() -> ledger.perpOrder(clientId).map(PaperPerpVenue::toResult));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // position, leverage, margin

  @Override
  public CompletionStage<PerpPosition> position(String coin) {
    return attempt(() -> ledger.perpPosition(coin)
        .map(p -> {
          BigDecimal mark = perps.perp(coin).map(PerpQuote::markPrice).orElse(null);
          BigDecimal liq = p.quantity().signum() < 0
              ? p.entryPrice().multiply(BigDecimal.ONE.add(
                  BigDecimal.ONE.divide(BigDecimal.valueOf(p.leverage()), MathContext.DECIMAL64)))
                  .setScale(SCALE, RoundingMode.HALF_UP)
              : BigDecimal.ZERO;
          return new PerpPosition(coin, p.quantity(), p.entryPrice(), mark == null ? p.entryPrice() : mark, liq,
              p.leverage());
        })
        .orElse(new PerpPosition(coin, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
            DEFAULT_LEVERAGE)));
  }

  @Override
  public CompletionStage<Void> ensureLeverage(String coin, int leverage) {
    return attempt(() -> {
      if (leverage < 1 || leverage > 125) {
        throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-4028", "Leverage " + leverage + " is not valid");
      }
      ledger.setPerpLeverage(coin, leverage);
      return null;
    });
  }

  @Override
  public CompletionStage<BigDecimal> availableMargin() {
    return attempt(this::availableNow);
  }

  private BigDecimal availableNow() {
    BigDecimal free = ledger.futuresWallet();
    for (PaperLedger.PerpRow p : ledger.perpPositions()) {
      if (p.quantity().signum() != 0) {
        free = free.subtract(p.quantity().abs().multiply(p.entryPrice())
            .divide(BigDecimal.valueOf(p.leverage()), SCALE, RoundingMode.UP));
      }
    }
    return free.max(BigDecimal.ZERO).stripTrailingZeros();
  }

  /** Moves USDT between the paper Binance spot balance and the futures wallet; a client id seen before moves nothing. */
  @Override
  public CompletionStage<Void> transferMargin(MarginTransfer direction, BigDecimal usdt, String clientId) {
    return attempt(() -> {
      String what = "paper margin transfer " + direction + " " + usdt.toPlainString() + " USDT " + clientId;
      if (usdt.signum() <= 0) {
        throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "amount", what + ": not a positive amount");
      }
      dice.beforeAction(Venue.BINANCE, what);
      if (direction == MarginTransfer.FUTURES_TO_SPOT && usdt.compareTo(availableNow()) > 0) {
        throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-5013",
            what + ": Asset transfer failed: insufficient balance (free margin " + availableNow().toPlainString() + ")");
      }
      try {
        boolean moved = ledger.transferMargin(direction == MarginTransfer.SPOT_TO_FUTURES, usdt, clientId);
        log.info("{}: {}", what, moved ? "done" : "done before (same client id)");
      } catch (PaperLedger.InsufficientBalance e) {
        throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-5013",
            what + ": Asset transfer failed: insufficient balance (" + e.getMessage() + ")");
      }
      dice.afterAction(Venue.BINANCE, what);
      return null;
    });
  }

  /** Runs a ledger action; a ledger that cannot be written is an unknown outcome. */
  private <T> CompletionStage<T> attempt(Supplier<T> action) {
    try {
      return CompletableFuture.completedFuture(action.get());
    } catch (VenueException e) {
      return CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new VenueException(Venue.BINANCE, FailureClass.UNKNOWN_OUTCOME,
          "paper-ledger", String.valueOf(e.getMessage()), null, e));
    }
  }

  @Override
  public String toString() {
    return "PaperPerpVenue[" + ledger + "]";
  }
}
