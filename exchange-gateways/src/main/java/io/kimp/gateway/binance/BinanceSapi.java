package io.kimp.gateway.binance;

import io.kimp.gateway.limit.ClusterShare;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.limit.RateLimitSettings;
import io.kimp.gateway.limit.SlidingWindow;
import java.time.Clock;
import java.util.Map;

/**
 * How Binance counts the {@code /sapi} (wallet) endpoints kimp calls, apart from {@code /api} and apart from each other:
 * each endpoint is either IP-limited (an independent 12,000 a minute per IP, reported in
 * {@code X-SAPI-USED-IP-WEIGHT-1M}) or UID-limited (an independent 180,000 a minute per account,
 * {@code X-SAPI-USED-UID-WEIGHT-1M}), with the weight on its doc page. The withdrawal history is UID-limited per second
 * instead (180,000 a second, {@code X-SAPI-USED-UID-WEIGHT-1S}) and weighs 18,000: ten looks a second. Exceeding any of
 * them is a 429, never a 418.
 */
final class BinanceSapi {
  private BinanceSapi() {}

  /** An endpoint's weight, whether it counts on the account (UID) rather than the IP, and its interval. */
  record Cost(boolean uid, int weight, long intervalMs) {

    /** The usage header Binance answers this endpoint with (lower case). */
    String header() {
      return "x-sapi-used-" + (uid ? "uid" : "ip") + "-weight-" + (intervalMs == 1_000 ? "1s" : "1m");
    }

    int documentedLimit(RateLimitSettings l) {
      return uid ? l.binanceSapiUidWeightPerMinute() : l.binanceSapiWeightPerMinute();
    }
  }

  private static final long MINUTE = 60_000;

  private static final Map<String, Cost> COSTS =
      Map.ofEntries(
          Map.entry("GET /sapi/v1/capital/config/getall", new Cost(false, 10, MINUTE)),
          Map.entry("GET /sapi/v1/capital/deposit/address", new Cost(false, 10, MINUTE)),
          Map.entry("GET /sapi/v1/capital/deposit/hisrec", new Cost(false, 1, MINUTE)),
          Map.entry("GET /sapi/v1/account/apiRestrictions", new Cost(false, 1, MINUTE)),
          Map.entry("POST /sapi/v1/capital/withdraw/apply", new Cost(true, 900, MINUTE)),
          Map.entry("GET /sapi/v1/capital/withdraw/history", new Cost(true, 18_000, 1_000)),
          Map.entry("POST /sapi/v1/asset/transfer", new Cost(true, 900, MINUTE)));

  static boolean counts(String endpoint) {
    return endpoint.contains(" /sapi/");
  }

  /** The endpoint's cost; one kimp does not know is taken as IP weight 20 a minute. */
  static Cost cost(String endpoint) {
    return COSTS.getOrDefault(endpoint, new Cost(false, 20, MINUTE));
  }

  /**
   * The node's window of one {@code /sapi} endpoint on the key, shared by every gateway of the node on the key (the spot
   * gateway and the futures gateway's wallet transfer); its budget is the node's share of the endpoint's limit.
   */
  static SlidingWindow window(KeyLimits keyLimits, String endpoint, Clock clock) {
    Cost c = cost(endpoint);
    RateLimitSettings l = keyLimits.settings();
    return keyLimits.window("binance:sapi:" + endpoint, c.intervalMs() + BinanceThrottle.MARGIN_MS,
        () -> c.documentedLimit(l), clock);
  }

  /**
   * Holds {@code endpoint}'s window until Binance's next interval when its usage header (the key's usage over all
   * nodes) reached the cluster's budget.
   */
  static void update(KeyLimits keyLimits, String endpoint, Map<String, String> headers, Clock clock) {
    Cost c = cost(endpoint);
    ClusterShare share = keyLimits.share();
    BinanceWindows.pauseAtBudget(headers, c.header(), share.clusterBudget(c.documentedLimit(keyLimits.settings())),
        window(keyLimits, endpoint, clock), clock.millis(), c.intervalMs());
  }
}
