package io.kimp.gateway.binance;

import io.kimp.gateway.limit.ClusterShare;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.limit.RateLimitSettings;
import io.kimp.gateway.limit.SlidingWindow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps this node within its share ({@link ClusterShare}) of the key's documented Binance limits: the request weight per
 * minute on {@code /api} (per IP), each {@code /sapi} (wallet) endpoint's own weight window ({@link BinanceSapi}), and
 * the orders per 10 seconds and per day (per account). Each request waits until every window it counts in has room.
 *
 * <p>Binance counts per calendar interval; sliding windows one interval plus {@link #MARGIN_MS} long are stricter than
 * that, whatever the clocks. The venue's own count is the feedback: {@code X-MBX-USED-WEIGHT-1M} and
 * {@code X-MBX-ORDER-COUNT-10S} (and {@code X-SAPI-USED-IP-WEIGHT-1M} / {@code X-SAPI-USED-UID-WEIGHT-1M}) are the
 * key's (all nodes') usage in the current interval; when one reaches the whole
 * cluster's budget (the limit less the margin), more than this node's share explains, the window waits for the venue's
 * next interval.
 */
final class BinanceThrottle implements BinanceLink.Throttle {
  /** Travel time and its jitter between our clock and the venue's intervals (as {@code UpbitThrottle.MARGIN_MS}). */
  static final long MARGIN_MS = 250;
  /** The documented weight of each {@code /api} endpoint kimp calls ({@code GET /api/v3/account} 20, …); unknown: 20. */
  private static final Map<String, Integer> WEIGHTS =
      Map.ofEntries(
          Map.entry("POST /api/v3/order", 1),
          Map.entry("GET /api/v3/order", 4),
          Map.entry("DELETE /api/v3/order", 1),
          Map.entry("GET /api/v3/myTrades", 20),
          Map.entry("GET /api/v3/account", 20),
          Map.entry("GET /api/v3/exchangeInfo", 20),
          Map.entry("GET /api/v3/time", 1));

  private final Clock clock;
  private final ClusterShare share;
  private final RateLimitSettings limits;
  private final SlidingWindow apiWeight;
  private final KeyLimits keyLimits;
  private final SlidingWindow orders10s;
  private final SlidingWindow ordersDay;

  /** The node's throttle of the key: the {@code /sapi} windows are the node's of the key ({@link BinanceSapi}). */
  BinanceThrottle(Clock clock, KeyLimits keyLimits) {
    this.clock = clock;
    this.share = keyLimits.share();
    this.limits = keyLimits.settings();
    this.apiWeight =
        new SlidingWindow("api-weight-1m", 60_000 + MARGIN_MS, () -> share.of(limits.binanceWeightPerMinute()), clock);
    this.keyLimits = keyLimits;
    this.orders10s =
        new SlidingWindow("orders-10s", 10_000 + MARGIN_MS, () -> share.of(limits.binanceOrdersPer10s()), clock);
    this.ordersDay =
        new SlidingWindow("orders-1d", 86_400_000 + MARGIN_MS, () -> share.of(limits.binanceOrdersPerDay()), clock);
  }

  static int weight(String endpoint) {
    return BinanceSapi.counts(endpoint) ? BinanceSapi.cost(endpoint).weight() : WEIGHTS.getOrDefault(endpoint, 20);
  }

  /**
   * 0 when {@code endpoint} may be called now (and counts it in every window), else how many ms to wait. All windows are
   * checked before any is counted, under one lock, so a request refused by one window is counted in none.
   */
  @Override
  public synchronized long tryAcquire(String endpoint) {
    List<SlidingWindow> windows = new ArrayList<>(3);
    List<Integer> weights = new ArrayList<>(3);
    windows.add(BinanceSapi.counts(endpoint) ? BinanceSapi.window(keyLimits, endpoint, clock) : apiWeight);
    weights.add(weight(endpoint));
    if (endpoint.equals("POST /api/v3/order")) {
      windows.add(orders10s);
      weights.add(1);
      windows.add(ordersDay);
      weights.add(1);
    }
    return BinanceWindows.tryAcquireAll(windows, weights);
  }

  /** Reads the venue's usage headers (lower-case names); slows down when the key's usage is beyond the cluster budget. */
  @Override
  public void update(String endpoint, Map<String, String> headers) {
    long now = clock.millis();
    BinanceWindows.pauseAtBudget(
        headers, "x-mbx-used-weight-1m", share.clusterBudget(limits.binanceWeightPerMinute()), apiWeight, now, 60_000);
    BinanceWindows.pauseAtBudget(
        headers, "x-mbx-order-count-10s", share.clusterBudget(limits.binanceOrdersPer10s()), orders10s, now, 10_000);
    if (BinanceSapi.counts(endpoint)) {
      BinanceSapi.update(keyLimits, endpoint, headers, clock);
    }
  }
}
