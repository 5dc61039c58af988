package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import io.kimp.core.alert.AlertSink;
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
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.MarketView;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.settings.RuntimeSettings;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.Venues;
import io.kimp.core.venue.WithdrawalResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * One symbol's arbitrage cycle: a sharded, event-sourced entity keyed by symbol. Sharding makes it the only writer for its
 * symbol in the cluster; its journal is the cycle's history. It wraps the pure {@link CycleRules}: each state's command
 * handler asks the rules for a {@link Decision}, persists its events (intents before actions), then runs its effects
 * against the venues, the portfolio, the dead-letter queue, timers and alerts. Venue answers come back as commands.
 */
public final class ArbitrageCycle extends EventSourcedBehavior<ArbitrageCycle.Command, CycleEvent, CycleState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "ArbitrageCycle");

  /** Every message to the entity: a rules input, and who (if anyone) awaits the reply. */
  public sealed interface Command extends CborSerializable {}

  public record Handle(CycleInput input, ActorRef<CycleReply> replyTo) implements Command {
    public static Handle internal(CycleInput input) {
      return new Handle(input, null);
    }
  }

  /** The entity has been idle long enough to leave memory (and the remembered set). */
  enum IdleTimeout implements Command {
    INSTANCE
  }

  /** Sharding's stop message (passivation, hand-off, shutdown). */
  enum Stop implements Command {
    INSTANCE
  }

  /** An answer that needs no handling (e.g. a failed acknowledgement: the redelivery timer covers it). */
  enum Ignore implements Command {
    INSTANCE
  }

  /** What an entity needs from the outside world. */
  public record Dependencies(
      CycleRules rules,
      Venues venues,
      MarketView market,
      ActorRef<Portfolio.Command> portfolio,
      ActorRef<DeadLetterQueue.Command> deadLetters,
      AlertSink alerts,
      Clock clock,
      Duration askTimeout,
      Duration passivateAfterIdle,
      int tags) {}

  /** The projection tag of a symbol's events: {@code cycle-<n>}, n in [0, tags). */
  public static String tagFor(String symbol, int tags) {
    return tag(Math.floorMod(symbol.hashCode(), tags));
  }

  /** The n-th projection tag. */
  public static String tag(int index) {
    return "cycle-" + index;
  }

  public static PersistenceId persistenceIdOf(String symbol) {
    return PersistenceId.of(ENTITY_KEY.name(), symbol);
  }

  /**
   * Registers the entity with cluster sharding on this node, and starts the node's {@link RuntimeSettings} (so that it
   * hears the singleton's thresholds from start-up, not from the first rebalance decision).
   */
  public static void init(ActorSystem<?> system, Dependencies deps) {
    RuntimeSettings.get(system);
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), ctx.getShard(), deps))
                .withStopMessage(Stop.INSTANCE));
  }

  /** Reaches any symbol's entity through sharding. */
  public static CycleDirectory directory(ActorSystem<?> system, Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (symbol, input) ->
        sharding.entityRefFor(ENTITY_KEY, symbol).ask(replyTo -> new Handle(input, replyTo), timeout);
  }

  public static Behavior<Command> create(
      String symbol, ActorRef<org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.ShardCommand> shard,
      Dependencies deps) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new ArbitrageCycle(symbol, ctx, timers, shard, deps)));
  }

  private final String symbol;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Dependencies deps;
  private final CycleRules rules;
  private final RuntimeSettings runtime;
  private final Logger log;
  private final String tag;
  /** A Start waiting for the portfolio: further starts are refused until it is answered. Not persisted on purpose. */
  private PendingStart pendingStart;

  private record PendingStart(UUID cycleId, ActorRef<CycleReply> replyTo) {}

  private interface StateRules {
    Decision decide(CycleState state, CycleInput input, Instant now);
  }

  private ArbitrageCycle(
      String symbol,
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Dependencies deps) {
    super(
        persistenceIdOf(symbol),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0.2));
    this.symbol = symbol;
    this.ctx = ctx;
    this.timers = timers;
    this.shard = shard;
    this.deps = deps;
    this.rules = deps.rules();
    this.runtime = RuntimeSettings.get(ctx.getSystem());
    this.log = ctx.getLog();
    this.tag = tagFor(symbol, deps.tags());
  }

  @Override
  public CycleState emptyState() {
    return CycleState.empty(symbol);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public Set<String> tagsFor(CycleEvent event) {
    return Set.of(tag);
  }

  // ---- command handling: one handler per state, each the rules of that state

  @Override
  public CommandHandler<Command, CycleEvent, CycleState> commandHandler() {
    CommandHandlerBuilder<Command, CycleEvent, CycleState> b = newCommandHandlerBuilder();
    b.forState(s -> s.status() == CycleStatus.IDLE || s.status() == CycleStatus.COMPLETED
            || s.status() == CycleStatus.FAILED)
        .onCommand(Handle.class, (s, c) -> handle(s, c, rules::idle))
        .onCommand(IdleTimeout.class, this::onIdleTimeout);
    b.forState(s -> s.status() == CycleStatus.STARTED || s.status() == CycleStatus.REBALANCING_IN_PROGRESS)
        .onCommand(Handle.class, (s, c) -> handle(s, c, rules::legRunning));
    b.forState(s -> s.status() == CycleStatus.INITIAL_TRADE_COMPLETED
            || s.status() == CycleStatus.AWAITING_REBALANCE)
        .onCommand(Handle.class, (s, c) -> handle(s, c, rules::choosingRebalance));
    b.forState(s -> s.status() == CycleStatus.REBALANCE_TRADE_COMPLETED)
        .onCommand(Handle.class, (s, c) -> handle(s, c, rules::settling));
    b.forState(s -> s.status() == CycleStatus.AWAITING_RETRY)
        .onCommand(Handle.class, (s, c) -> handle(s, c, rules::awaitingRetry));
    b.forState(s -> s.status() == CycleStatus.DEAD_LETTER)
        .onCommand(Handle.class, (s, c) -> handle(s, c, rules::deadLetter));
    // an open cycle is never passivated: it must keep its timers
    b.forAnyState()
        .onCommand(IdleTimeout.class, (s, c) -> Effect().none())
        .onCommand(Ignore.class, (s, c) -> Effect().none())
        .onCommand(Stop.class, (s, c) -> Effect().stop());
    return b.build();
  }

  private Effect<CycleEvent, CycleState> handle(CycleState state, Handle cmd, StateRules stateRules) {
    setMdc(state);
    try {
      Instant now = deps.clock().instant();
      CycleInput in = cmd.input();
      ActorRef<CycleReply> replyTo = cmd.replyTo();
      if (in instanceof Start && pendingStart != null) {
        return replyOnly(
            replyTo,
            CycleReply.refused(pendingStart.cycleId(),
                "duplicate: capital for cycle " + pendingStart.cycleId() + " is being reserved"));
      }
      if (in instanceof CapitalGranted g || in instanceof CapitalDenied) {
        UUID id = in instanceof CapitalGranted g2 ? g2.cycleId() : ((CapitalDenied) in).cycleId();
        if (pendingStart == null || !pendingStart.cycleId().equals(id)) {
          return Effect().none(); // an answer nobody waits for any more (the entity restarted)
        }
        replyTo = pendingStart.replyTo();
        pendingStart = null;
      }
      Decision d;
      if (in instanceof CycleInput.Get) {
        d = Decision.reply(CycleReply.view(state));
      } else if (in instanceof CycleInput.Wake) {
        d = rules.onRecovery(state, now);
      } else {
        d = stateRules.decide(state, in, now);
      }
      if (in instanceof Start) {
        for (CycleEffect e : d.effects()) {
          if (e instanceof ReserveCapital r) {
            pendingStart = new PendingStart(r.cycleId(), replyTo);
            replyTo = null; // answered when the portfolio has
          }
        }
      }
      return persistAndRun(d, replyTo);
    } finally {
      clearMdc();
    }
  }

  private Effect<CycleEvent, CycleState> persistAndRun(Decision d, ActorRef<CycleReply> replyTo) {
    if (d.events().isEmpty()) {
      return Effect()
          .none()
          .thenRun(
              s -> {
                run(s, d.effects());
                reply(replyTo, d.reply());
                armIdleTimer(s);
              });
    }
    return Effect()
        .persist(d.events())
        .thenRun(
            s -> {
              setMdc(s);
              try {
                for (CycleEvent e : d.events()) {
                  log.info("{} {}", e.getClass().getSimpleName(), summary(e));
                }
                run(s, d.effects());
                reply(replyTo, d.reply());
                armIdleTimer(s);
              } finally {
                clearMdc();
              }
            });
  }

  private Effect<CycleEvent, CycleState> replyOnly(ActorRef<CycleReply> replyTo, CycleReply reply) {
    return Effect().none().thenRun(s -> reply(replyTo, reply));
  }

  private static void reply(ActorRef<CycleReply> replyTo, CycleReply reply) {
    if (replyTo != null && reply != null) {
      replyTo.tell(reply);
    }
  }

  private Effect<CycleEvent, CycleState> onIdleTimeout(CycleState s, IdleTimeout t) {
    boolean released = s.cycle() == null || s.cycle().capitalReleased();
    if (pendingStart == null && released) {
      shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
    return Effect().none();
  }

  private void armIdleTimer(CycleState s) {
    boolean idle = !s.status().isOpen() && (s.cycle() == null || s.cycle().capitalReleased()) && pendingStart == null;
    if (idle) {
      timers.startSingleTimer(IdleTimeout.INSTANCE, IdleTimeout.INSTANCE, deps.passivateAfterIdle());
    } else {
      timers.cancel(IdleTimeout.INSTANCE);
    }
  }

  // ---- effects

  private void run(CycleState state, List<CycleEffect> effects) {
    for (CycleEffect e : effects) {
      try {
        runOne(state, e);
      } catch (RuntimeException ex) {
        // a gateway that throws instead of failing its stage: same as a failed stage
        log.error("effect {} threw", e.getClass().getSimpleName(), ex);
        feedFailure(e, ex);
      }
    }
  }

  private void runOne(CycleState state, CycleEffect e) {
    if (e instanceof PlaceOrder p) {
      String id = p.request().clientId();
      pipe(() -> gateway(p).placeOrder(p.request()),
          r -> VenueReplied.order(id, r), t -> venueFailure(p.venue(), id, t));
    } else if (e instanceof Withdraw w) {
      String id = w.request().clientId();
      pipe(() -> deps.venues().of(w.venue()).withdraw(w.request()),
          r -> VenueReplied.withdrawal(id, r), t -> venueFailure(w.venue(), id, t));
    } else if (e instanceof ReconcileOrder r) {
      pipe(() -> deps.venues().of(r.venue()).queryOrder(r.coin(), r.clientId()),
          o -> new Reconciled(r.clientId(), o.isPresent(), o.orElse(null), null, null),
          t -> new Reconciled(r.clientId(), false, null, null, String.valueOf(VenueException.classify(r.venue(), t).getMessage())));
    } else if (e instanceof ReconcileWithdrawal r) {
      String id = r.request().clientId();
      StepAttempt cur = state.cycle() != null ? state.cycle().current() : null;
      Instant sentAt = cur != null && id.equals(cur.clientId()) ? cur.requestedAt() : null;
      pipe(() -> deps.venues().of(r.venue()).queryWithdrawal(r.request(), null, sentAt),
          o -> new Reconciled(id, o.isPresent(), null, o.orElse(null), null),
          t -> new Reconciled(id, false, null, null, String.valueOf(VenueException.classify(r.venue(), t).getMessage())));
    } else if (e instanceof CancelOrder c) {
      pipe(() -> deps.venues().of(c.venue()).cancelOrder(c.coin(), c.clientId()),
          o -> new Reconciled(c.clientId(), true, o, null, null),
          t -> new Reconciled(c.clientId(), false, null, null, "cancel failed: " + VenueException.classify(c.venue(), t).getMessage()));
    } else if (e instanceof PollTransfer p) {
      pollTransfer(state, p);
    } else if (e instanceof ResolveAddress a) {
      pipe(() -> deps.venues().of(a.venue()).depositAddress(a.coin(), a.network()),
          addr -> new AddressResolved(a.cycleId(), a.leg(), addr),
          t -> {
            VenueException ve = VenueException.classify(a.venue(), t);
            return new AddressFailed(a.cycleId(), a.leg(), ve.failureClass(), ve.getMessage());
          });
    } else if (e instanceof ReserveCapital r) {
      ctx.ask(
          Portfolio.ReserveReply.class,
          deps.portfolio(),
          deps.askTimeout(),
          replyTo -> new Portfolio.Reserve(symbol, r.cycleId(), r.opportunity().maxSizeKrw(), replyTo),
          (reply, err) -> {
            if (err != null) {
              return Handle.internal(new CapitalDenied(r.cycleId(), "portfolio did not answer: " + err.getMessage()));
            }
            return Handle.internal(
                reply.granted()
                    ? new CapitalGranted(r.cycleId(), r.opportunity(), reply.amountKrw())
                    : new CapitalDenied(r.cycleId(), reply.reason()));
          });
    } else if (e instanceof ReleaseCapital r) {
      ctx.ask(
          Portfolio.Released.class,
          deps.portfolio(),
          deps.askTimeout(),
          replyTo -> new Portfolio.Release(symbol, r.cycleId(), r.realizedPnlKrw(), replyTo),
          (reply, err) -> err != null ? Ignore.INSTANCE : Handle.internal(new CapitalReleaseAcked(r.cycleId())));
    } else if (e instanceof RegisterDeadLetter r) {
      ctx.ask(
          DeadLetterQueue.Registered.class,
          deps.deadLetters(),
          deps.askTimeout(),
          replyTo -> new DeadLetterQueue.Register(r.entry(), replyTo),
          (reply, err) ->
              err != null ? Ignore.INSTANCE : Handle.internal(new DeadLetterAcked(r.entry().cycleId())));
    } else if (e instanceof ScheduleTimer t) {
      timers.startSingleTimer(t.kind(), Handle.internal(new TimerFired(t.kind(), t.ref())), t.delay());
    } else if (e instanceof CancelTimer t) {
      timers.cancel(t.kind());
    } else if (e instanceof FetchMarket) {
      ctx.getSelf().tell(
          Handle.internal(
              new MarketSnapshot(Map.copyOf(deps.market().freshQuotes()), runtime.finalizerMinProfitPercent())));
    } else if (e instanceof PublishAlert a) {
      deps.alerts().publish(a.alert());
    } else {
      throw new IllegalStateException("unhandled effect " + e);
    }
  }

  private ExchangeGateway gateway(PlaceOrder p) {
    return deps.venues().of(p.venue());
  }

  private void pollTransfer(CycleState state, PollTransfer p) {
    ExchangeGateway from = deps.venues().of(p.from());
    ExchangeGateway to = deps.venues().of(p.to());
    String withdrawalId = acceptedWithdrawalId(state, p.withdrawal().clientId());
    CompletableFuture<WithdrawalResult> sent =
        safe(() -> from.queryWithdrawal(p.withdrawal(), withdrawalId, null))
            .thenApply(o -> o.orElse(null))
            .exceptionally(t -> null) // the sending side's status is a bonus; the deposit is the truth
            .toCompletableFuture();
    CompletableFuture<List<io.kimp.core.venue.Deposit>> deposits =
        safe(() -> to.deposits(p.coin(), p.since())).toCompletableFuture();
    ctx.pipeToSelf(
        sent.thenCombine(deposits, (w, ds) -> new TransferPolled(p.clientId(), w, ds, null)),
        (r, t) ->
            Handle.internal(
                t != null
                    ? new TransferPolled(p.clientId(), null, List.of(),
                        VenueException.classify(p.to(), t).getMessage())
                    : r));
  }

  /**
   * The venue's id of the accepted withdrawal sent as {@code clientId}, from the journal: a gateway on another node (after
   * a hand-off or failover) or after a restart did not see it accepted.
   */
  private static String acceptedWithdrawalId(CycleState state, String clientId) {
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

  private <T> void pipe(
      Supplier<CompletionStage<T>> call,
      java.util.function.Function<T, CycleInput> onSuccess,
      java.util.function.Function<Throwable, CycleInput> onFailure) {
    ctx.pipeToSelf(safe(call), (r, t) -> Handle.internal(t != null ? onFailure.apply(t) : onSuccess.apply(r)));
  }

  private static <T> CompletionStage<T> safe(Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException ex) {
      return CompletableFuture.failedFuture(ex);
    }
  }

  private static CycleInput venueFailure(io.kimp.core.market.Venue venue, String clientId, Throwable t) {
    VenueException ve = VenueException.classify(venue, t);
    return VenueReplied.failed(clientId, ve.failureClass(), ve.getMessage());
  }

  private void feedFailure(CycleEffect e, RuntimeException ex) {
    if (e instanceof PlaceOrder p) {
      ctx.getSelf().tell(Handle.internal(venueFailure(p.venue(), p.request().clientId(), ex)));
    } else if (e instanceof Withdraw w) {
      ctx.getSelf().tell(Handle.internal(venueFailure(w.venue(), w.request().clientId(), ex)));
    }
  }

  // ---- recovery and events

  @Override
  public SignalHandler<CycleState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              setMdc(state);
              try {
                if (state.cycle() != null) {
                  log.info("recovered in {} (cycle {})", state.status(), state.cycle().cycleId());
                }
                ctx.getSelf().tell(Handle.internal(new CycleInput.Wake()));
              } finally {
                clearMdc();
              }
            })
        .build();
  }

  @Override
  public EventHandler<CycleState, CycleEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(rules::apply);
  }

  private void setMdc(CycleState s) {
    MDC.put("symbol", symbol);
    if (s.cycle() != null) {
      MDC.put("cycleId", s.cycle().cycleId().toString());
    } else {
      MDC.remove("cycleId");
    }
  }

  private static void clearMdc() {
    MDC.remove("symbol");
    MDC.remove("cycleId");
  }

  private static String summary(CycleEvent e) {
    if (e instanceof CycleEvent.StepRequested r) {
      return r.attempt().leg() + " " + r.attempt().step() + " #" + r.attempt().attempt() + " at "
          + r.attempt().venue() + " clientId=" + r.attempt().clientId();
    }
    if (e instanceof CycleEvent.StepCompleted c) {
      return c.record().leg() + " " + c.record().step() + " at " + c.record().venue();
    }
    if (e instanceof CycleEvent.StepFailed f) {
      return f.leg() + " " + f.step() + " " + f.failureClass() + ": " + f.reason();
    }
    if (e instanceof CycleEvent.RetryScheduled r) {
      return "retry " + r.retryCount() + " at " + r.nextRetryAt();
    }
    if (e instanceof CycleEvent.CycleDeadLettered d) {
      return d.failureClass() + ": " + d.reason();
    }
    if (e instanceof CycleEvent.CycleCompleted c) {
      return "net " + c.netProfitKrw().toPlainString() + " KRW (" + c.netProfitPercent().toPlainString() + " %)";
    }
    if (e instanceof CycleEvent.CycleStarted s) {
      return s.opportunity().direction() + " " + s.investmentKrw().toPlainString() + " KRW, premium "
          + String.format("%.3f", s.opportunity().premiumPercent()) + " %";
    }
    return "";
  }
}
