package io.kimp.core.cycle;

import io.kimp.core.alert.AlertSink;
import io.kimp.core.cycle.CycleEffect.CancelOrder;
import io.kimp.core.cycle.CycleEffect.CheckPosition;
import io.kimp.core.cycle.CycleEffect.PlacePerpOrder;
import io.kimp.core.cycle.CycleEffect.ReconcilePerpOrder;
import io.kimp.core.cycle.CycleEffect.CancelTimer;
import io.kimp.core.cycle.CycleEffect.DeadLetterEntry;
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
import io.kimp.core.cycle.CycleInput.AddressFailed;
import io.kimp.core.cycle.CycleInput.AddressResolved;
import io.kimp.core.cycle.CycleInput.CapitalDenied;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.CapitalReleaseAcked;
import io.kimp.core.cycle.CycleInput.DeadLetterAcked;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.PositionSeen;
import io.kimp.core.cycle.CycleInput.Reconciled;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TimerKind;
import io.kimp.core.cycle.CycleInput.TransferPolled;
import io.kimp.core.cycle.CycleInput.VenueReplied;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.PerpetualGateway;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.Venues;
import io.kimp.core.venue.WithdrawalResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one interpreter of {@link CycleEffect}s, for the live entity and the backtester alike: it turns each effect into a
 * call on a port (venues, capital, dead letters, alerts, market) and hands the answer, as the {@link CycleInput} the rules
 * expect, to the cycle's {@link Loop}. The loop decides how answers come back (the entity pipes them to itself; the
 * backtester queues them on the simulated clock) and keeps the timers. No I/O of its own: only the ports do any.
 *
 * <p>Every answer stage completes normally: a failed call (or a port that throws instead of failing its stage) becomes
 * the failure input the rules expect; a stage completing with {@code null} means there is nothing to deliver (e.g. a
 * failed acknowledgement: the redelivery timer covers it).
 */
public final class EffectRunner {

  /** The cycle's side of the runner: how answers get back to it, and its timers. */
  public interface Loop {
    /** Deliver {@code answer}'s input (when it completes; null: nothing) to the cycle, after the current decision. */
    void deliver(CompletionStage<CycleInput> answer);

    /** Start (or restart) the cycle's timer of {@code fired}'s kind: deliver {@code fired} after {@code delay}. */
    void startTimer(TimerFired fired, Duration delay);

    void cancelTimer(TimerKind kind);
  }

  /** The capital port: the portfolio (live) or the capital ledger (backtest). */
  public interface Capital {
    CompletionStage<Grant> reserve(String symbol, UUID cycleId, BigDecimal capKrw);

    /** Completes when the release is acknowledged. Idempotent. */
    CompletionStage<?> release(String symbol, UUID cycleId, BigDecimal realizedPnlKrw);
  }

  /** The capital port's answer to a reservation. */
  public record Grant(boolean granted, BigDecimal amountKrw, String refusal) {}

  /** The dead-letter port: completes when the entry is recorded. */
  public interface DeadLetters {
    CompletionStage<?> register(DeadLetterEntry entry);
  }

  /** Everything a cycle's effects reach. {@code market} reads the fresh quotes (with the threshold in force). */
  public record Ports(
      Venues venues, Capital capital, DeadLetters deadLetters, AlertSink alerts, Supplier<MarketSnapshot> market) {}

  /** Why a hedge effect found no futures venue to go to (a configuration error: nothing was sent). */
  static final String NO_FUTURES_VENUE = "hedge enabled but no futures venue";

  private final Ports ports;

  public EffectRunner(Ports ports) {
    this.ports = ports;
  }

  /** Runs {@code effects} (in order) of a decision whose events are already folded into {@code state}. */
  public void run(CycleState state, List<CycleEffect> effects, Loop loop) {
    for (CycleEffect e : effects) {
      runOne(state, e, loop);
    }
  }

