package io.kimp.backtest.sim;

import io.kimp.core.cycle.CycleEffect;
import io.kimp.core.cycle.CycleEffect.CancelOrder;
import io.kimp.core.cycle.CycleEffect.CancelTimer;
import io.kimp.core.cycle.CycleEffect.FetchMarket;
import io.kimp.core.cycle.CycleEffect.PlaceOrder;
import io.kimp.core.cycle.CycleEffect.PollTransfer;
import io.kimp.core.cycle.CycleEffect.PublishAlert;
import io.kimp.core.cycle.CycleEffect.ReconcileOrder;
import io.kimp.core.cycle.CycleEffect.ReconcileWithdrawal;
import io.kimp.core.cycle.CycleEffect.RegisterDeadLetter;
import io.kimp.core.cycle.CycleEffect.ReleaseCapital;
import io.kimp.core.cycle.CycleEffect.ReserveCapital;
import io.kimp.core.cycle.CycleEffect.ResolveAddress;
import io.kimp.core.cycle.CycleEffect.ScheduleTimer;
import io.kimp.core.cycle.CycleEffect.Withdraw;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleInput.AddressFailed;
import io.kimp.core.cycle.CycleInput.AddressResolved;
import io.kimp.core.cycle.CycleInput.CapitalDenied;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.CapitalReleaseAcked;
import io.kimp.core.cycle.CycleInput.DeadLetterAcked;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.Reconciled;
import io.kimp.core.cycle.CycleInput.Start;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TransferPolled;
import io.kimp.core.cycle.CycleInput.VenueReplied;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleState;
import io.kimp.core.cycle.Decision;
import io.kimp.core.market.MarketView;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Sizing;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.Venues;
import io.kimp.core.venue.WithdrawalResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One symbol's cycle on the simulated clock (a replay runs one per traded coin, as live runs one entity per symbol):
 * what the live {@code ArbitrageCycle} entity does, minus the journal and the actor. Inputs go to
 * {@link CycleRules#decide}; its events are folded with {@link CycleRules#apply}; its effects run against the venues
 * (the {@link ExchangeGateway} port), the {@link CapitalLedger}, the timers and the market view, and their answers come
 * back as inputs through an inbox, delivered after the decision's effects have all run (as the entity's mailbox
 * delivers piped answers).
 */
