package io.kimp.backtest.sim;

import io.kimp.core.cycle.CycleInput.TimerKind;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The cycles' timers on the simulated clock, with the semantics of Pekko's {@code TimerScheduler} that each live entity
 * uses: per entity (symbol) one timer per kind (starting a kind again replaces it), cancel by kind, and timers due at
 * the same instant fire in the order they were started, whichever entity started them.
 */
final class SimTimers {
  record Timer(String entity, TimerKind kind, String ref, Instant due, long seq) {}

  private final Map<String, Map<TimerKind, Timer>> timers = new HashMap<>();
  private long seq;

  void start(String entity, TimerKind kind, String ref, Instant due) {
    timers.computeIfAbsent(entity, e -> new EnumMap<>(TimerKind.class))
        .put(kind, new Timer(entity, kind, ref, due, seq++));
  }

  void cancel(String entity, TimerKind kind) {
    Map<TimerKind, Timer> of = timers.get(entity);
    if (of != null) {
      of.remove(kind);
    }
  }

  /** Removes and returns the earliest timer due at or before {@code until}, or null. */
  Timer pollDue(Instant until) {
    Timer best = null;
    for (Map<TimerKind, Timer> of : timers.values()) {
      for (Timer t : of.values()) {
        if (!t.due().isAfter(until)
            && (best == null || t.due().isBefore(best.due())
                || (t.due().equals(best.due()) && t.seq() < best.seq()))) {
          best = t;
        }
      }
    }
    if (best != null) {
      timers.get(best.entity()).remove(best.kind());
    }
    return best;
  }
}
