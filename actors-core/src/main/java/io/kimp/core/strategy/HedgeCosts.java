package io.kimp.core.strategy;

import java.util.Map;
import java.util.Objects;

/**
 * What the transfer hedge adds to a trade's costs, for the edge: a coin bought to be transferred is shorted on its USDT-M
 * perpetual until it is sold, which costs the futures taker fee twice (open and close) and the perpetual's spread, and
 * pays or earns funding for as long as the transfer takes. The edge counts these only for a coin that will be hedged,
 * so that the detector does not offer a hedged trade whose edge the hedge eats.
 *
 * @param enabled {@code kimp.hedge.enabled}
 * @param skipUnlisted {@code kimp.hedge.unlisted = skip}: a coin without a (fresh) perpetual is not offered at all;
 *     otherwise ({@code trade-unhedged}) it is offered unhedged, with the plain edge
 * @param futuresTaker {@code kimp.fees.binance-futures.taker}, a fraction
 * @param defaultTransferMinutes the expected transfer time of a coin without its own
 * @param transferMinutes the expected transfer time per coin, minutes
 */
public record HedgeCosts(
    boolean enabled,
    boolean skipUnlisted,
    double futuresTaker,
    double defaultTransferMinutes,
    Map<String, Double> transferMinutes) {

  /** Binance pays funding every 8 hours: a rate is per 480 minutes. */
  public static final double FUNDING_PERIOD_MINUTES = 480;

  public HedgeCosts {
    transferMinutes = Map.copyOf(Objects.requireNonNull(transferMinutes, "transferMinutes"));
    if (!(futuresTaker >= 0) || futuresTaker >= 1) {
      throw new IllegalArgumentException("the futures taker fee must be a fraction in [0, 1), not " + futuresTaker);
    }
    if (!(defaultTransferMinutes >= 0)) {
      throw new IllegalArgumentException("the expected transfer time must not be negative");
    }
    transferMinutes.forEach(
        (coin, m) -> {
          if (!(m >= 0)) {
            throw new IllegalArgumentException("the expected transfer time of " + coin + " must not be negative");
          }
        });
  }

  /** No hedge: the edge is the spot trade's alone. */
  public static HedgeCosts off() {
    return new HedgeCosts(false, false, 0.0005, 30, Map.of());
  }

  /** How long {@code coin} is expected to be in transfer, minutes (what its funding is paid or earned over). */
  public double expectedMinutes(String coin) {
    Double m = transferMinutes.get(coin);
    return m != null ? m : defaultTransferMinutes;
  }

  /**
   * The funding a short of notional 1 is expected to receive over {@code coin}'s transfer at {@code fundingRate}: rate
   * × minutes / 480, signed (negative: the short pays).
   */
  public double expectedFundingFraction(String coin, double fundingRate) {
    return fundingRate * expectedMinutes(coin) / FUNDING_PERIOD_MINUTES;
  }
}
