package io.kimp.core.strategy;

import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Fees: taker fee per venue (a fraction, 0.0005 = 0.05 %) and the network fee each venue charges to withdraw a coin.
 */
public final class TradingCosts {
  private final Map<Venue, BigDecimal> takerFee;
  private final Map<Venue, Map<String, BigDecimal>> withdrawalFee;

  public TradingCosts(Map<Venue, BigDecimal> takerFee, Map<Venue, Map<String, BigDecimal>> withdrawalFee) {
    this.takerFee = new EnumMap<>(takerFee);
    // EnumMap's copy constructor rejects an empty plain map (as defaults() passes): copy into an empty EnumMap instead
    this.withdrawalFee = new EnumMap<>(Venue.class);
    this.withdrawalFee.putAll(withdrawalFee);
    for (Venue v : Venue.values()) {
      Objects.requireNonNull(this.takerFee.get(v), "taker fee for " + v);
      this.withdrawalFee.putIfAbsent(v, Map.of());
    }
  }

  /** Upbit 0.05 %, Binance 0.1 %, no withdrawal fees known. */
  public static TradingCosts defaults() {
    return new TradingCosts(
        Map.of(Venue.UPBIT, new BigDecimal("0.0005"), Venue.BINANCE, new BigDecimal("0.001")), Map.of());
  }

  public BigDecimal takerFee(Venue venue) {
    return takerFee.get(venue);
  }

  /** The fee (in the coin) {@code from} charges to withdraw {@code coin}; zero when not configured. */
  public BigDecimal withdrawalFee(Venue from, String coin) {
    return withdrawalFee.get(from).getOrDefault(coin, BigDecimal.ZERO);
  }

  public boolean knowsWithdrawalFee(Venue from, String coin) {
    return withdrawalFee.get(from).containsKey(coin);
  }
}
