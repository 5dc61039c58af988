package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.cycle.CycleEvent.CapitalRequested;
import io.kimp.core.cycle.CycleInput.CapitalDenied;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TimerKind;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.MarketView;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.portfolio.PortfolioCapacity;
import io.kimp.core.settings.RuntimeSettings;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.venue.Venues;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.MDC;

/**
 * One symbol's arbitrage cycle: a sharded, event-sourced entity keyed by symbol. Sharding makes it the only writer for its
 * symbol in the cluster; its journal is the cycle's history. Every message goes through {@link CycleRules#decide}, the
 * only state table: the decision's events are persisted (intents before actions), then its effects are run by the
 * {@link EffectRunner} (the backtester's runner too), whose answers come back to this entity as private messages.
 *
 * <p>Public protocol: {@link Start}, {@link Get}, {@link Recover}, {@link Discard}, each answered with a
 * {@link StatusReply} (a refusal is an error reply). A {@code Start} is answered once the portfolio has.
 */
public final class ArbitrageCycle
    extends EventSourcedBehaviorWithEnforcedReplies<ArbitrageCycle.Command, CycleEvent, CycleState> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "ArbitrageCycle");

  // ---- public protocol

  public sealed interface Command extends CborSerializable {}

  /** A command owed a reply: the rules' input it stands for, and who awaits the answer. */
  public sealed interface Request extends Command {
    CycleInput.Operator input();

    ActorRef<StatusReply<CycleReply>> replyTo();
  }

  public record Start(Opportunity opportunity, ActorRef<StatusReply<CycleReply>> replyTo) implements Request {
    public CycleInput.Operator input() {
      return new CycleInput.Start(opportunity);
    }
  }

  public record Get(ActorRef<StatusReply<CycleReply>> replyTo) implements Request {
    public CycleInput.Operator input() {
      return new CycleInput.Get();
    }
  }

  public record Recover(UUID cycleId, String by, ActorRef<StatusReply<CycleReply>> replyTo) implements Request {
    public CycleInput.Operator input() {
      return new CycleInput.Recover(cycleId, by);
    }
  }

  public record Discard(UUID cycleId, String reason, ActorRef<StatusReply<CycleReply>> replyTo) implements Request {
    public CycleInput.Operator input() {
      return new CycleInput.Discard(cycleId, reason);
    }
  }

  /** The command for an operator's input. */
  public static Request request(CycleInput.Operator input, ActorRef<StatusReply<CycleReply>> replyTo) {
    if (input instanceof CycleInput.Start s) {
      return new Start(s.opportunity(), replyTo);
    } else if (input instanceof CycleInput.Get) {
      return new Get(replyTo);
    } else if (input instanceof CycleInput.Recover r) {
      return new Recover(r.cycleId(), r.by(), replyTo);
    }
    CycleInput.Discard d = (CycleInput.Discard) input;
    return new Discard(d.cycleId(), d.reason(), replyTo);
  }

  // ---- private protocol: only this entity's own adapters create these

  /** An answer to one of the cycle's effects (venue, portfolio, dead-letter queue, market), a timer, or Wake. */
  private record Answer(CycleInput input) implements Command {}

  /** Nothing to handle (e.g. a failed acknowledgement: the redelivery timer covers it). */
  private enum Ignore implements Command {
    INSTANCE
  }

  /** The entity has been idle long enough to leave memory (and the remembered set). */
  private enum IdleTimeout implements Command {
    INSTANCE
  }

  /** Sharding's stop message (passivation, hand-off, shutdown). */
  private enum Stop implements Command {
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
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), ctx.getShard(), deps)).withStopMessage(Stop.INSTANCE));
  }

  /** Reaches any symbol's entity through sharding; an error reply becomes a refused {@link CycleReply}. */
  public static CycleDirectory directory(ActorSystem<?> system, Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (symbol, input) ->
        sharding.entityRefFor(ENTITY_KEY, symbol)
            .<StatusReply<CycleReply>>ask(replyTo -> request(input, replyTo), timeout)
            .thenApply(r -> r.isSuccess() ? r.getValue() : CycleReply.refused(null, r.getError().getMessage()));
  }

  public static Behavior<Command> create(
      String symbol, ActorRef<ClusterSharding.ShardCommand> shard, Dependencies deps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ArbitrageCycle(symbol, ctx, timers, shard, deps)));
  }

  private final String symbol;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Dependencies deps;
  private final String tag;
  private final EffectRunner runner;
  private final EffectRunner.Loop loop;
  /** This node's copy of the portfolio's capacity: what it would grant the next cycle. */
  private final PortfolioCapacity capacity;
  /**
   * Between the journal's replay and the recovery decision ({@code Wake}, sent to itself when the replay completed):
   * every other message waits in the stash meanwhile, so that the recovery decision is made on the state as recovered
   * (a start that came during the replay must not be taken for a request of the incarnation before).
   */
  private boolean awaitingWake;
  /** Who awaits the answer to a Start whose capital is requested (lost with a restart: the asker times out). */
  private final Map<UUID, ActorRef<StatusReply<CycleReply>>> awaitingCapital = new HashMap<>();

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
    this.tag = tagFor(symbol, deps.tags());
    this.runner = new EffectRunner(ports(ctx.getSystem(), deps));
    this.capacity = PortfolioCapacity.get(ctx.getSystem());
    this.loop = new EffectRunner.Loop() {
      @Override
      public void deliver(CompletionStage<CycleInput> answer) {
        ctx.pipeToSelf(answer, (in, t) -> in == null ? Ignore.INSTANCE : new Answer(in));
      }

      @Override
      public void startTimer(TimerFired fired, Duration delay) {
        timers.startSingleTimer(fired.kind(), new Answer(fired), delay);
      }

      @Override
      public void cancelTimer(TimerKind kind) {
        timers.cancel(kind);
      }
    };
  }

  /** The live ports: the venues, the portfolio and dead-letter singletons, the alert sink, the market view. */
  private static EffectRunner.Ports ports(ActorSystem<?> system, Dependencies deps) {
    RuntimeSettings runtime = RuntimeSettings.get(system);
    Duration timeout = deps.askTimeout();
    EffectRunner.Capital capital = new EffectRunner.Capital() {
      @Override
      public CompletionStage<EffectRunner.Grant> reserve(String symbol, UUID cycleId, BigDecimal capKrw) {
        return AskPattern.<Portfolio.Command, Portfolio.ReserveReply>ask(deps.portfolio(),
                r -> new Portfolio.Reserve(symbol, cycleId, capKrw, r), timeout, system.scheduler())
            .thenApply(r -> new EffectRunner.Grant(r.granted(), r.amountKrw(), r.reason()));
      }

      @Override
      public CompletionStage<?> release(String symbol, UUID cycleId, BigDecimal pnlKrw) {
        return AskPattern.<Portfolio.Command, Portfolio.Released>ask(deps.portfolio(),
            r -> new Portfolio.Release(symbol, cycleId, pnlKrw, r), timeout, system.scheduler());
      }
    };
    EffectRunner.DeadLetters deadLetters = entry -> AskPattern.<DeadLetterQueue.Command, DeadLetterQueue.Registered>ask(
        deps.deadLetters(), r -> new DeadLetterQueue.Register(entry, r), timeout, system.scheduler());
    return new EffectRunner.Ports(deps.venues(), capital, deadLetters, deps.alerts(),
        () -> new MarketSnapshot(Map.copyOf(deps.market().freshQuotes()), runtime.finalizerMinProfitPercent()));
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

  // ---- commands: every input goes to the rules

  @Override
  public CommandHandlerWithReply<Command, CycleEvent, CycleState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Request.class, (s, r) -> awaitingWake ? Effect().stash() : decide(s, r.input(), r.replyTo()))
        .onCommand(Answer.class, this::onAnswer)
        .onCommand(Ignore.class, (s, c) -> Effect().noReply())
        .onCommand(IdleTimeout.class, this::onIdleTimeout)
        .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<CycleEvent, CycleState> onAnswer(CycleState state, Answer a) {
    if (a.input() instanceof CycleInput.Wake) {
      if (!awaitingWake) {
        return Effect().noReply(); // recovery was decided on already
      }
      awaitingWake = false;
      return decide(state, a.input(), null).thenUnstashAll();
    }
    return awaitingWake ? Effect().stash() : decide(state, a.input(), null);
  }

  private ReplyEffect<CycleEvent, CycleState> decide(
      CycleState state, CycleInput input, ActorRef<StatusReply<CycleReply>> replyTo) {
    if (input instanceof CapitalGranted) {
      LatencyProbe.current().reached(LatencyProbe.Stage.CAPITAL_GRANTED, symbol);
    }
    if (input instanceof CycleInput.Start start) {
      LatencyProbe.current().reached(LatencyProbe.Stage.START_TAKEN, symbol);
      if (start.sizeKrw() == null) {
        // what the portfolio said it would grant next: asked for exactly, the first order prepared with the request
        input = new CycleInput.Start(start.opportunity(), capacity.nextGrantKrw());
      }
    }
    Decision d = deps.rules().decide(state, input, deps.clock().instant());
    ActorRef<StatusReply<CycleReply>> answerTo = replyTo;
    for (CycleEvent e : d.events()) {
      if (e instanceof CapitalRequested r && replyTo != null) {
        awaitingCapital.put(r.cycleId(), replyTo); // answered with the portfolio's answer
        answerTo = null;
      }
    }
    if (input instanceof CapitalGranted g) {
      answerTo = awaitingCapital.remove(g.cycleId());
    } else if (input instanceof CapitalDenied x) {
      answerTo = awaitingCapital.remove(x.cycleId());
    }
    CycleReply reply = d.reply() != null || answerTo == null || answerTo != replyTo
        ? d.reply()
        : CycleReply.refused(null, input.getClass().getSimpleName() + " has no effect in " + state.status());
    ActorRef<StatusReply<CycleReply>> to = answerTo;
    if (!d.eager().isEmpty()) {
      runEagerly(state, d);
    }
    var effect = d.events().isEmpty() ? Effect().none() : Effect().persist(d.events());
    effect = effect.thenRun(s -> afterDecision(s, d.events(), d.effects()));
    return to == null || reply == null
        ? effect.thenNoReply()
        : effect.thenReply(to, s -> reply.accepted() ? StatusReply.success(reply) : StatusReply.error(reply.message()));
  }

  /**
   * Runs a decision's eager effects now, while its events are being written rather than after: one durable write fewer
   * on the way from an opportunity to its first order. They are the capital request's ask (the grant waits in the
   * entity's stash until the request is durable; a reservation whose request never became durable is released by the
   * portfolio's audit, {@link Portfolio}) and the first order prepared by a durable {@code CapitalRequested} (its
   * answer waits in the stash until the step's {@code StepRequested} is written; after a crash in between, the restart
   * asks for the capital again and reconciles that order with the venue before anything else is sent).
   */
  private void runEagerly(CycleState state, Decision d) {
    setMdc(state);
    try {
      runner.run(state, d.eager(), loop);
    } finally {
      clearMdc();
    }
  }

  /** The decision's events are persisted: log them, run its effects, and passivate only when nothing is open. */
  private void afterDecision(CycleState s, List<CycleEvent> events, List<CycleEffect> effects) {
    setMdc(s);
    try {
      LatencyProbe probe = LatencyProbe.current();
      for (CycleEvent e : events) {
        if (e instanceof CapitalRequested r) {
          probe.reached(LatencyProbe.Stage.CAPITAL_REQUESTED_PERSISTED, symbol);
          if (r.preparedKrw() != null) {
            probe.reached(LatencyProbe.Stage.INTENT_PERSISTED, symbol); // the first order's intent, with it
          }
        } else if (e instanceof CycleEvent.StepRequested) {
          probe.reached(LatencyProbe.Stage.INTENT_PERSISTED, symbol);
        }
        ctx.getLog().info("{} {}", e.getClass().getSimpleName(), CycleEventSummary.of(e));
      }
      runner.run(s, effects, loop);
    } finally {
      clearMdc();
    }
    if (idle(s)) {
      timers.startSingleTimer(IdleTimeout.INSTANCE, IdleTimeout.INSTANCE, deps.passivateAfterIdle());
    } else {
      timers.cancel(IdleTimeout.INSTANCE); // an open cycle is never passivated: it must keep its timers
    }
  }

  private static boolean idle(CycleState s) {
    return !s.status().isOpen() && (s.cycle() == null || s.cycle().capitalReleased()) && s.capitalRequest() == null;
  }

  private ReplyEffect<CycleEvent, CycleState> onIdleTimeout(CycleState s, IdleTimeout t) {
    if (idle(s)) {
      shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
    return Effect().noReply();
  }

  // ---- recovery and events

  @Override
  public SignalHandler<CycleState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          setMdc(state);
          try {
            if (state.cycle() != null) {
              ctx.getLog().info("recovered in {} (cycle {})", state.status(), state.cycle().cycleId());
            }
          } finally {
            clearMdc();
          }
          awaitingWake = true;
          ctx.getSelf().tell(new Answer(new CycleInput.Wake()));
        })
        .build();
  }

  @Override
  public EventHandler<CycleState, CycleEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(deps.rules()::apply);
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
}
