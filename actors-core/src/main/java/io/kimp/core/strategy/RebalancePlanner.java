package io.kimp.core.strategy;

import io.kimp.core.market.CoinQuote;
import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Chooses the coin that carries capital back from the venue the initial leg sold on ({@code from}) to the home venue
 * ({@code home}): the coin that returns the most home currency after both taker fees and the withdrawal fee, which is the
 * coin with the lowest premium in the carrying direction. Pure.
 */
public final class RebalancePlanner {
  private static final MathContext MC = MathContext.DECIMAL64;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private RebalancePlanner() {}

  /** Every candidate, best first. */
  public static Optional<RebalancePlan> best(
      Venue from, BigDecimal heldOnFrom, BigDecimal investment, Collection<CoinQuote> quotes, TradingCosts costs) {
    return quotes.stream()
        .map(q -> plan(from, heldOnFrom, investment, q, costs))
        .flatMap(Optional::stream)
        .max(Comparator.comparing(RebalancePlan::expectedReturn));
  }

  /** The best candidate if the whole cycle still earns at least {@code minProfitPercent}. */
  public static Optional<RebalancePlan> choose(
      Venue from,
      BigDecimal heldOnFrom,
      BigDecimal investment,
      Collection<CoinQuote> quotes,
      TradingCosts costs,
      BigDecimal minProfitPercent) {
    return best(from, heldOnFrom, investment, quotes, costs)
        .filter(p -> p.expectedProfitPercent().compareTo(minProfitPercent) >= 0);
  }

  static Optional<RebalancePlan> plan(
      Venue from, BigDecimal heldOnFrom, BigDecimal investment, CoinQuote q, TradingCosts costs) {
    Venue home = from.other();
    BigDecimal ask = q.ask(from);
    BigDecimal bid = q.bid(home);
    if (ask == null || bid == null || ask.signum() <= 0 || bid.signum() <= 0 || investment.signum() <= 0) {
      return Optional.empty();
    }
    BigDecimal bought = heldOnFrom.multiply(BigDecimal.ONE.subtract(costs.takerFee(from)), MC).divide(ask, MC);
    BigDecimal arrived = bought.subtract(costs.withdrawalFee(from, q.coin()), MC);
    if (arrived.signum() <= 0) {
      return Optional.empty();
    }
    BigDecimal back = arrived.multiply(bid, MC).multiply(BigDecimal.ONE.subtract(costs.takerFee(home)), MC);
    BigDecimal profitPct = back.subtract(investment, MC).divide(investment, MC).multiply(HUNDRED, MC);
    return Optional.of(new RebalancePlan(q.coin(), back, profitPct, PremiumMath.premiumPercent(q), q.usdtKrw()));
  }
}
