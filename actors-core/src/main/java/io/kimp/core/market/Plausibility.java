package io.kimp.core.market;

import java.time.Duration;

/**
 * Which market values are believable: the one place ticks are judged before they reach the market state and the
 * detector (the parsers only check that a number is a positive, finite price). Pure functions of an event, the last
 * accepted prices and a few settings.
 *
 * <ul>
 *   <li>An exchange timestamp must be a plausible epoch: positive and within {@code maxClockSkew} of the receive time
 *       (a text or negative field arrives as -1, a zero or a wrong unit is years away).
 *   <li>Every price must lie in [{@code minPrice}, {@code maxPrice}]: {@code 1e300}, {@code 1e38} or a subnormal
 *       {@code 1e-320} never pass, even as the very first price of a coin.
 *   <li>A price may move at most {@code maxMove} (a fraction) from the last price accepted for that coin at that venue,
 *       when that one is younger than {@code referenceMaxAge}.
 *   <li>A price may lie at most {@code maxCrossVenueDeviation} from the other venue's last accepted price times the
 *       USDT/KRW rate (the fair value), when both are younger than {@code referenceMaxAge}. This is what catches a wrong
 *       first price at one venue while the other is known.
 * </ul>
 *
 * <p>A real move larger than the band shows at both venues: their prices are refused until their references are older
 * than {@code referenceMaxAge}, then accepted as first prices again. Meanwhile the coin is stale and offers nothing,
 * which is the safe side.
 */
public final class Plausibility {

  /** Why an event was refused; {@link #label()} is the metric label. */
  public enum Verdict {
    OK,
    /** The exchange timestamp is no plausible epoch. */
    IMPLAUSIBLE_TIMESTAMP,
    /** A price outside the absolute bounds or the band around the last accepted or the cross-venue price. */
    IMPLAUSIBLE_PRICE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * @param maxMove the largest accepted move from the venue's last accepted price, as a fraction (0.2 = 20 %)
   * @param maxCrossVenueDeviation the largest accepted distance from the other venue's price times USDT/KRW (0.3 = 30 %)
   * @param referenceMaxAge a last accepted price older than this is no reference
   * @param minPrice the smallest price believed at all, in any quote currency
   * @param maxPrice the largest price believed at all, in any quote currency
   * @param maxClockSkew the largest distance between an exchange timestamp and its receive time
   */
  public record Settings(
      double maxMove,
      double maxCrossVenueDeviation,
      Duration referenceMaxAge,
      double minPrice,
      double maxPrice,
      Duration maxClockSkew) {
    public Settings {
      if (!(maxMove > 0) || !(maxCrossVenueDeviation > 0) || !(minPrice > 0) || !(maxPrice > minPrice)
          || referenceMaxAge.isNegative() || maxClockSkew.isNegative()) {
        throw new IllegalArgumentException("bad plausibility settings " + maxMove + " " + maxCrossVenueDeviation + " "
            + minPrice + " " + maxPrice);
      }
    }

    /** The documented defaults (feed-streams' reference.conf, {@code kimp.feeds.plausibility}). */
    public static Settings defaults() {
      return new Settings(0.20, 0.30, Duration.ofSeconds(60), 1e-10, 1e10, Duration.ofHours(1));
    }
  }

  private final double maxMove;
  private final double maxCross;
  private final long referenceMaxAgeMs;
  private final double minPrice;
  private final double maxPrice;
  private final long maxSkewMs;

  public Plausibility(Settings s) {
    this.maxMove = s.maxMove();
    this.maxCross = s.maxCrossVenueDeviation();
    this.referenceMaxAgeMs = s.referenceMaxAge().toMillis();
    this.minPrice = s.minPrice();
    this.maxPrice = s.maxPrice();
    this.maxSkewMs = s.maxClockSkew().toMillis();
  }

  /** Whether {@code exchangeTs} is a plausible epoch for an event received at {@code receivedAt}. */
  public boolean timestamp(long exchangeTs, long receivedAt) {
    return exchangeTs > 0 && Math.abs(exchangeTs - receivedAt) <= maxSkewMs;
  }

  /** Whether {@code p} is inside the absolute bounds. */
  public boolean bounded(double p) {
    return p >= minPrice && p <= maxPrice;
  }

  /**
   * Whether {@code p} is believable against a reference price: true when there is no reference (NaN, or accepted before
   * {@code now - referenceMaxAge}), else when {@code p} is within {@code band} of it.
   */
  boolean near(double p, double reference, long referenceAt, long now, double band) {
    if (!(reference > 0) || now - referenceAt > referenceMaxAgeMs) {
      return true;
    }
    return p <= reference * (1 + band) && p >= reference * (1 - band); // no division on the hot path
  }

  /** {@link #near} with the same-venue band. */
  public boolean nearOwn(double p, double reference, long referenceAt, long now) {
    return near(p, reference, referenceAt, now, maxMove);
  }

  /** {@link #near} with the cross-venue band. */
  public boolean nearFair(double p, double fair, long fairAt, long now) {
    return near(p, fair, fairAt, now, maxCross);
  }
}
