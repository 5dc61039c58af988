package io.kimp.app.operator;

import io.kimp.core.market.Book;
import io.kimp.core.market.CoinQuote;
import io.kimp.core.market.Direction;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.MarketView;
import io.kimp.core.market.Premium;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.strategy.EdgeCalculator;
import io.kimp.core.strategy.PremiumMath;
import io.kimp.core.strategy.TradingCosts;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every watched coin as an operator reads it: both venues' mid prices, the USDT/KRW rate, the mid premium, and the net
 * edge after taker fees, the withdrawal fee and the books' slippage at the size a cycle would get (the trading rule's own
 * {@link EdgeCalculator}), with the receive time of its newest input and whether it is stale. Reads the node's
 * {@link MarketState} (every coin seen, stale ones included and marked) or, over any other {@link MarketView}, the fresh
 * quotes at their top of book. Cheap and non-blocking: the dashboard calls it many times a second.
 */
public final class PremiumBoard {
  /**
   * One coin. {@code netEdgePercent} is NaN when the books cannot execute the size; {@code at} (epoch ms) is the receive
   * time of its newest input, {@code inputsAt} that of its oldest (Upbit book, Binance book, USDT/KRW rate): how old
   * the figures shown are, which is what makes a row stale.
   */
  public record Row(
      String coin, double upbitKrw, double binanceUsdt, double usdtKrw, double premiumPercent, Direction direction,
      double netEdgePercent, long at, long inputsAt, boolean stale) {}

  private static final double UNLIMITED = 1e15;

  private final MarketView market;
  private final TradingCosts costs;
  private final long staleAfterMillis;
  private volatile double sizeKrw;

  public PremiumBoard(MarketView market, TradingCosts costs, long staleAfterMillis, PortfolioSettings sizing) {
    this.market = market;
    this.costs = costs;
    this.staleAfterMillis = staleAfterMillis;
    this.sizeKrw = sizeOf(sizing);
  }

  public long staleAfterMillis() {
    return staleAfterMillis;
  }

  /** Follows the portfolio's sizing rule as operators change it. */
  public void resize(PortfolioSettings settings) {
    sizeKrw = sizeOf(settings);
  }

  /** The coins the board knows (with a premium), in no order. */
  public List<String> coins() {
    if (market instanceof MarketState s) {
      return List.copyOf(s.premiums().keySet());
    }
    return List.copyOf(market.freshQuotes().keySet());
  }

  /** Receive time of the coin's newest input (0 if unknown): the board's change detector. */
  public long updatedAt(String coin) {
    if (market instanceof MarketState s) {
      return s.premium(coin).map(Premium::updatedAt).orElse(0L);
    }
    CoinQuote q = market.freshQuotes().get(coin);
    return q == null ? 0 : q.observedAt().toEpochMilli();
  }

  /** Every coin at {@code now}. */
  public List<Row> rows(long now) {
    List<Row> out = new ArrayList<>();
    if (market instanceof MarketState s) {
      for (String coin : s.premiums().keySet()) {
        row(coin, now).ifPresent(out::add);
      }
    } else {
      for (CoinQuote q : market.freshQuotes().values()) {
        out.add(fromQuote(q, now));
      }
    }
    return out;
  }

  public Optional<Row> row(String coin, long now) {
    if (market instanceof MarketState s) {
      Optional<Premium> p = s.premium(coin);
      if (p.isEmpty()) {
        return Optional.empty();
      }
      Book up = s.book(Venue.UPBIT, coin).orElse(null);
      Book bn = s.book(Venue.BINANCE, coin).orElse(null);
      double rate = p.get().usdtKrw();
      double upMid = up != null && up.hasBothSides() ? up.mid() : Double.NaN;
      double bnMid = bn != null && bn.hasBothSides() ? bn.mid() : Double.NaN;
      double premium = p.get().midPercent();
      Direction dir = premium >= 0 ? Direction.KIMCHI : Direction.REVERSE;
      double edge = up != null && bn != null ? edge(dir, coin, up, bn, rate) : Double.NaN;
      long oldest = Math.min(s.usdtKrwUpdatedAt(),
          Math.min(s.updatedAt(Venue.UPBIT, coin), s.updatedAt(Venue.BINANCE, coin)));
      return Optional.of(new Row(coin, upMid, bnMid, rate, premium, dir, edge, p.get().updatedAt(), oldest,
          !s.isFresh(coin, now)));
    }
    CoinQuote q = market.freshQuotes().get(coin);
    return q == null ? Optional.empty() : Optional.of(fromQuote(q, now));
  }

  /** The highest net edge among fresh coins, if any coin is fresh. */
  public Optional<Row> best(long now) {
    return rows(now).stream().filter(r -> !r.stale() && Double.isFinite(r.netEdgePercent()))
        .max(java.util.Comparator.comparingDouble(Row::netEdgePercent));
  }

  private Row fromQuote(CoinQuote q, long now) {
    double rate = q.usdtKrw().doubleValue();
    Book up = Book.top(Venue.UPBIT, q.coin(), q.upbitBid().doubleValue(), UNLIMITED, q.upbitAsk().doubleValue(),
        UNLIMITED, 0);
    Book bn = Book.top(Venue.BINANCE, q.coin(), q.binanceBid().doubleValue(), UNLIMITED,
        q.binanceAsk().doubleValue(), UNLIMITED, 0);
    double premium = PremiumMath.premiumPercent(up.mid(), bn.mid(), rate);
    Direction dir = premium >= 0 ? Direction.KIMCHI : Direction.REVERSE;
    long at = q.observedAt().toEpochMilli();
    return new Row(q.coin(), up.mid(), bn.mid(), rate, premium, dir, edge(dir, q.coin(), up, bn, rate), at, at,
        now - at > staleAfterMillis);
  }

  private double edge(Direction dir, String coin, Book up, Book bn, double rate) {
    if (!up.hasBothSides() || !bn.hasBothSides() || !(rate > 0)) {
      return Double.NaN;
    }
    EdgeCalculator.Edge e =
        EdgeCalculator.evaluate(dir, up, bn, rate, sizeKrw, 0, EdgeCalculator.taker(costs, Venue.UPBIT),
            EdgeCalculator.taker(costs, Venue.BINANCE), costs.withdrawalFee(dir.buyVenue(), coin).doubleValue());
    return e == null ? Double.NaN : e.netEdgePercent();
  }

  static double sizeOf(PortfolioSettings s) {
    BigDecimal size = switch (s.sizing()) {
      case FIXED_AMOUNT -> s.fixedAmountKrw();
      case PERCENTAGE -> s.capitalKrw().multiply(s.percentage()).movePointLeft(2);
      default -> s.capitalKrw();
    };
    return size.doubleValue();
  }

  /** The market this board reads (the idle reason judges the rate's freshness on it). */
  MarketView market() {
    return market;
  }

  static boolean rateStale(MarketView market, long now, long staleAfter) {
    return market instanceof MarketState s && s.usdtKrwUpdatedAt() < now - staleAfter;
  }
}
