package io.kimp.simulator;

import io.kimp.simulator.account.RateLimit;

/**
 * A fixed-window counter, as the venues count requests: Binance's request weight per minute, Upbit's requests per second
 * and group. Thread-safe. A {@link RateLimit}, so that a venue's private endpoints can count on its public window.
 */
final class RateWindow implements RateLimit {
  private final long windowMillis;
  private final int limit;
  private long windowStart;
  private int used;

  RateWindow(long windowMillis, int limit) {
    this.windowMillis = windowMillis;
    this.limit = limit;
  }

  /** Adds {@code weight} at {@code now}; returns the weight used in the window, or -1 if that goes over the limit. */
  @Override
  public synchronized int add(long now, int weight) {
    long start = now - Math.floorMod(now, windowMillis);
    if (start != windowStart) {
      windowStart = start;
      used = 0;
    }
    if (used + weight > limit) {
      used += weight; // refused requests count too, as on Binance
      return -1;
    }
    used += weight;
    return used;
  }

  @Override
  public synchronized int used(long now) {
    return now - windowStart >= windowMillis ? 0 : used;
  }

  @Override
  public int limit() {
    return limit;
  }

  /** Seconds until the window ends (at least 1). */
  @Override
  public long secondsLeft(long now) {
    return Math.max(1, (windowMillis - Math.floorMod(now, windowMillis) + 999) / 1000);
  }
}