  private void runOne(CycleState state, CycleEffect e, Loop loop) {
    String symbol = state.symbol();
    if (e instanceof PlaceOrder p) {
      String id = p.request().clientId();
      loop.deliver(call(() -> gateway(p.venue()).placeOrder(p.request()), r -> VenueReplied.order(id, r),
          t -> venueFailure(p.venue(), id, t)));
    } else if (e instanceof Withdraw w) {
      String id = w.request().clientId();
      loop.deliver(call(() -> gateway(w.venue()).withdraw(w.request()), r -> VenueReplied.withdrawal(id, r),
          t -> venueFailure(w.venue(), id, t)));
    } else if (e instanceof ReconcileOrder r) {
      loop.deliver(call(() -> gateway(r.venue()).queryOrder(r.coin(), r.clientId()),
          o -> new Reconciled(r.clientId(), o.isPresent(), o.orElse(null), null, null),
          t -> new Reconciled(r.clientId(), false, null, null, message(r.venue(), t))));
    } else if (e instanceof ReconcileWithdrawal r) {
      String id = r.request().clientId();
      StepAttempt cur = state.cycle() != null ? state.cycle().current() : null;
      Instant sentAt = cur != null && id.equals(cur.clientId()) ? cur.requestedAt() : null;
      loop.deliver(call(() -> gateway(r.venue()).queryWithdrawal(r.request(), null, sentAt),
          o -> new Reconciled(id, o.isPresent(), null, o.orElse(null), null),
          t -> new Reconciled(id, false, null, null, message(r.venue(), t))));
    } else if (e instanceof PlacePerpOrder p) {
      String id = p.request().clientId();
      PerpetualGateway perp = ports.venues().perpetual().orElse(null);
      if (perp == null) {
        loop.deliver(CompletableFuture.completedFuture(
            VenueReplied.failed(id, FailureClass.PERMANENT, NO_FUTURES_VENUE, "no-futures-venue")));
        return;
      }
      loop.deliver(call(() -> p.leverage() > 0 && !p.request().reduceOnly()
              ? perp.ensureLeverage(p.request().coin(), p.leverage()).thenCompose(v -> perp.placeOrder(p.request()))
              : perp.placeOrder(p.request()),
          r -> VenueReplied.order(id, r), t -> venueFailure(perp.venue(), id, t)));
    } else if (e instanceof ReconcilePerpOrder r) {
      PerpetualGateway perp = ports.venues().perpetual().orElse(null);
      if (perp == null) {
        loop.deliver(CompletableFuture.completedFuture(
            new Reconciled(r.clientId(), false, null, null, NO_FUTURES_VENUE)));
        return;
      }
      loop.deliver(call(() -> perp.queryOrder(r.coin(), r.clientId()),
          o -> new Reconciled(r.clientId(), o.isPresent(), o.orElse(null), null, null),
          t -> new Reconciled(r.clientId(), false, null, null, message(perp.venue(), t))));
    } else if (e instanceof CheckPosition c) {
      PerpetualGateway perp = ports.venues().perpetual().orElse(null);
      if (perp == null) {
        loop.deliver(CompletableFuture.completedFuture(new PositionSeen(c.coin(), null, NO_FUTURES_VENUE)));
        return;
      }
      loop.deliver(call(() -> perp.position(c.coin()), pos -> new PositionSeen(c.coin(), pos, null),
          t -> new PositionSeen(c.coin(), null, message(perp.venue(), t))));
    } else if (e instanceof CancelOrder c) {
      loop.deliver(call(() -> gateway(c.venue()).cancelOrder(c.coin(), c.clientId()),
          o -> new Reconciled(c.clientId(), true, o, null, null),
          t -> new Reconciled(c.clientId(), false, null, null, "cancel failed: " + message(c.venue(), t))));
    } else if (e instanceof PollTransfer p) {
      loop.deliver(pollTransfer(state, p));
    } else if (e instanceof ResolveAddress a) {
      loop.deliver(call(() -> gateway(a.venue()).depositAddress(a.coin(), a.network()),
          addr -> new AddressResolved(a.cycleId(), a.leg(), addr),
          t -> {
            VenueException ve = VenueException.classify(a.venue(), t);
            return new AddressFailed(a.cycleId(), a.leg(), ve.failureClass(), ve.getMessage());
          }));
    } else if (e instanceof ReserveCapital r) {
      loop.deliver(call(() -> ports.capital().reserve(symbol, r.cycleId(), r.capKrw()),
          g -> g.granted()
              ? new CapitalGranted(r.cycleId(), r.opportunity(), g.amountKrw(), r.resumed())
              : new CapitalDenied(r.cycleId(), g.refusal()),
          t -> new CapitalDenied(r.cycleId(), "portfolio did not answer: " + t.getMessage())));
    } else if (e instanceof ReleaseCapital r) {
      loop.deliver(call(() -> ports.capital().release(symbol, r.cycleId(), r.realizedPnlKrw()),
          ok -> new CapitalReleaseAcked(r.cycleId()), t -> null));
    } else if (e instanceof RegisterDeadLetter r) {
      loop.deliver(call(() -> ports.deadLetters().register(r.entry()),
          ok -> new DeadLetterAcked(r.entry().cycleId()), t -> null));
    } else if (e instanceof ScheduleTimer t) {
      loop.startTimer(new TimerFired(t.kind(), t.ref()), t.delay());
    } else if (e instanceof CancelTimer t) {
      loop.cancelTimer(t.kind());
    } else if (e instanceof FetchMarket) {
      loop.deliver(CompletableFuture.completedFuture(ports.market().get()));
    } else if (e instanceof PublishAlert a) {
      ports.alerts().publish(a.alert());
    } else {
      throw new IllegalStateException("unhandled effect " + e);
    }
  }

