package io.kimp.gateway.upbit;

import io.kimp.gateway.limit.ClusterShare;
import io.kimp.gateway.limit.SlidingWindow;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps each of Upbit's request groups within this node's share of the key's per-second budget
 * ({@code Remaining-Req: group=order; min=…; sec=N}; documented: 8/s for orders, 30/s for the rest), so that the nodes on
 * one key together wait instead of drawing a 429 (and, repeated, a 418 ban). The share is the budget less the safety
 * margin, divided by the cluster members on the key ({@link ClusterShare}), read on every request.
 *
 * <p>A sliding window, not calendar seconds: a request of a group is sent only when fewer than its share were sent in the
 * last {@link #WINDOW_MS} ms (a second plus {@link #MARGIN_MS} for travel time and its jitter). The venue's header is the
 * feedback: {@code sec} is what is left of the whole key's budget this second, every node's requests counted; when it
 * says the key has used its cluster budget (the limit less the margin) or more, the group waits a whole second.
 */
final class UpbitThrottle {
  private static final Pattern GROUP = Pattern.compile("group=([^;\\s]+)");
  private static final Pattern SEC = Pattern.compile("sec=(\\d+)");

  /**
   * How far apart the venue may see two requests we sent {@code WINDOW_MS} apart: travel time and its jitter (a request
   * that waits for a pooled connection, or on a loaded machine, arrives late and lands in the venue's next second beside
   * later ones). With 50 ms, one of several runs of three gateways on one key drew a 429 on this loaded 2-core machine.
   */
  static final long MARGIN_MS = 250;

  static final long WINDOW_MS = 1000 + MARGIN_MS;

  private final Clock clock;
  private final ClusterShare share;
  private final Map<String, Integer> documented;
  private final Map<String, SlidingWindow> windows = new ConcurrentHashMap<>();

  /** @param documented per-second budgets by group; an undocumented group gets the smallest */
  UpbitThrottle(Clock clock, ClusterShare share, Map<String, Integer> documented) {
    this.clock = clock;
    this.share = share;
    this.documented = Map.copyOf(documented);
  }

  private int limit(String group) {
    return documented.getOrDefault(group, documented.values().stream().min(Integer::compare).orElse(8));
  }

  private SlidingWindow window(String group) {
    return windows.computeIfAbsent(group, g -> new SlidingWindow(g, WINDOW_MS, () -> share.of(limit(g)), clock));
  }

  /** Completes when a request of {@code group} may be sent (the request is counted then). */
  CompletionStage<Void> acquire(String group) {
    long waitMs = tryAcquire(group);
    if (waitMs == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS))
        .thenCompose(x -> acquire(group));
  }

  /** 0 when a request of {@code group} may go now (and counts it), else how many ms to wait before asking again. */
  long tryAcquire(String group) {
    return window(group).tryAcquire(1);
  }

  /** Reads a reply's {@code Remaining-Req}; returns the group it names (or null). */
  String update(String header) {
    if (header == null) {
      return null;
    }
    Matcher g = GROUP.matcher(header);
    Matcher s = SEC.matcher(header);
    if (!g.find() || !s.find()) {
      return null;
    }
    String group = g.group(1);
    int left = Integer.parseInt(s.group(1));
    int limit = limit(group);
    if (left <= limit - share.clusterBudget(limit)) {
      // the key (all nodes together) has used what the cluster may use this second: more than our share explains
      window(group).pauseUntil(clock.millis() + 1000);
    }
    return group;
  }
}
