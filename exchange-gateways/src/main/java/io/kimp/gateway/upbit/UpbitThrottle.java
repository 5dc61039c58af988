package io.kimp.gateway.upbit;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps Upbit's per-second request budget from its {@code Remaining-Req: group=order; min=…; sec=N} header: once a group's
 * budget for the current second is spent, further requests of that group wait for the next second instead of drawing a
 * 429 (and, repeated, a 418 ban).
 */
final class UpbitThrottle {
  private static final Pattern GROUP = Pattern.compile("group=([^;\\s]+)");
  private static final Pattern SEC = Pattern.compile("sec=(\\d+)");

  /** Upbit's documented per-second budgets, assumed until a reply states what is left. */
  private static final Map<String, Integer> DOCUMENTED = Map.of("order", 8, "default", 30);

  private final Clock clock;
  private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

  /** What is left of {@code second}'s budget. */
  private static final class Budget {
    long second = -1;
    int remaining = Integer.MAX_VALUE;
  }

  UpbitThrottle(Clock clock) {
    this.clock = clock;
  }

  /** Completes when a request of {@code group} may be sent. */
  CompletionStage<Void> acquire(String group) {
    Budget b = budgets.computeIfAbsent(group, g -> new Budget());
    long delayMs;
    synchronized (b) {
      long nowMs = clock.millis();
      long second = nowMs / 1000;
      if (b.second != second) {
        b.second = second;
        b.remaining = DOCUMENTED.getOrDefault(group, 8); // until the venue tells us
      }
      if (b.remaining > 0) {
        b.remaining--;
        return CompletableFuture.completedFuture(null);
      }
      delayMs = (second + 1) * 1000 - nowMs + 5;
    }
    return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS))
        .thenCompose(x -> acquire(group));
  }

  /** Learns the budget from a reply's {@code Remaining-Req}; returns the group it names (or null). */
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
    int sec = Integer.parseInt(s.group(1));
    Budget b = budgets.computeIfAbsent(group, x -> new Budget());
    synchronized (b) {
      long second = clock.millis() / 1000;
      if (b.second != second) {
        b.second = second;
        b.remaining = sec;
      } else {
        b.remaining = Math.min(b.remaining, sec);
      }
    }
    return group;
  }
}