  /**
   * One poll of a transfer. The sending venue's record is looked up with what the journal knows of the accepted
   * withdrawal (its venue id): a gateway on another node, or after a restart, did not see it accepted.
   */
  private CompletionStage<CycleInput> pollTransfer(CycleState state, PollTransfer p) {
    String withdrawalId = acceptedWithdrawalId(state, p.withdrawal().clientId());
    CompletableFuture<WithdrawalResult> sent =
        safe(() -> gateway(p.from()).peekWithdrawal(p.withdrawal(), withdrawalId))
            .thenApply(o -> o.orElse(null))
            .exceptionally(t -> null) // the sending side's status is a bonus; the deposit is the truth
            .toCompletableFuture();
    CompletableFuture<List<Deposit>> deposits = safe(() -> gateway(p.to()).deposits(p.coin(), p.since()));
    return sent.thenCombine(deposits, (w, ds) -> (CycleInput) new TransferPolled(p.clientId(), w, ds, null))
        .exceptionally(t -> new TransferPolled(p.clientId(), null, List.of(), message(p.to(), t)));
  }

  /** The venue's id of the accepted withdrawal sent as {@code clientId}, from the journal; null when none. */
  static String acceptedWithdrawalId(CycleState state, String clientId) {
    if (state.cycle() == null) {
      return null;
    }
    for (Leg leg : Leg.values()) {
      StepRecord r = state.cycle().completed(leg, Step.WITHDRAW).orElse(null);
      if (r != null && r.withdrawal() != null && clientId.equals(r.withdrawal().clientId())) {
        return r.withdrawal().withdrawalId();
      }
    }
    return null;
  }

  private ExchangeGateway gateway(Venue v) {
    return ports.venues().of(v);
  }

  private static <T> CompletionStage<CycleInput> call(
      Supplier<? extends CompletionStage<T>> call,
      Function<T, CycleInput> onSuccess,
      Function<Throwable, CycleInput> onFailure) {
    return safe(call).handle((r, t) -> t != null ? onFailure.apply(unwrap(t)) : onSuccess.apply(r));
  }

  private static <T> CompletableFuture<T> safe(Supplier<? extends CompletionStage<T>> call) {
    try {
      return call.get().toCompletableFuture();
    } catch (RuntimeException ex) {
      return CompletableFuture.failedFuture(ex);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static String message(Venue venue, Throwable t) {
    return String.valueOf(VenueException.classify(venue, t).getMessage());
  }

  private static CycleInput venueFailure(Venue venue, String clientId, Throwable t) {
    VenueException ve = VenueException.classify(venue, t);
    return VenueReplied.failed(clientId, ve.failureClass(), ve.getMessage(), ve.code(), ve.retryAfter().orElse(null));
  }
}
