package io.kimp.core.dlq;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kimp.core.CborSerializable;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleEffect.DeadLetterEntry;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The dead-letter queue: one per cluster (a cluster singleton), persistent. Records every dead-lettered cycle (and alerts
 * once per dead-lettering), answers list/get, and carries out the operator's {@link Recover} (the cycle resumes from its
 * failed step with its retry count reset) and {@link Discard} (the cycle is closed) by asking the cycle's entity.
 */
public final class DeadLetterQueue
    extends EventSourcedBehavior<DeadLetterQueue.Command, DeadLetterQueue.Event, DeadLetterQueue.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("DeadLetterQueue");

  public enum EntryStatus {
    OPEN,
    RECOVERED,
    DISCARDED
  }

  /** A dead-lettered cycle and what the operators did about it. */
  public record Entry(
      DeadLetterEntry deadLetter, EntryStatus status, int timesDeadLettered, String resolvedBy, String note,
      Instant updatedAt)
      implements CborSerializable {

    public UUID cycleId() {
      return deadLetter.cycleId();
    }
  }

  // ---- protocol

  public sealed interface Command extends CborSerializable {}

  /** From a cycle entity; acknowledged with {@link Registered}. Idempotent. */
  public record Register(DeadLetterEntry entry, ActorRef<Registered> replyTo) implements Command {}

  public record Registered(UUID cycleId) implements CborSerializable {}

  /** All entries, or only the open ones. */
  public record ListEntries(boolean openOnly, ActorRef<Entries> replyTo) implements Command {}

  public record Entries(List<Entry> entries) implements CborSerializable {}

  public record Get(UUID cycleId, ActorRef<Optional<Entry>> replyTo) implements Command {}

  public record Recover(UUID cycleId, String by, ActorRef<Outcome> replyTo) implements Command {}

  public record Discard(UUID cycleId, String reason, String by, ActorRef<Outcome> replyTo) implements Command {}

  /** The result of a recover or discard: {@code code} is OK, NOT_FOUND, CONFLICT or FAILED. */
  public record Outcome(UUID cycleId, String code, String message, Entry entry) implements CborSerializable {
    public boolean ok() {
      return "OK".equals(code);
    }
  }

  private record CycleAnswered(
      UUID cycleId, boolean recover, String by, String reason, CycleReply reply, Throwable error,
      ActorRef<Outcome> replyTo)
      implements Command {}

  // ---- events

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = DeadLettered.class, name = "DeadLettered"),
    @JsonSubTypes.Type(value = Recovered.class, name = "Recovered"),
    @JsonSubTypes.Type(value = Discarded.class, name = "Discarded")
  })
  public sealed interface Event extends CborSerializable {}

  public record DeadLettered(DeadLetterEntry entry, Instant at) implements Event {}

  public record Recovered(UUID cycleId, String by, Instant at) implements Event {}

  public record Discarded(UUID cycleId, String by, String reason, Instant at) implements Event {}

  public record State(Map<UUID, Entry> entries) implements CborSerializable {
    Optional<Entry> get(UUID id) {
      return Optional.ofNullable(entries.get(id));
    }

    State with(Entry e) {
      Map<UUID, Entry> m = new LinkedHashMap<>(entries);
      m.put(e.cycleId(), e);
      return new State(m);
    }
  }

  private final ActorContext<Command> context;
  private final CycleDirectory cycles;
  private final AlertSink alerts;
  private final Clock clock;
  private final Duration askTimeout;
  /** Recover/discard in flight, so that a second operator request is refused instead of racing. */
  private final java.util.Set<UUID> inFlight = new java.util.HashSet<>();

  public static Behavior<Command> create(CycleDirectory cycles, AlertSink alerts, Clock clock) {
    return Behaviors.setup(ctx -> new DeadLetterQueue(ctx, cycles, alerts, clock));
  }

  private DeadLetterQueue(ActorContext<Command> ctx, CycleDirectory cycles, AlertSink alerts, Clock clock) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.context = ctx;
    this.cycles = cycles;
    this.alerts = alerts;
    this.clock = clock;
    this.askTimeout = ctx.getSystem().settings().config().getDuration("kimp.dlq.ask-timeout");
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(
            ListEntries.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new Entries(
                            s.entries().values().stream()
                                .filter(e -> !c.openOnly() || e.status() == EntryStatus.OPEN)
                                .sorted(Comparator.comparing(Entry::updatedAt).reversed())
                                .toList())))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s.get(c.cycleId())))
        .onCommand(Recover.class, (s, c) -> onOperator(s, c.cycleId(), true, c.by(), null, c.replyTo()))
        .onCommand(Discard.class, (s, c) -> onOperator(s, c.cycleId(), false, c.by(), c.reason(), c.replyTo()))
        .onCommand(CycleAnswered.class, this::onCycleAnswered)
        .build();
  }

  private Effect<Event, State> onRegister(State s, Register c) {
    DeadLetterEntry e = c.entry();
    Optional<Entry> existing = s.get(e.cycleId());
    boolean duplicate =
        existing.isPresent()
            && existing.get().status() == EntryStatus.OPEN
            && existing.get().deadLetter().at().equals(e.at());
    if (duplicate) {
      return Effect().reply(c.replyTo(), new Registered(e.cycleId()));
    }
    Instant now = clock.instant();
    return Effect()
        .persist(new DeadLettered(e, now))
        .thenRun(
            st ->
                alerts.publish(
                    new Alert(
                        AlertKind.CYCLE_DEAD_LETTERED, Alert.Severity.CRITICAL, e.cycleId().toString(),
                        "Cycle dead-lettered: " + e.symbol(),
                        fields(
                            "cycle", e.cycleId().toString(),
                            "symbol", e.symbol(),
                            "failed step", e.leg() + " " + e.step(),
                            "retries", Integer.toString(e.retryCount()),
                            "error", String.valueOf(e.reason()),
                            "recover", "POST /api/v1/dlq/" + e.cycleId() + "/recover, /recover " + e.cycleId()
                                + " in Telegram, or kimp dlq recover " + e.cycleId()),
                        now)))
        .thenReply(c.replyTo(), st -> new Registered(e.cycleId()));
  }

  private Effect<Event, State> onOperator(
      State s, UUID cycleId, boolean recover, String by, String reason, ActorRef<Outcome> replyTo) {
    Optional<Entry> entry = s.get(cycleId);
    if (entry.isEmpty()) {
      return Effect().reply(replyTo, new Outcome(cycleId, "NOT_FOUND", "no dead-lettered cycle " + cycleId, null));
    }
    if (entry.get().status() != EntryStatus.OPEN) {
      return Effect()
          .reply(
              replyTo,
              new Outcome(cycleId, "CONFLICT", "cycle " + cycleId + " is " + entry.get().status(), entry.get()));
    }
    if (!recover && (reason == null || reason.isBlank())) {
      return Effect().reply(replyTo, new Outcome(cycleId, "FAILED", "a reason is required to discard", entry.get()));
    }
    if (!inFlight.add(cycleId)) {
      return Effect()
          .reply(replyTo, new Outcome(cycleId, "CONFLICT", "an operation on " + cycleId + " is in progress", null));
    }
    CycleInput.Operator input = recover ? new CycleInput.Recover(cycleId, by) : new CycleInput.Discard(cycleId, reason);
    context.pipeToSelf(
        cycles.ask(entry.get().deadLetter().symbol(), input).toCompletableFuture()
            .orTimeout(askTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
        (reply, err) -> new CycleAnswered(cycleId, recover, by, reason, reply, err, replyTo));
    return Effect().none();
  }

  private Effect<Event, State> onCycleAnswered(State s, CycleAnswered a) {
    inFlight.remove(a.cycleId());
    Entry entry = s.get(a.cycleId()).orElseThrow();
    if (a.error() != null) {
      return Effect()
          .reply(a.replyTo(), new Outcome(a.cycleId(), "FAILED", "cycle did not answer: " + a.error(), entry));
    }
    if (!a.reply().accepted()) {
      return Effect().reply(a.replyTo(), new Outcome(a.cycleId(), "CONFLICT", a.reply().message(), entry));
    }
    Instant now = clock.instant();
    Event ev = a.recover() ? new Recovered(a.cycleId(), a.by(), now) : new Discarded(a.cycleId(), a.by(), a.reason(), now);
    DeadLetterEntry d = entry.deadLetter();
    Alert alert =
        a.recover()
            ? new Alert(AlertKind.CYCLE_RECOVERED, Alert.Severity.INFO, a.cycleId().toString(),
                "Cycle recovered: " + d.symbol(),
                fields("cycle", a.cycleId().toString(), "by", a.by(), "resumes", d.leg() + " " + d.step()), now)
            : new Alert(AlertKind.CYCLE_DISCARDED, Alert.Severity.WARNING, a.cycleId().toString(),
                "Cycle discarded: " + d.symbol(),
                fields("cycle", a.cycleId().toString(), "by", a.by(), "reason", a.reason()), now);
    return Effect()
        .persist(ev)
        .thenRun(st -> alerts.publish(alert))
        .thenReply(a.replyTo(), st -> new Outcome(a.cycleId(), "OK", a.reply().message(), st.entries().get(a.cycleId())));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            DeadLettered.class,
            (s, e) -> {
              int times = s.get(e.entry().cycleId()).map(x -> x.timesDeadLettered() + 1).orElse(1);
              return s.with(new Entry(e.entry(), EntryStatus.OPEN, times, null, null, e.at()));
            })
        .onEvent(
            Recovered.class,
            (s, e) -> {
              Entry x = s.entries().get(e.cycleId());
              return s.with(new Entry(x.deadLetter(), EntryStatus.RECOVERED, x.timesDeadLettered(), e.by(), null, e.at()));
            })
        .onEvent(
            Discarded.class,
            (s, e) -> {
              Entry x = s.entries().get(e.cycleId());
              return s.with(
                  new Entry(x.deadLetter(), EntryStatus.DISCARDED, x.timesDeadLettered(), e.by(), e.reason(), e.at()));
            })
        .build();
  }

  private static Map<String, String> fields(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

}
