package io.kimp.app.telegram;

import io.kimp.app.operator.OperatorActions;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kimp.app.metrics.TelegramMetrics;
import io.kimp.core.CborSerializable;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The operators' Telegram channel: one per cluster (a cluster singleton). Alerts are written to a persistent outbox
 * before anything is sent and leave it only when Telegram has accepted them, so an outage of Telegram, of the network or
 * of the node loses nothing; they are delivered in order, at most one message per {@code min-interval-per-chat}, waiting
 * out 429s for Telegram's {@code retry_after} and backing off exponentially on 5xx and network errors. The same alert
 * ({@link Alert#dedupeKey()}) is enqueued at most once per {@code kimp.alerts.dedupe-window}.
 *
 * <p>It also long-polls {@code getUpdates} for operator commands, accepts them only from the configured chat, and answers
 * through the same outbox. The offset of the last update acted on is persisted before the commands run, so a restart never
 * runs an operator's {@code /recover} or {@code /pause} twice. Once a day it asks {@link OperatorActions#dailySummary} for
 * the previous trading day and sends it as a {@code DAILY_SUMMARY} alert.
 *
 * <p>Delivery is at least once: when a request times out after Telegram took it, the message is sent again.
 *
 * <p>This class holds the protocol, the journal (events and state) and the wiring; each concern is a class of its own
 * working on the state: {@link OutboxDelivery} (sending, pacing on the injected clock, retries), {@link CommandPolling}
 * ({@code getUpdates} and the operator commands) and {@link DailySummaries} (the daily timer and catch-up).
 */
public final class TelegramNotifier
    extends EventSourcedBehavior<TelegramNotifier.Command, TelegramNotifier.Event, TelegramNotifier.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("TelegramNotifier");
  public static final String SINGLETON_NAME = "telegram-notifier";

  // ---- protocol

  public sealed interface Command extends CborSerializable
      permits Publish, GetOutbox, SendDailySummary, OutboxDelivery.SendDue, OutboxDelivery.SendCompleted,
          CommandPolling.PollDue, CommandPolling.Polled, CommandPolling.CommandAnswered, DailySummaries.SummaryFetched,
          DailySummaries.SummaryDue {}

  /** Send {@code alert} to the operators; {@code replyTo} (may be null) hears whether it was enqueued. */
  public record Publish(Alert alert, ActorRef<Published> replyTo) implements Command {}

  public enum PublishResult {
    ENQUEUED,
    DUPLICATE_SUPPRESSED,
    LOGGED_ONLY
  }

  public record Published(PublishResult result, int outboxSize) implements CborSerializable {}

  public record GetOutbox(ActorRef<OutboxView> replyTo) implements Command {}

  /**
   * The messages Telegram has not accepted yet, oldest first.
   *
   * @param nextSummaryAt when the next daily summary is due on the notifier's clock (null when it is off)
   */
  public record OutboxView(List<OutboxEntry> pending, long lastUpdateId, LocalDate lastSummaryDay, Instant nextSummaryAt)
      implements CborSerializable {}

  /** Send the summary of trading day {@code day} unless it was sent already (the daily timer sends this too). */
  public record SendDailySummary(LocalDate day) implements Command {}

  // the concerns' own messages: OutboxDelivery.SendDue/SendCompleted, CommandPolling.PollDue/Polled/CommandAnswered,
  // DailySummaries.SummaryDue/SummaryFetched

  // ---- events

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Enqueued.class, name = "Enqueued"),
    @JsonSubTypes.Type(value = Delivered.class, name = "Delivered"),
    @JsonSubTypes.Type(value = Dropped.class, name = "Dropped"),
    @JsonSubTypes.Type(value = UpdatesConsumed.class, name = "UpdatesConsumed"),
    @JsonSubTypes.Type(value = SummaryTaken.class, name = "SummaryTaken")
  })
  public sealed interface Event extends CborSerializable {}

  /**
   * One message (an alert, a part of a long alert, or a command reply) entered the outbox.
   *
   * @param dedupeKey the alert's key; null for command replies, which are never de-duplicated
   * @param origin the alert kind or the command, for logs
   */
  public record Enqueued(long seq, String chatId, String dedupeKey, String origin, String text, Instant at)
      implements Event {}

  public record Delivered(long seq, long messageId, Instant at) implements Event {}

  /** Telegram refused the message for good (a 4xx other than rate limiting or configuration); it is logged in full. */
  public record Dropped(long seq, String reason, Instant at) implements Event {}

  /** Updates up to {@code lastUpdateId} were read; their commands run after this is stored. */
  public record UpdatesConsumed(long lastUpdateId) implements Event {}

  public record SummaryTaken(LocalDate day, Instant at) implements Event {}

  // ---- state

  public record OutboxEntry(long seq, String chatId, String dedupeKey, String origin, String text, Instant enqueuedAt)
      implements CborSerializable {}

  /**
   * @param lastEnqueued when each recent alert key was last enqueued (keys older than the window are pruned)
   */
  public record State(
      long nextSeq, List<OutboxEntry> outbox, Map<String, Instant> lastEnqueued, long lastUpdateId,
      LocalDate lastSummaryDay)
      implements CborSerializable {

    static State empty() {
      return new State(1, List.of(), Map.of(), 0, null);
    }

    Optional<OutboxEntry> head() {
      return outbox.isEmpty() ? Optional.empty() : Optional.of(outbox.get(0));
    }

    boolean recentlyEnqueued(String key, Instant now, Duration window) {
      Instant last = lastEnqueued.get(key);
      return last != null && Duration.between(last, now).compareTo(window) < 0;
    }

    State enqueued(Enqueued e, Duration window) {
      List<OutboxEntry> o = new ArrayList<>(outbox);
      o.add(new OutboxEntry(e.seq(), e.chatId(), e.dedupeKey(), e.origin(), e.text(), e.at()));
      Map<String, Instant> keys = lastEnqueued;
      if (e.dedupeKey() != null) {
        keys = new LinkedHashMap<>();
        for (Map.Entry<String, Instant> k : lastEnqueued.entrySet()) {
          if (Duration.between(k.getValue(), e.at()).compareTo(window) < 0) {
            keys.put(k.getKey(), k.getValue());
          }
        }
        keys.put(e.dedupeKey(), e.at());
      }
      return new State(Math.max(nextSeq, e.seq() + 1), List.copyOf(o), Map.copyOf(keys), lastUpdateId, lastSummaryDay);
    }

    State removed(long seq) {
      List<OutboxEntry> o = outbox.stream().filter(x -> x.seq() != seq).toList();
      return new State(nextSeq, o, lastEnqueued, lastUpdateId, lastSummaryDay);
    }

    State consumed(long updateId) {
      return new State(nextSeq, outbox, lastEnqueued, Math.max(lastUpdateId, updateId), lastSummaryDay);
    }

    State summarised(LocalDate day) {
      return new State(nextSeq, outbox, lastEnqueued, lastUpdateId, day);
    }
  }

  // ---- creation and wiring

  /**
   * The notifier for {@code kimp.telegram.*} and {@code kimp.alerts.*}: the persistent Telegram outbox, or when Telegram
   * is disabled or has no token, a behavior that writes alerts to the log. Its timing (pacing, the daily summary, command
   * polling) follows {@code clock}.
   */
  public static Behavior<Command> create(
      TelegramSettings settings, AlertSettings alerts, OperatorActions actions, TelegramMetrics metrics, Clock clock) {
    if (!settings.active()) {
      return LogOnlyNotifier.create(settings);
    }
    return Behaviors.supervise(
            Behaviors.<Command>setup(
                ctx ->
                    Behaviors.withTimers(
                        timers -> new TelegramNotifier(ctx, timers, settings, alerts, actions, metrics, clock))))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
  }

  /** Runs {@code notifier} as the cluster's one instance; returns the proxy every node sends to. */
  public static ActorRef<Command> initSingleton(ActorSystem<?> system, Behavior<Command> notifier) {
    return ClusterSingleton.get(system).init(SingletonActor.of(notifier, SINGLETON_NAME));
  }

  /** The {@link AlertSink} the core's actors publish to: fire and forget, never blocks. */
  public static AlertSink alertSink(ActorRef<Command> notifier) {
    return alert -> notifier.tell(new Publish(alert, null));
  }

  // ---- behavior: the outbox's journal; delivery, commands and the daily summary are each a class of their own

  /**
   * Ids of HTTP requests, unique in the JVM: an answer to a request of an earlier incarnation of this actor (after a
   * restart) is recognised and ignored, so that two send or poll loops never run at once.
   */
  private static final AtomicLong REQUESTS = new AtomicLong();

  static long nextRequestId() {
    return REQUESTS.incrementAndGet();
  }

  private final ActorContext<Command> context;
  private final TelegramSettings settings;
  private final AlertSettings alertSettings;
  private final TelegramMetrics metrics;
  private final Clock clock;
  private final AlertFormatter formatter;
  // not persisted: rebuilt from the state after a restart
  private final OutboxDelivery delivery;
  private final CommandPolling commands;
  private final DailySummaries summaries;

  private TelegramNotifier(
      ActorContext<Command> context, TimerScheduler<Command> timers, TelegramSettings settings, AlertSettings alerts,
      OperatorActions actions, TelegramMetrics metrics, Clock clock) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.context = context;
    this.settings = settings;
    this.alertSettings = alerts;
    this.metrics = metrics;
    this.clock = clock;
    this.formatter = new AlertFormatter(alerts.zone(), settings.maxFieldLength());
    BotApiClient api = new BotApiClient(context.getSystem(), settings);
    this.delivery = new OutboxDelivery(context, timers, settings, metrics, clock, api);
    this.commands = new CommandPolling(context, timers, settings, metrics, actions, api,
        new CommandReplies(settings.maxFieldLength(), clock), clock);
    this.summaries = new DailySummaries(context, timers, settings, alerts, actions, clock);
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // an outbox: delivered messages need not stay in the journal
    return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              metrics.outboxSize(s.outbox().size());
              context.getLog()
                  .info(
                      "Telegram notifier up ({}): {} message(s) waiting in the outbox, commands {}", settings.apiUrl(),
                      s.outbox().size(), settings.commandsEnabled() ? "from chat " + settings.chatId() : "off");
              delivery.trySend(s);
              commands.poll(s);
              summaries.schedule(s);
            })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Publish.class, this::onPublish)
        .onCommand(GetOutbox.class, (s, c) -> Effect().reply(c.replyTo(), new OutboxView(s.outbox(), s.lastUpdateId(),
            s.lastSummaryDay(), summaries.nextAt())))
        .onCommand(OutboxDelivery.SendDue.class, (s, c) -> {
          delivery.trySend(s);
          return Effect().none();
        })
        .onCommand(OutboxDelivery.SendCompleted.class, (s, c) -> delivery.completed(s, c)
            .map(e -> Effect().persist(e).thenRun(this::enqueuedThenSend))
            .orElseGet(() -> Effect().none()))
        .onCommand(CommandPolling.PollDue.class, (s, c) -> {
          commands.pollWhenDue(s);
          return Effect().none();
        })
        .onCommand(CommandPolling.Polled.class, (s, c) -> commands.polled(s, c)
            .map(consumed -> Effect().persist(new UpdatesConsumed(consumed.lastUpdateId())).thenRun(st -> {
              consumed.run();
              commands.poll(st);
            }))
            .orElseGet(() -> Effect().none()))
        .onCommand(CommandPolling.CommandAnswered.class, (s, c) -> {
          metrics.command(c.command(), c.outcome());
          return Effect()
              .persist(enqueue(s, c.chatId(), null, "/" + c.command(), c.text(), clock.instant()))
              .thenRun(this::enqueuedThenSend);
        })
        .onCommand(SendDailySummary.class, (s, c) -> {
          summaries.requested(s, c);
          return Effect().none();
        })
        .onCommand(DailySummaries.SummaryDue.class, (s, c) -> {
          summaries.due(s);
          return Effect().none();
        })
        .onCommand(DailySummaries.SummaryFetched.class, this::onSummaryFetched)
        .build();
  }

  // ---- alerts into the outbox

  private Effect<Event, State> onPublish(State s, Publish c) {
    Instant now = clock.instant();
    Alert alert = c.alert();
    String key = alert.dedupeKey();
    if (s.recentlyEnqueued(key, now, alertSettings.dedupeWindow())) {
      metrics.suppressed();
      context.getLog().debug("Alert {} suppressed: sent less than {} ago", key, alertSettings.dedupeWindow());
      reply(c.replyTo(), new Published(PublishResult.DUPLICATE_SUPPRESSED, s.outbox().size()));
      return Effect().none();
    }
    List<Event> events = enqueue(s, settings.chatId(), key, alert.kind().name(), formatter.format(alert), now);
    return Effect()
        .persist(events)
        .thenRun(
            st -> {
              reply(c.replyTo(), new Published(PublishResult.ENQUEUED, st.outbox().size()));
              enqueuedThenSend(st);
            });
  }

  private Effect<Event, State> onSummaryFetched(State s, DailySummaries.SummaryFetched c) {
    Optional<Alert> summary = summaries.fetched(s, c);
    if (summary.isEmpty()) {
      return Effect().none();
    }
    Alert alert = summary.get();
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    events.add(new SummaryTaken(c.day(), now));
    events.addAll(enqueue(s, settings.chatId(), alert.dedupeKey(), alert.kind().name(), formatter.format(alert), now));
    return Effect()
        .persist(events)
        .thenRun(
            st -> {
              enqueuedThenSend(st);
              summaries.schedule(st);
            });
  }

  /** {@code markup} as outbox messages (split where it exceeds Telegram's length), numbered after the state's last. */
  private List<Event> enqueue(State s, String chatId, String dedupeKey, String origin, String markup, Instant now) {
    List<String> parts = MarkdownV2.split(markup, settings.maxMessageLength());
    List<Event> events = new ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      events.add(new Enqueued(s.nextSeq() + i, chatId, dedupeKey, origin, parts.get(i), now));
    }
    return events;
  }

  private void enqueuedThenSend(State st) {
    metrics.outboxSize(st.outbox().size());
    delivery.trySend(st);
  }

  private static <T> void reply(ActorRef<T> to, T message) {
    if (to != null) {
      to.tell(message);
    }
  }

  // ---- events

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Enqueued.class, (s, e) -> s.enqueued(e, alertSettings.dedupeWindow()))
        .onEvent(Delivered.class, (s, e) -> s.removed(e.seq()))
        .onEvent(Dropped.class, (s, e) -> s.removed(e.seq()))
        .onEvent(UpdatesConsumed.class, (s, e) -> s.consumed(e.lastUpdateId()))
        .onEvent(SummaryTaken.class, (s, e) -> s.summarised(e.day()))
        .build();
  }
}
