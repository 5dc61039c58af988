package io.kimp.core.cycle;

import java.util.ArrayList;
import java.util.List;

/**
 * The transition function's answer: events to persist (atomically, in order), effects to run after they are persisted,
 * and the reply to the command's sender (null for internal inputs).
 *
 * <p>{@code eager} effects may run before the events are durable, because what makes them safe after a crash is already
 * in the journal: the capital request (an undurable request's reservation is released by the portfolio's audit) and a
 * first order prepared by its durable {@code CapitalRequested} (reconciled after a restart). They run first, in order.
 */
public record Decision(List<CycleEvent> events, List<CycleEffect> eager, List<CycleEffect> effects, CycleReply reply) {

  public Decision {
    events = List.copyOf(events);
    eager = List.copyOf(eager);
    effects = List.copyOf(effects);
  }

  public static Decision none() {
    return new Decision(List.of(), List.of(), List.of(), null);
  }

  public static Decision reply(CycleReply reply) {
    return new Decision(List.of(), List.of(), List.of(), reply);
  }

  /** Every effect in the order it runs: the eager ones, then the others. */
  public List<CycleEffect> allEffects() {
    if (eager.isEmpty()) {
      return effects;
    }
    List<CycleEffect> all = new ArrayList<>(eager);
    all.addAll(effects);
    return all;
  }

  public boolean isEmpty() {
    return events.isEmpty() && eager.isEmpty() && effects.isEmpty() && reply == null;
  }

  /** Accumulates a decision. */
  static final class Builder {
    final List<CycleEvent> events = new ArrayList<>();
    final List<CycleEffect> eager = new ArrayList<>();
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

    /** An effect safe to run before this decision's events are durable (see {@link Decision}). */
    Builder eager(CycleEffect e) {
      eager.add(e);
      return this;
    }

    Builder reply(CycleReply r) {
      reply = r;
      return this;
    }

    Decision build() {
      return new Decision(events, eager, effects, reply);
    }
  }
}
