package io.kimp.backtest.sim;

import io.kimp.core.cycle.CycleInput.TimerKind;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The cycle's timers on the simulated clock, with the semantics of Pekko's {@code TimerScheduler} that the live entity
 * uses: one timer per kind (starting a kind again replaces it), cancel by kind, and timers due at the same instant fire
 * in the order they were started.
 */
final class SimTimers {
  record Timer(TimerKind kind, String ref, Instant due, long seq) {}

  private final Map<TimerKind, Timer> timers = new EnumMap<>(TimerKind.class);
  private long seq;

  void start(TimerKind kind, String ref, Instant due) {
    timers.put(kind, new Timer(kind, ref, due, seq++));
  }

  void cancel(TimerKind kind) {
    timers.remove(kind);
  }

  /** Removes and returns the earliest timer due at or before {@code until}, or null. */
  Timer pollDue(Instant until) {
    Timer best = null;
    for (Timer t : timers.values()) {
      if (!t.due().isAfter(until)
          && (best == null || t.due().isBefore(best.due()) || (t.due().equals(best.due()) && t.seq() < best.seq()))) {
        best = t;
      }
    }
    if (best != null) {
      timers.remove(best.kind());
    }
    return best;
  }

  boolean isEmpty() {
    return timers.isEmpty();
  }
}
