package io.kimp.core.cycle;

import java.util.ArrayList;
import java.util.List;

/**
 * The transition function's answer: events to persist (atomically, in order), effects to run after they are persisted,
 * and the reply to the command's sender (null for internal inputs).
 */
public record Decision(List<CycleEvent> events, List<CycleEffect> effects, CycleReply reply) {

  public Decision {
    events = List.copyOf(events);
    effects = List.copyOf(effects);
  }

  public static Decision none() {
    return new Decision(List.of(), List.of(), null);
  }

  public static Decision reply(CycleReply reply) {
    return new Decision(List.of(), List.of(), reply);
  }

  public boolean isEmpty() {
    return events.isEmpty() && effects.isEmpty() && reply == null;
  }

  /** Accumulates a decision. */
  static final class Builder {
    final List<CycleEvent> events = new ArrayList<>();
    final List<CycleEffect> effects = new ArrayList<>();
    CycleReply reply;

    Builder event(CycleEvent e) {
      events.add(e);
      return this;
    }

    Builder effect(CycleEffect e) {
      effects.add(e);
      return this;
    }

    Builder reply(CycleReply r) {
      reply = r;
      return this;
    }

    Decision build() {
      return new Decision(events, effects, reply);
    }
  }
}
