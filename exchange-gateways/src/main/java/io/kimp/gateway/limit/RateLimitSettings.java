package io.kimp.gateway.limit;

/**
 * The venues' documented per-key limits and the margin kept free ({@code kimp.exchanges.rate-limits.*}).
 *
 * @param safetyMargin the part of every limit that no node uses (travel time, clock skew, requests of other tools)
 * @param upbitOrderPerSecond Upbit's {@code order} group (order creation)
 * @param upbitDefaultPerSecond Upbit's other exchange API groups
 * @param binanceWeightPerMinute Binance's {@code REQUEST_WEIGHT} on {@code /api} (per IP)
 * @param binanceSapiWeightPerMinute Binance's weight on {@code /sapi} (wallet) endpoints, counted apart
 * @param binanceOrdersPer10s Binance's {@code ORDERS} per 10 seconds (per account)
 * @param binanceOrdersPerDay Binance's {@code ORDERS} per day (per account)
 */
public record RateLimitSettings(
    double safetyMargin,
    int upbitOrderPerSecond,
    int upbitDefaultPerSecond,
    int binanceWeightPerMinute,
    int binanceSapiWeightPerMinute,
    int binanceOrdersPer10s,
    int binanceOrdersPerDay) {

  /** The limits documented by the venues (2026), with a 20 % margin. */
  public static RateLimitSettings documented() {
    return new RateLimitSettings(0.2, 8, 30, 6000, 12000, 100, 200_000);
  }
}
