package io.kimp.app.metrics;

import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * Counts what becomes of the opportunities sent to the cycle entities: {@code kimp.cycle.starts} tagged
 * {@code outcome=accepted}, {@code refused} (with the {@link #reasonOf reason} in a few classes) or {@code failed} (no
 * answer). Other inputs pass through unmetered. Wrap the directory the opportunity detector sends its starts through.
 */
public final class MeteredCycleDirectory implements CycleDirectory {
  private final CycleDirectory cycles;
  private final MeterRegistry registry;

  public MeteredCycleDirectory(CycleDirectory cycles, MeterRegistry registry) {
    this.cycles = cycles;
    this.registry = registry;
  }

  @Override
  public CompletionStage<CycleReply> ask(String symbol, CycleInput.Operator input) {
    CompletionStage<CycleReply> reply = cycles.ask(symbol, input);
    if (!(input instanceof CycleInput.Start)) {
      return reply;
    }
    return reply.whenComplete((r, t) -> {
      if (t != null) {
        count("failed", "no_answer");
      } else if (r.accepted()) {
        count("accepted", "none");
      } else {
        count("refused", reasonOf(r.message()));
      }
    });
  }

  /**
   * The class of a refusal, from the entity's or the portfolio's message (which carry no code): {@code paused} (the kill
   * switch or the loss limit), {@code risk_limit} (concurrency, exposure, free capital or minimum order), {@code busy}
   * (the symbol's previous cycle is still open or releasing), {@code unavailable} (the portfolio did not answer), else
   * {@code other}.
   */
  static String reasonOf(String message) {
    String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
    if (m.contains("trading paused")) {
      return "paused";
    }
    if (m.contains("max concurrent cycles") || m.contains("below minimum") || m.contains("exposure room")
        || m.contains("free capital")) {
      return "risk_limit";
    }
    if (m.contains("still open") || m.contains("still releasing") || m.startsWith("duplicate")
        || m.startsWith("cannot start in")) {
      return "busy";
    }
    if (m.contains("did not answer")) {
      return "unavailable";
    }
    return "other";
  }

  private void count(String outcome, String reason) {
    Counter.builder("kimp.cycle.starts")
        .description("Opportunities sent to the cycle entities, by outcome and refusal reason")
        .tags("outcome", outcome, "reason", reason)
        .register(registry)
        .increment();
  }
}
