package io.kimp.core.strategy;

import io.kimp.core.market.Book;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Optional;

/**
 * The trading rule, shared by the live path and the backtester: given both books of a coin and the USDT/KRW rate, is there
 * an opportunity whose net edge reaches {@code minSpreadPercent}? Pure.
 */
public final class OpportunityRule {
  private OpportunityRule() {}

  /**
   * @param minSpreadPercent the net edge an opportunity needs ({@code kimp.strategy.min-spread-percent})
   * @param sizeKrw the size the portfolio would give a cycle; the edge is evaluated at this size (or less, if the books or
   *     the volume cap say so)
   * @param volumeCapFraction the largest fraction of the coin's 24 h volume one cycle may trade (0.01)
   * @param hedge the transfer hedge's costs and policy ({@link HedgeCosts#off()} when the hedge is off)
   */
  public record Settings(
      double minSpreadPercent, double sizeKrw, double volumeCapFraction, TradingCosts costs, HedgeCosts hedge) {
    public Settings {
      if (hedge == null) {
        hedge = HedgeCosts.off();
      }
    }

    /** Settings without the transfer hedge. */
    public Settings(double minSpreadPercent, double sizeKrw, double volumeCapFraction, TradingCosts costs) {
      this(minSpreadPercent, sizeKrw, volumeCapFraction, costs, HedgeCosts.off());
    }

    /** These settings at another minimum net edge. */
    public Settings withMinSpreadPercent(double percent) {
      return new Settings(percent, sizeKrw, volumeCapFraction, costs, hedge);
    }
  }

  /** The edge of both directions is computed only when the raw premium could possibly pay for it. */
  public static Optional<Opportunity> detect(
      String coin,
      Book upbit,
      Book binance,
      double usdtKrw,
      double upbitVolume24hKrw,
      double binanceVolume24hUsdt,
      Settings s,
      Instant now) {
    return detect(coin, upbit, binance, usdtKrw, upbitVolume24hKrw, binanceVolume24hUsdt, s, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN, now);
  }

  /**
   * {@link #detect} knowing the coin's perpetual: its fresh best bid and ask, mark price and funding rate (NaN: no fresh
   * perpetual). With the hedge on, a coin with a perpetual is evaluated hedged (the edge pays the hedge, the opportunity
   * says so); one without is not offered under {@code skip}, and offered unhedged under {@code trade-unhedged}. With the
   * hedge off the perpetual is ignored.
   */
  public static Optional<Opportunity> detect(
      String coin,
      Book upbit,
      Book binance,
      double usdtKrw,
      double upbitVolume24hKrw,
      double binanceVolume24hUsdt,
      Settings s,
      double perpBid,
      double perpAsk,
      double perpMark,
      double fundingRate,
      Instant now) {
    HedgeCosts h = s.hedge();
    boolean hedge = h.enabled() && perpBid > 0 && perpAsk >= perpBid && Double.isFinite(fundingRate);
    if (h.enabled() && !hedge && h.skipUnlisted()) {
      return Optional.empty(); // no perpetual to hedge with: the coin is not traded at all
    }
    if (!upbit.hasBothSides() || !binance.hasBothSides() || !(usdtKrw > 0)) {
      return Optional.empty();
    }
    double premium = PremiumMath.premiumPercent(upbit.mid(), binance.mid(), usdtKrw);
    if (Math.abs(premium) < s.minSpreadPercent()) {
      return Optional.empty(); // costs only subtract: the net edge cannot reach the threshold
    }
    Direction dir = premium > 0 ? Direction.KIMCHI : Direction.REVERSE;
    double cap = volumeCap(upbitVolume24hKrw, binanceVolume24hUsdt * usdtKrw, s.volumeCapFraction());
    EdgeCalculator.Edge edge =
        EdgeCalculator.evaluate(
            dir, upbit, binance, usdtKrw, s.sizeKrw(), cap,
            s.costs().takerFee(Venue.UPBIT).doubleValue(), s.costs().takerFee(Venue.BINANCE).doubleValue(),
            s.costs().withdrawalFee(dir.buyVenue(), coin).doubleValue(),
            hedge
                ? new EdgeCalculator.PerpHedge(
                    perpBid, perpAsk, perpMark, h.futuresTaker(), h.expectedFundingFraction(coin, fundingRate))
                : null);
    if (edge == null || edge.netEdgePercent() < s.minSpreadPercent()) {
      return Optional.empty();
    }
    return Optional.of(
        new Opportunity(
            coin, dir, premium, edge.netEdgePercent(), BigDecimal.valueOf(edge.sizeKrw()).setScale(0, RoundingMode.DOWN),
            price(edge.buyAvgPrice()), price(edge.sellAvgPrice()), BigDecimal.valueOf(usdtKrw), now, edge.hedged(),
            edge.hedgeCostPercent(), edge.fundingPercent()));
  }

  /** {@code fraction} of the smaller known 24 h volume, or 0 (no cap) when neither is known. */
  static double volumeCap(double upbitKrw, double binanceKrw, double fraction) {
    double v = Double.NaN;
    if (upbitKrw > 0) {
      v = upbitKrw;
    }
    if (binanceKrw > 0) {
      v = Double.isNaN(v) ? binanceKrw : Math.min(v, binanceKrw);
    }
    return Double.isNaN(v) ? 0 : v * fraction;
  }

  private static BigDecimal price(double p) {
    return Double.isFinite(p) ? BigDecimal.valueOf(p) : null;
  }
}
