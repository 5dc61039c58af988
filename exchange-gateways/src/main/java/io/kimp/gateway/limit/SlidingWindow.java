package io.kimp.gateway.limit;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * A weighted sliding-window limiter: a request of weight {@code w} goes only when the weights sent in the last
 * {@code windowMs} plus {@code w} stay within the budget (read on every call, so a new share applies at once). The window
 * is the venue's interval plus a margin for travel time and clock skew: counting per calendar interval on our clock let a
 * burst at the end of one of our intervals and another at the start of the next land in the same interval at the venue.
 * A window may also be paused until a given time (the venue reported its budget spent).
 */
public final class SlidingWindow {
  private final String name;
  private final long windowMs;
  private final IntSupplier budget;
  private final Clock clock;
  private final ArrayDeque<long[]> sent = new ArrayDeque<>(); // {at, weight}, oldest first
  private long weightInWindow;
  private long pausedUntil;

  public SlidingWindow(String name, long windowMs, IntSupplier budget, Clock clock) {
    this.name = name;
    this.windowMs = windowMs;
    this.budget = budget;
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  /**
   * 0 when a request of {@code weight} may go now (and counts it), else how many ms to wait before asking again. A request
   * heavier than the whole budget goes alone into an empty window.
   */
  public synchronized long tryAcquire(int weight) {
    long now = clock.millis();
    expire(now);
    long wait = Math.max(0, pausedUntil - now);
    int b = budget.getAsInt();
    if (wait == 0 && weightInWindow > 0 && weightInWindow + weight > b) {
      // wait until enough of the oldest requests have left the window
      long freed = 0;
      for (long[] s : sent) {
        freed += s[1];
        if (weightInWindow - freed + weight <= b) {
          wait = s[0] + windowMs - now + 1;
          break;
        }
      }
    }
    if (wait > 0) {
      return wait;
    }
    sent.addLast(new long[] {now, weight});
    weightInWindow += weight;
    return 0;
  }

  /** Takes back the request this window counted last (another window refused it). */
  public synchronized void undoLast() {
    long[] last = sent.pollLast();
    if (last != null) {
      weightInWindow -= last[1];
    }
  }

  /** Sends nothing more until {@code untilMs} (epoch ms on this window's clock); a longer pause already set is kept. */
  public synchronized void pauseUntil(long untilMs) {
    pausedUntil = Math.max(pausedUntil, untilMs);
  }

  /** Weight counted in the current window. */
  public synchronized long used() {
    expire(clock.millis());
    return weightInWindow;
  }

  private void expire(long now) {
    while (!sent.isEmpty() && sent.peekFirst()[0] <= now - windowMs) {
      weightInWindow -= sent.pollFirst()[1];
    }
  }
}
