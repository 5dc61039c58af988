package io.kimp.gateway.upbit;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps each of Upbit's request groups within its per-second budget ({@code Remaining-Req: group=order; min=…; sec=N};
 * documented: 8/s for orders, 30/s for the rest), so that kimp waits instead of drawing a 429 (and, repeated, a 418
 * ban).
 *
 * <p>A sliding window, not calendar seconds: a request of a group is sent only when fewer than its budget were sent in
 * the last {@link #WINDOW_MS} ms. Counting per calendar second on our clock let a burst at the end of one of our seconds
 * and another at the start of the next land in the same second at the venue (the requests travel for a few ms, and the
 * clocks differ); the window is a second plus {@link #MARGIN_MS} for that. When a reply says the venue's budget for its
 * second is spent ({@code sec=0}, e.g. another client shares the key), the group waits a whole second.
 */
final class UpbitThrottle {
  private static final Pattern GROUP = Pattern.compile("group=([^;\\s]+)");
  private static final Pattern SEC = Pattern.compile("sec=(\\d+)");

  /** Upbit's documented per-second budgets. */
  private static final Map<String, Integer> DOCUMENTED = Map.of("order", 8, "default", 30);

  /** How far apart the venue may see two requests we sent {@code WINDOW_MS} apart: travel time and clock skew. */
  static final long MARGIN_MS = 50;

  static final long WINDOW_MS = 1000 + MARGIN_MS;

  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** When the group's recent requests were sent (oldest first, at most its budget), and any pause the venue asked for. */
  private static final class Window {
    final int budget;
    final ArrayDeque<Long> sentAt = new ArrayDeque<>();
    long pausedUntil;

    Window(int budget) {
      this.budget = budget;
    }
  }

  UpbitThrottle(Clock clock) {
    this.clock = clock;
  }

  private Window window(String group) {
    return windows.computeIfAbsent(group, g -> new Window(DOCUMENTED.getOrDefault(g, 8)));
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
    Window w = window(group);
    synchronized (w) {
      long now = clock.millis();
      while (!w.sentAt.isEmpty() && w.sentAt.peekFirst() <= now - WINDOW_MS) {
        w.sentAt.pollFirst();
      }
      long wait = Math.max(0, w.pausedUntil - now);
      if (w.sentAt.size() >= w.budget) {
        wait = Math.max(wait, w.sentAt.peekFirst() + WINDOW_MS - now + 1);
      }
      if (wait > 0) {
        return wait;
      }
      w.sentAt.addLast(now);
      return 0;
    }
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
    if (Integer.parseInt(s.group(1)) == 0) {
      Window w = window(group);
      synchronized (w) {
        w.pausedUntil = Math.max(w.pausedUntil, clock.millis() + 1000);
      }
    }
    return group;
  }
}