public final class CycleDriver {
  private final CycleRules rules;
  private final Venues venues;
  private final CapitalLedger ledger;
  private final MarketView market;
  private final SimTimers timers;
  private final Clock clock;
  private final CycleTape tape;
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
    this.venues = venues;
    this.ledger = ledger;
    this.market = market;
    this.timers = timers;
    this.clock = clock;
    this.tape = tape;
    this.state = CycleState.empty(symbol);
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
    Instant now = clock.instant();
    Decision d = rules.decide(state, input, now);
    decisions++;
    for (CycleEvent e : d.events()) {
      state = rules.apply(state, e);
      tape.event(e);
    }
    for (CycleEffect e : d.effects()) {
      if (input instanceof Start && e instanceof ReserveCapital r) {
        pendingStart = r.cycleId();
      }
      run(e, now);
    }
    UUID answered = input instanceof CapitalGranted g ? g.cycleId()
        : input instanceof CapitalDenied x ? x.cycleId() : null;
    if (answered != null && answered.equals(pendingStart)) {
      pendingStart = null;
      startReply = d.reply();
    }
    return d.reply();
  }

  private void run(CycleEffect e, Instant now) {
    String symbol = state.symbol();
    if (e instanceof PlaceOrder p) {
      String id = p.request().clientId();
      pipe(p.venue(), gateway(p.venue()).placeOrder(p.request()), r -> VenueReplied.order(id, r),
          ve -> VenueReplied.failed(id, ve.failureClass(), ve.getMessage()));
    } else if (e instanceof Withdraw w) {
      String id = w.request().clientId();
      pipe(w.venue(), gateway(w.venue()).withdraw(w.request()), r -> VenueReplied.withdrawal(id, r),
          ve -> VenueReplied.failed(id, ve.failureClass(), ve.getMessage()));
    } else if (e instanceof ReconcileOrder r) {
      pipe(r.venue(), gateway(r.venue()).queryOrder(r.coin(), r.clientId()),
          o -> new Reconciled(r.clientId(), o.isPresent(), o.orElse(null), null, null),
          ve -> new Reconciled(r.clientId(), false, null, null, ve.getMessage()));
    } else if (e instanceof ReconcileWithdrawal r) {
      String id = r.request().clientId();
      pipe(r.venue(), gateway(r.venue()).queryWithdrawal(r.request()),
          o -> new Reconciled(id, o.isPresent(), null, o.orElse(null), null),
          ve -> new Reconciled(id, false, null, null, ve.getMessage()));
    } else if (e instanceof CancelOrder c) {
      pipe(c.venue(), gateway(c.venue()).cancelOrder(c.coin(), c.clientId()),
          o -> new Reconciled(c.clientId(), true, o, null, null),
          ve -> new Reconciled(c.clientId(), false, null, null, "cancel failed: " + ve.getMessage()));
    } else if (e instanceof PollTransfer p) {
      Optional<WithdrawalResult> sent;
      try {
        sent = answer(p.from(), gateway(p.from()).queryWithdrawal(p.withdrawal()));
      } catch (VenueException ignored) {
        sent = Optional.empty(); // the sending side's status is a bonus; the deposit is the truth
      }
      WithdrawalResult w = sent.orElse(null);
      pipe(p.to(), gateway(p.to()).deposits(p.coin(), p.since()),
          (List<Deposit> ds) -> new TransferPolled(p.clientId(), w, ds, null),
          ve -> new TransferPolled(p.clientId(), null, List.of(), ve.getMessage()));
    } else if (e instanceof ResolveAddress a) {
      pipe(a.venue(), gateway(a.venue()).depositAddress(a.coin(), a.network()),
          addr -> new AddressResolved(a.cycleId(), a.leg(), addr),
          ve -> new AddressFailed(a.cycleId(), a.leg(), ve.failureClass(), ve.getMessage()));
    } else if (e instanceof ReserveCapital r) {
      Sizing.Result granted = ledger.reserve(symbol, r.cycleId(), r.opportunity().maxSizeKrw());
      inbox.add(granted.granted()
          ? new CapitalGranted(r.cycleId(), r.opportunity(), granted.amountKrw())
          : new CapitalDenied(r.cycleId(), granted.refusal()));
    } else if (e instanceof ReleaseCapital r) {
      if (ledger.release(symbol, r.cycleId(), r.realizedPnlKrw())) {
        tape.released(r.cycleId(), r.realizedPnlKrw(), now);
      }
      inbox.add(new CapitalReleaseAcked(r.cycleId()));
    } else if (e instanceof RegisterDeadLetter r) {
      inbox.add(new DeadLetterAcked(r.entry().cycleId()));
    } else if (e instanceof ScheduleTimer t) {
      timers.start(symbol, t.kind(), t.ref(), now.plus(t.delay()));
    } else if (e instanceof CancelTimer t) {
      timers.cancel(symbol, t.kind());
    } else if (e instanceof FetchMarket) {
      inbox.add(new MarketSnapshot(Map.copyOf(market.freshQuotes())));
    } else if (e instanceof PublishAlert a) {
      tape.alert(a.alert().kind());
    } else {
      throw new IllegalStateException("unhandled effect " + e);
    }
  }

  /** A timer of the cycle is due: deliver it as the live entity's timer message. */
  void fire(SimTimers.Timer t) {
    send(new TimerFired(t.kind(), t.ref()));
  }

  private ExchangeGateway gateway(Venue v) {
    return venues.of(v);
  }

  private <T> void pipe(
      Venue venue, CompletionStage<T> stage, Function<T, CycleInput> ok, Function<VenueException, CycleInput> failed) {
    CycleInput in;
    try {
      in = ok.apply(answer(venue, stage));
    } catch (VenueException ve) {
      in = failed.apply(ve);
    }
    inbox.add(in);
  }

  /**
   * The value of a simulated venue's answer, which must already be there: the replay has no other thread. A failure
   * is classified as the live entity classifies it (anything but a {@link VenueException} is an unknown outcome).
   */
  private static <T> T answer(Venue venue, CompletionStage<T> stage) {
    CompletableFuture<T> f = stage.toCompletableFuture();
    if (!f.isDone()) {
      throw new IllegalStateException("a simulated venue answered asynchronously");
    }
    try {
      return f.join();
    } catch (CompletionException ex) {
      throw VenueException.classify(venue, ex);
    }
  }

  public long decisions() {
    return decisions;
  }
}
