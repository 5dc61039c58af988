package io.kimp.gateway.limit;

/**
 * The venues' documented per-key limits and the margin kept free ({@code kimp.exchanges.rate-limits.*}).
 *
 * @param safetyMargin the part of every limit that no node uses (travel time, clock skew, requests of other tools)
 * @param upbitOrderPerSecond Upbit's {@code order} group (order creation)
 * @param upbitDefaultPerSecond Upbit's other exchange API groups
 * @param binanceWeightPerMinute Binance's {@code REQUEST_WEIGHT} on {@code /api} (per IP)
 * @param binanceSapiWeightPerMinute Binance's weight per minute of each IP-limited {@code /sapi} (wallet) endpoint, per
 *     IP, each endpoint counted on its own and apart from {@code /api} ({@code X-SAPI-USED-IP-WEIGHT-1M})
 * @param binanceOrdersPer10s Binance's {@code ORDERS} per 10 seconds (per account)
 * @param binanceOrdersPerDay Binance's {@code ORDERS} per day (per account)
 * @param futuresWeightPerMinute Binance USDT-M futures' {@code REQUEST_WEIGHT} on {@code /fapi} (per IP, counted apart
 *     from {@code /api})
 * @param futuresOrdersPerMinute Binance USDT-M futures' {@code ORDERS} per minute (per account)
 * @param futuresOrdersPer10s Binance USDT-M futures' {@code ORDERS} per 10 seconds (per account)
 * @param binanceSapiUidWeightPerMinute Binance's weight per minute of each UID-limited {@code /sapi} endpoint (withdraw,
 *     wallet transfer), per account ({@code X-SAPI-USED-UID-WEIGHT-1M}); the withdrawal history has it per second
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
    int futuresOrdersPer10s,
    int binanceSapiUidWeightPerMinute) {

  /** Binance's documented weight per minute of each UID-limited {@code /sapi} endpoint (per account, 2026). */
  public static final int SAPI_UID_WEIGHT_PER_MINUTE = 180_000;

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
        FUTURES_ORDERS_PER_10S, SAPI_UID_WEIGHT_PER_MINUTE);
  }

  /** The limits documented by the venues (2026), with a 20 % margin. */
  public static RateLimitSettings documented() {
    return new RateLimitSettings(0.2, 8, 30, 6000, 12000, 100, 200_000);
  }

  /** These limits with the futures API's replaced (a test reaches them in seconds). */
  public RateLimitSettings withFutures(int weightPerMinute, int ordersPerMinute, int ordersPer10s) {
    return new RateLimitSettings(safetyMargin, upbitOrderPerSecond, upbitDefaultPerSecond, binanceWeightPerMinute,
        binanceSapiWeightPerMinute, binanceOrdersPer10s, binanceOrdersPerDay, weightPerMinute, ordersPerMinute,
        ordersPer10s, binanceSapiUidWeightPerMinute);
  }

  /** These limits with the UID-limited {@code /sapi} weight per minute replaced. */
  public RateLimitSettings withSapiUid(int weightPerMinute) {
    return new RateLimitSettings(safetyMargin, upbitOrderPerSecond, upbitDefaultPerSecond, binanceWeightPerMinute,
        binanceSapiWeightPerMinute, binanceOrdersPer10s, binanceOrdersPerDay, futuresWeightPerMinute,
        futuresOrdersPerMinute, futuresOrdersPer10s, weightPerMinute);
  }
}
