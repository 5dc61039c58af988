package io.kimp.backtest.sim;

import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleEvent.CapitalRequested;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleInput.CapitalDenied;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.Start;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TimerKind;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleState;
import io.kimp.core.cycle.Decision;
import io.kimp.core.cycle.EffectRunner;
import io.kimp.core.market.MarketView;
import io.kimp.core.portfolio.Sizing;
import io.kimp.core.venue.Venues;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One symbol's cycle on the simulated clock (a replay runs one per traded coin, as live runs one entity per symbol):
 * what the live {@code ArbitrageCycle} entity does, minus the journal and the actor. Inputs go to
 * {@link CycleRules#decide}; its events are folded with {@link CycleRules#apply}; its effects are run by the live
 * {@link EffectRunner} against the venues (the {@link io.kimp.core.venue.ExchangeGateway} port), the
 * {@link CapitalLedger}, the timers and the market view, and their answers come back as inputs through an inbox,
 * delivered after the decision's effects have all run (as the entity's mailbox delivers piped answers).
 */
public final class CycleDriver implements EffectRunner.Loop {
  private final CycleRules rules;
  private final SimTimers timers;
  private final Clock clock;
  private final CycleTape tape;
  private final EffectRunner runner;
  private final ArrayDeque<CycleInput> inbox = new ArrayDeque<>();
  private CycleState state;
  private long decisions;
  /** The cycle a Start is reserving capital for: its answer is the Start's reply, as the live entity replies. */
  private UUID pendingStart;
  private CycleReply startReply;

  CycleDriver(
      String symbol,
      CycleRules rules,
      Venues venues,
      CapitalLedger ledger,
      MarketView market,
      SimTimers timers,
      Clock clock,
      CycleTape tape) {
    this.rules = rules;
    this.timers = timers;
    this.clock = clock;
    this.tape = tape;
    this.state = CycleState.empty(symbol);
    EffectRunner.Capital capital = new EffectRunner.Capital() {
      @Override
      public CompletionStage<EffectRunner.Grant> reserve(String s, UUID cycleId, BigDecimal capKrw) {
        Sizing.Result r = ledger.reserve(s, cycleId, capKrw);
        return CompletableFuture.completedFuture(new EffectRunner.Grant(r.granted(), r.amountKrw(), r.refusal()));
      }

      @Override
      public CompletionStage<?> release(String s, UUID cycleId, BigDecimal pnlKrw) {
        // funding is settled by the futures venue, not seen by the cycle's events: the replay books it with the cycle
        BigDecimal funding = tape.fundingKrw(cycleId);
        BigDecimal booked = funding.signum() == 0 || pnlKrw == null ? pnlKrw : pnlKrw.add(funding);
        if (ledger.release(s, cycleId, booked)) {
          tape.released(cycleId, booked, clock.instant());
        }
        return CompletableFuture.completedFuture(cycleId);
      }
    };
    this.runner = new EffectRunner(new EffectRunner.Ports(
        venues, capital, entry -> CompletableFuture.completedFuture(entry), a -> tape.alert(a.kind()),
        () -> new MarketSnapshot(Map.copyOf(market.freshQuotes()))));
  }

  public CycleState state() {
    return state;
  }

  /**
   * Handles {@code input} and everything it leads to at the current instant; returns the reply to it, if any. A
   * {@code Start} is answered once the ledger has: accepted when the capital was granted, refused when it was not.
   */
  public CycleReply send(CycleInput input) {
    startReply = null;
    CycleReply reply = handle(input);
    while (!inbox.isEmpty()) {
      handle(inbox.poll());
    }
    return input instanceof Start && startReply != null ? startReply : reply;
  }

  private CycleReply handle(CycleInput input) {
    Decision d = rules.decide(state, input, clock.instant());
    decisions++;
    for (CycleEvent e : d.events()) {
      state = rules.apply(state, e);
      tape.event(e);
      if (input instanceof Start && e instanceof CapitalRequested r) {
        pendingStart = r.cycleId();
      }
    }
    runner.run(state, d.allEffects(), this); // the replay has no journal to wait for: eager effects run first
    UUID answered = input instanceof CapitalGranted g ? g.cycleId()
        : input instanceof CapitalDenied x ? x.cycleId() : null;
    if (answered != null && answered.equals(pendingStart)) {
      pendingStart = null;
      startReply = d.reply();
    }
    return d.reply();
  }

  /** A timer of the cycle is due: deliver it as the live entity's timer message. */
  void fire(SimTimers.Timer t) {
    send(new TimerFired(t.kind(), t.ref()));
  }

  /** A simulated venue answers at once: the replay has no other thread. */
  @Override
  public void deliver(CompletionStage<CycleInput> answer) {
    CompletableFuture<CycleInput> f = answer.toCompletableFuture();
    if (!f.isDone()) {
      throw new IllegalStateException("a simulated venue answered asynchronously");
    }
    CycleInput in = f.join();
    if (in != null) {
      inbox.add(in);
    }
  }

  @Override
  public void startTimer(TimerFired fired, Duration delay) {
    timers.start(state.symbol(), fired.kind(), fired.ref(), clock.instant().plus(delay));
  }

  @Override
  public void cancelTimer(TimerKind kind) {
    timers.cancel(state.symbol(), kind);
  }

  public long decisions() {
    return decisions;
  }
}
