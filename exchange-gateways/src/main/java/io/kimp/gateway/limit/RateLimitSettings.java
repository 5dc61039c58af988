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
 * @param futuresWeightPerMinute Binance USDT-M futures' {@code REQUEST_WEIGHT} on {@code /fapi} (per IP, counted apart
 *     from {@code /api})
 * @param futuresOrdersPerMinute Binance USDT-M futures' {@code ORDERS} per minute (per account)
 * @param futuresOrdersPer10s Binance USDT-M futures' {@code ORDERS} per 10 seconds (per account)
 */
public record RateLimitSettings(
    double safetyMargin,
    int upbitOrderPerSecond,
    int upbitDefaultPerSecond,
    int binanceWeightPerMinute,
    int binanceSapiWeightPerMinute,
    int binanceOrdersPer10s,
    int binanceOrdersPerDay,
    int futuresWeightPerMinute,
    int futuresOrdersPerMinute,
    int futuresOrdersPer10s) {

  /** Binance USDT-M futures' documented limits ({@code /fapi/v1/exchangeInfo} {@code rateLimits}, 2026). */
  public static final int FUTURES_WEIGHT_PER_MINUTE = 2400;
  public static final int FUTURES_ORDERS_PER_MINUTE = 1200;
  public static final int FUTURES_ORDERS_PER_10S = 300;

  /** The spot and wallet limits; the futures API's are the documented ones. */
  public RateLimitSettings(
      double safetyMargin, int upbitOrderPerSecond, int upbitDefaultPerSecond, int binanceWeightPerMinute,
      int binanceSapiWeightPerMinute, int binanceOrdersPer10s, int binanceOrdersPerDay) {
    this(safetyMargin, upbitOrderPerSecond, upbitDefaultPerSecond, binanceWeightPerMinute, binanceSapiWeightPerMinute,
        binanceOrdersPer10s, binanceOrdersPerDay, FUTURES_WEIGHT_PER_MINUTE, FUTURES_ORDERS_PER_MINUTE,
        FUTURES_ORDERS_PER_10S);
  }

  /** The limits documented by the venues (2026), with a 20 % margin. */
  public static RateLimitSettings documented() {
    return new RateLimitSettings(0.2, 8, 30, 6000, 12000, 100, 200_000);
  }

  /** These limits with the futures API's replaced (a test reaches them in seconds). */
  public RateLimitSettings withFutures(int weightPerMinute, int ordersPerMinute, int ordersPer10s) {
    return new RateLimitSettings(safetyMargin, upbitOrderPerSecond, upbitDefaultPerSecond, binanceWeightPerMinute,
        binanceSapiWeightPerMinute, binanceOrdersPer10s, binanceOrdersPerDay, weightPerMinute, ordersPerMinute,
        ordersPer10s);
  }
}
