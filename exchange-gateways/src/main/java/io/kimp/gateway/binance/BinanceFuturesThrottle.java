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
 * Keeps this node within its share of the key's documented Binance USDT-M futures limits, which Binance counts apart
 * from spot's: the request weight per minute on {@code /fapi} (per IP, 2400), and the orders per minute (1200) and per
 * 10 seconds (300, per account). The wallet transfer ({@code /sapi/v1/asset/transfer}, UID weight 900) counts in its
 * own {@code /sapi} window ({@link BinanceSapi}). Every window is the node's one limiter of its (key, API family), taken
 * from {@link KeyLimits#window}; the venue's {@code X-MBX-USED-WEIGHT-1M} and {@code X-MBX-ORDER-COUNT-1M}/{@code -10S}
 * headers (all nodes' usage) beyond the cluster's budget hold a window until the venue's next interval, as for spot.
 */
final class BinanceFuturesThrottle implements BinanceLink.Throttle {
  /** {@code POST /fapi/v1/order} weighs 0 on the IP limit and 1 on each order count (Binance's New Order docs). */
  private static final Map<String, Integer> WEIGHTS =
      Map.ofEntries(
          Map.entry("POST /fapi/v1/order", 0),
          Map.entry("GET /fapi/v1/order", 1),
          Map.entry("GET /fapi/v1/userTrades", 5),
          Map.entry("GET /fapi/v2/positionRisk", 5),
          Map.entry("POST /fapi/v1/leverage", 1),
          Map.entry("GET /fapi/v2/account", 5),
          Map.entry("GET /fapi/v1/exchangeInfo", 1),
          Map.entry("GET /fapi/v1/commissionRate", 20),
          Map.entry("GET /fapi/v1/time", 1));

  private final Clock clock;
  private final ClusterShare share;
  private final RateLimitSettings limits;
  private final SlidingWindow weight;
  private final SlidingWindow orders1m;
  private final SlidingWindow orders10s;
  private final KeyLimits keyLimits;

  BinanceFuturesThrottle(Clock clock, KeyLimits keyLimits) {
    this.clock = clock;
    this.share = keyLimits.share();
    this.limits = keyLimits.settings();
    long m = BinanceThrottle.MARGIN_MS;
    this.weight = keyLimits.window("binance-futures:weight-1m", 60_000 + m, limits::futuresWeightPerMinute, clock);
    this.orders1m = keyLimits.window("binance-futures:orders-1m", 60_000 + m, limits::futuresOrdersPerMinute, clock);
    this.orders10s = keyLimits.window("binance-futures:orders-10s", 10_000 + m, limits::futuresOrdersPer10s, clock);
    this.keyLimits = keyLimits;
  }

  static int weight(String endpoint) {
    return BinanceSapi.counts(endpoint) ? BinanceSapi.cost(endpoint).weight() : WEIGHTS.getOrDefault(endpoint, 20);
  }

  /** 0 when {@code endpoint} may go now (counted in every window it counts in), else how many ms to wait. */
  @Override
  public synchronized long tryAcquire(String endpoint) {
    List<SlidingWindow> windows = new ArrayList<>(3);
    List<Integer> weights = new ArrayList<>(3);
    int w = weight(endpoint);
    if (BinanceSapi.counts(endpoint)) {
      windows.add(BinanceSapi.window(keyLimits, endpoint, clock));
      weights.add(w);
    } else if (w > 0) {
      windows.add(weight);
      weights.add(w);
    }
    if (endpoint.equals("POST /fapi/v1/order")) {
      windows.add(orders1m);
      weights.add(1);
      windows.add(orders10s);
      weights.add(1);
    }
    return BinanceWindows.tryAcquireAll(windows, weights);
  }

  /** Reads the venue's usage headers (lower-case names); slows down when the key's usage is beyond the cluster budget. */
  @Override
  public void update(String endpoint, Map<String, String> headers) {
    long now = clock.millis();
    BinanceWindows.pauseAtBudget(
        headers, "x-mbx-used-weight-1m", share.clusterBudget(limits.futuresWeightPerMinute()), weight, now, 60_000);
    BinanceWindows.pauseAtBudget(
        headers, "x-mbx-order-count-1m", share.clusterBudget(limits.futuresOrdersPerMinute()), orders1m, now, 60_000);
    BinanceWindows.pauseAtBudget(
        headers, "x-mbx-order-count-10s", share.clusterBudget(limits.futuresOrdersPer10s()), orders10s, now, 10_000);
    if (BinanceSapi.counts(endpoint)) {
      BinanceSapi.update(keyLimits, endpoint, headers, clock);
    }
  }
}
