package io.kimp.gateway.binance;

import io.kimp.gateway.limit.SlidingWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How the spot and the futures throttles ({@link BinanceThrottle}, {@link BinanceFuturesThrottle}) use their windows,
 * the same for both because Binance counts both the same way: a request is counted in every window it counts in or in
 * none, it waits and tries again until there is room, and a usage header at the cluster's budget holds its window until
 * the venue's next calendar interval. Which windows there are, and what each endpoint weighs, stays with each throttle.
 */
final class BinanceWindows {
  private BinanceWindows() {}

  /** Completes once {@code tryAcquire} (0: counted, else the ms to wait) has counted the request, after any waits. */
  static CompletionStage<Void> acquire(LongSupplier tryAcquire) {
    long waitMs = tryAcquire.getAsLong();
    if (waitMs == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS))
        .thenCompose(x -> acquire(tryAcquire));
  }

  /**
   * 0 when every window has room for its weight (and the request is counted in each), else the longest wait, counted in
   * none: the windows that had room take their count back. The caller holds its lock around it.
   */
  static long tryAcquireAll(List<SlidingWindow> windows, List<Integer> weights) {
    long wait = 0;
    List<SlidingWindow> taken = new ArrayList<>(windows.size());
    for (int i = 0; i < windows.size(); i++) {
      long x = windows.get(i).tryAcquire(weights.get(i));
      if (x > 0) {
        wait = Math.max(wait, x);
      } else {
        taken.add(windows.get(i));
      }
    }
    if (wait > 0) {
      taken.forEach(SlidingWindow::undoLast);
    }
    return wait;
  }

  /**
   * Holds {@code window} until the venue's next interval of {@code intervalMs} when the usage header {@code name} (the
   * key's usage over all nodes) has reached {@code clusterBudget}; a missing or unreadable header changes nothing.
   */
  static void pauseAtBudget(Map<String, String> headers, String name, long clusterBudget, SlidingWindow window,
      long now, long intervalMs) {
    String v = headers.get(name);
    if (v == null) {
      return;
    }
    long used;
    try {
      used = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return;
    }
    if (used >= clusterBudget) {
      window.pauseUntil(nextBoundary(now, intervalMs));
    }
  }

  /** The start of the venue's next interval of {@code intervalMs} (plus the margin), by this node's clock. */
  static long nextBoundary(long now, long intervalMs) {
    return (now / intervalMs + 1) * intervalMs + BinanceThrottle.MARGIN_MS;
  }
}
