package io.kimp.app.telegram;

import io.kimp.app.operator.OperatorActions;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.typesafe.config.Config;
import io.kimp.app.metrics.TelegramMetrics;
import io.kimp.app.telegram.BotApiClient.PollOutcome;
import io.kimp.app.telegram.BotApiClient.SendOutcome;
import io.kimp.app.telegram.BotApiClient.Update;
import io.kimp.core.CborSerializable;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
 */
public final class TelegramNotifier
    extends EventSourcedBehavior<TelegramNotifier.Command, TelegramNotifier.Event, TelegramNotifier.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("TelegramNotifier");
  public static final String SINGLETON_NAME = "telegram-notifier";

  // ---- protocol

  public sealed interface Command extends CborSerializable {}

  /** Send {@code alert} to the operators; {@code replyTo} (may be null) hears whether it was enqueued. */
  public record Publish(Alert alert, ActorRef<Published> replyTo) implements Command {}

  public enum PublishResult {
    ENQUEUED,
    DUPLICATE_SUPPRESSED,
    LOGGED_ONLY
  }

  public record Published(PublishResult result, int outboxSize) implements CborSerializable {}

  public record GetOutbox(ActorRef<OutboxView> replyTo) implements Command {}

  /** The messages Telegram has not accepted yet, oldest first. */
  public record OutboxView(List<OutboxEntry> pending, long lastUpdateId, LocalDate lastSummaryDay)
      implements CborSerializable {}

  /** Send the summary of trading day {@code day} unless it was sent already (the daily timer sends this too). */
  public record SendDailySummary(LocalDate day) implements Command {}

  private enum SendDue implements Command {
    INSTANCE
  }

  private enum PollDue implements Command {
    INSTANCE
  }

  private record SendCompleted(long attempt, long seq, SendOutcome outcome) implements Command {}

  private record Polled(long attempt, PollOutcome outcome) implements Command {}

  private record CommandAnswered(String chatId, String command, String outcome, String text) implements Command {}

  private record SummaryFetched(LocalDate day, OperatorActions.DailySummary summary, Throwable error)
      implements Command {}

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
   * The notifier for {@code config}'s {@code kimp.telegram.*} and {@code kimp.alerts.*}: the persistent Telegram outbox, or
   * when Telegram is disabled or has no token, a behavior that writes alerts to the log. Fails (naming the key) on bad
   * configuration.
   */
  public static Behavior<Command> create(Config config, OperatorActions actions, TelegramMetrics metrics) {
    return create(
        TelegramSettings.fromConfig(config), AlertSettings.fromConfig(config), actions, metrics, Clock.systemUTC());
  }

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

  // ---- behavior

  private static final String SEND_TIMER = "send";
  private static final String POLL_TIMER = "poll";
  private static final String SUMMARY_TIMER = "summary";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final TelegramSettings settings;
  private final AlertSettings alertSettings;
  private final OperatorActions actions;
  private final TelegramMetrics metrics;
  private final Clock clock;
  private final BotApiClient api;
  private final AlertFormatter formatter;
  private final CommandReplies replies;

  /**
   * Ids of HTTP requests, unique in the JVM: an answer to a request of an earlier incarnation of this actor (after a
   * restart) is recognised and ignored, so that two send or poll loops never run at once.
   */
  private static final AtomicLong REQUESTS = new AtomicLong();

  // delivery and polling progress: not persisted, rebuilt from nothing after a restart
  private long sendInFlight = -1;
  private long nextSendAtNanos = System.nanoTime();
  private int sendFailures;
  private final Set<Long> plainText = new HashSet<>();
  private long pollInFlight = -1;
  private int pollFailures;
  private final Set<LocalDate> summariesInFlight = new HashSet<>();

  private TelegramNotifier(
      ActorContext<Command> context, TimerScheduler<Command> timers, TelegramSettings settings, AlertSettings alerts,
      OperatorActions actions, TelegramMetrics metrics, Clock clock) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.alertSettings = alerts;
    this.actions = actions;
    this.metrics = metrics;
    this.clock = clock;
    this.api = new BotApiClient(context.getSystem(), settings);
    this.formatter = new AlertFormatter(alerts.zone(), settings.maxFieldLength());
    this.replies = new CommandReplies(settings.maxFieldLength(), clock);
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
              trySend(s);
              poll(s);
              scheduleSummary(s);
            })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Publish.class, this::onPublish)
        .onCommand(GetOutbox.class, (s, c) -> Effect().reply(c.replyTo(), new OutboxView(s.outbox(), s.lastUpdateId(),
            s.lastSummaryDay())))
        .onCommand(SendDue.class, (s, c) -> {
          trySend(s);
          return Effect().none();
        })
        .onCommand(SendCompleted.class, this::onSendCompleted)
        .onCommand(PollDue.class, (s, c) -> {
          poll(s);
          return Effect().none();
        })
        .onCommand(Polled.class, this::onPolled)
        .onCommand(CommandAnswered.class, this::onCommandAnswered)
        .onCommand(SendDailySummary.class, this::onSendDailySummary)
        .onCommand(SummaryFetched.class, this::onSummaryFetched)
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
    trySend(st);
  }

  private static <T> void reply(ActorRef<T> to, T message) {
    if (to != null) {
      to.tell(message);
    }
  }

  // ---- delivery

  /** Sends the oldest message if nothing is in flight and the chat's pace allows; otherwise arms the send timer. */
  private void trySend(State s) {
    if (sendInFlight >= 0 || s.outbox().isEmpty()) {
      return;
    }
    long wait = nextSendAtNanos - System.nanoTime();
    if (wait > 0) {
      timers.startSingleTimer(SEND_TIMER, SendDue.INSTANCE, Duration.ofNanos(wait));
      return;
    }
    OutboxEntry e = s.head().orElseThrow();
    long attempt = REQUESTS.incrementAndGet();
    sendInFlight = attempt;
    boolean plain = plainText.contains(e.seq());
    context.pipeToSelf(
        api.sendMessage(e.chatId(), plain ? MarkdownV2.toPlain(e.text()) : e.text(), !plain),
        (outcome, err) ->
            new SendCompleted(attempt, e.seq(), outcome != null ? outcome : new SendOutcome.Transient("network",
                settings.mask(String.valueOf(err)))));
  }

  private Effect<Event, State> onSendCompleted(State s, SendCompleted c) {
    if (c.attempt() != sendInFlight) {
      return Effect().none();
    }
    sendInFlight = -1;
    Optional<OutboxEntry> head = s.head().filter(e -> e.seq() == c.seq());
    if (head.isEmpty()) {
      trySend(s);
      return Effect().none();
    }
    OutboxEntry entry = head.get();
    SendOutcome o = c.outcome();
    if (o instanceof SendOutcome.Sent sent) {
      if (sendFailures > 0) {
        context.getLog().info("Telegram accepts messages again after {} failed attempt(s)", sendFailures);
      }
      sendFailures = 0;
      plainText.remove(entry.seq());
      paceAfter(settings.minIntervalPerChat());
      metrics.sent();
      return Effect().persist(new Delivered(entry.seq(), sent.messageId(), clock.instant())).thenRun(this::enqueuedThenSend);
    }
    if (o instanceof SendOutcome.RetryAfter r) {
      metrics.sendFailed("rate_limited");
      context.getLog().warn("Telegram rate limit: waiting {} s as told (retry_after)", r.delay().toSeconds());
      paceAfter(r.delay());
    } else if (o instanceof SendOutcome.Transient t) {
      metrics.sendFailed(t.failureClass());
      sendFailures++;
      Duration delay = settings.backoff(sendFailures);
      if (sendFailures == 1 || sendFailures % 10 == 0) {
        context.getLog()
            .warn("Telegram send failed ({}: {}), attempt {}; retrying in {} ms; {} message(s) kept in the outbox",
                t.failureClass(), t.detail(), sendFailures, delay.toMillis(), s.outbox().size());
      }
      paceAfter(delay);
    } else if (o instanceof SendOutcome.CannotParse p) {
      metrics.sendFailed("bad_markup");
      if (plainText.add(entry.seq())) {
        context.getLog()
            .error("Telegram could not parse message {} ({}): {}; sending it as plain text. Markup was: {}",
                entry.seq(), entry.origin(), p.description(), settings.mask(entry.text()));
        paceAfter(settings.minIntervalPerChat());
      } else {
        return drop(entry, p.description());
      }
    } else if (o instanceof SendOutcome.Misconfigured m) {
      metrics.sendFailed("misconfigured");
      sendFailures++;
      context.getLog()
          .error("Telegram refuses kimp's messages ({}): check kimp.telegram.bot-token and kimp.telegram.chat-id; "
              + "{} message(s) kept in the outbox, retrying in {}", m.description(), s.outbox().size(),
              settings.backoffMax());
      paceAfter(settings.backoffMax());
    } else if (o instanceof SendOutcome.Rejected r) {
      metrics.sendFailed("rejected");
      return drop(entry, r.description());
    }
    trySend(s);
    return Effect().none();
  }

  private Effect<Event, State> drop(OutboxEntry entry, String reason) {
    plainText.remove(entry.seq());
    context.getLog()
        .error("Telegram rejected message {} ({}) for good: {}. It is dropped from the outbox; its text was: {}",
            entry.seq(), entry.origin(), reason, settings.mask(entry.text()));
    paceAfter(settings.minIntervalPerChat());
    return Effect().persist(new Dropped(entry.seq(), reason, clock.instant())).thenRun(this::enqueuedThenSend);
  }

  private void paceAfter(Duration d) {
    nextSendAtNanos = System.nanoTime() + d.toNanos();
  }

  // ---- commands

  private void poll(State s) {
    if (!settings.commandsEnabled() || pollInFlight >= 0) {
      return;
    }
    long attempt = REQUESTS.incrementAndGet();
    pollInFlight = attempt;
    context.pipeToSelf(
        api.getUpdates(s.lastUpdateId() + 1, settings.pollTimeout()),
        (outcome, err) -> new Polled(attempt, outcome != null ? outcome : new PollOutcome.Failed("network",
            settings.mask(String.valueOf(err)))));
  }

  private Effect<Event, State> onPolled(State s, Polled c) {
    if (c.attempt() != pollInFlight) {
      return Effect().none();
    }
    pollInFlight = -1;
    if (c.outcome() instanceof PollOutcome.Failed f) {
      pollFailures++;
      Duration delay = settings.backoff(pollFailures);
      if (pollFailures == 1 || pollFailures % 10 == 0) {
        String hint = "conflict".equals(f.failureClass())
            ? " (another process polls this bot's updates: only one kimp cluster may use a bot token)"
            : "";
        context.getLog().warn("Telegram getUpdates failed ({}: {}){}; polling again in {} ms", f.failureClass(),
            f.detail(), hint, delay.toMillis());
      }
      timers.startSingleTimer(POLL_TIMER, PollDue.INSTANCE, delay);
      return Effect().none();
    }
    pollFailures = 0;
    List<Update> fresh =
        ((PollOutcome.Updates) c.outcome()).updates().stream().filter(u -> u.updateId() > s.lastUpdateId()).toList();
    if (fresh.isEmpty()) {
      poll(s);
      return Effect().none();
    }
    long last = fresh.stream().mapToLong(Update::updateId).max().orElseThrow();
    List<Runnable> toRun = new ArrayList<>();
    for (Update u : fresh) {
      if (!settings.chatId().equals(u.chatId())) {
        metrics.ignored("foreign_chat");
        context.getLog()
            .warn("Ignored a Telegram message from chat {} (user {} @{}): only chat {} may command kimp", u.chatId(),
                u.fromId(), u.fromUsername(), settings.chatId());
        continue;
      }
      Optional<OperatorCommand> command = OperatorCommand.parse(u.text());
      if (command.isEmpty()) {
        metrics.ignored("not_a_command");
        continue;
      }
      toRun.add(() -> execute(u, command.get()));
    }
    return Effect()
        .persist(new UpdatesConsumed(last))
        .thenRun(
            st -> {
              toRun.forEach(Runnable::run);
              poll(st);
            });
  }

  private void execute(Update u, OperatorCommand command) {
    String by = "telegram:" + (u.fromUsername() != null ? "@" + u.fromUsername() : Long.toString(u.fromId()));
    context.getLog().info("Telegram command /{} from {}", command.name(), by);
    CompletionStage<String> answer;
    try {
      answer = answer(command, by);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    String outcome = command instanceof OperatorCommand.Invalid ? "invalid" : "ok";
    context.pipeToSelf(
        answer.toCompletableFuture().orTimeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS),
        (text, err) ->
            err == null
                ? new CommandAnswered(u.chatId(), command.name(), outcome, text)
                : new CommandAnswered(u.chatId(), command.name(), "failed", replies.failed(command.name(), err)));
  }

  private CompletionStage<String> answer(OperatorCommand c, String by) {
    if (c instanceof OperatorCommand.Status) {
      return actions.status().thenApply(replies::status);
    }
    if (c instanceof OperatorCommand.Premiums) {
      return actions.premiums().thenApply(replies::premiums);
    }
    if (c instanceof OperatorCommand.Cycles) {
      return actions.cycles(OperatorActions.CycleQuery.open(100)).thenApply(replies::cycles);
    }
    if (c instanceof OperatorCommand.DeadLetters) {
      return actions.deadLetters(true).thenApply(replies::deadLetters);
    }
    if (c instanceof OperatorCommand.Recover r) {
      return actions.recover(r.cycleId(), by).thenApply(replies::recovered);
    }
    if (c instanceof OperatorCommand.Pause p) {
      return actions.pause(by, p.reason()).thenApply(replies::tradingSwitched);
    }
    if (c instanceof OperatorCommand.Resume) {
      return actions.resume(by).thenApply(replies::tradingSwitched);
    }
    String problem = c instanceof OperatorCommand.Invalid i ? i.problem() : null;
    return CompletableFuture.completedFuture(CommandReplies.help(problem));
  }

  private Effect<Event, State> onCommandAnswered(State s, CommandAnswered c) {
    metrics.command(c.command(), c.outcome());
    return Effect()
        .persist(enqueue(s, c.chatId(), null, "/" + c.command(), c.text(), clock.instant()))
        .thenRun(this::enqueuedThenSend);
  }

  // ---- daily summary

  /** Arms the timer for the next summary, and catches up on one missed while no notifier ran. */
  private void scheduleSummary(State s) {
    if (!alertSettings.dailySummaryEnabled()) {
      return;
    }
    ZonedDateTime now = clock.instant().atZone(alertSettings.zone());
    ZonedDateTime todayAt = now.toLocalDate().atTime(alertSettings.dailySummaryAt()).atZone(alertSettings.zone());
    ZonedDateTime lastDue = now.isBefore(todayAt) ? todayAt.minusDays(1) : todayAt;
    LocalDate missed = lastDue.toLocalDate().minusDays(1);
    if (s.lastSummaryDay() != null && s.lastSummaryDay().isBefore(missed)) {
      context.getSelf().tell(new SendDailySummary(missed));
    }
    ZonedDateTime next = lastDue.plusDays(1);
    timers.startSingleTimer(
        SUMMARY_TIMER, new SendDailySummary(next.toLocalDate().minusDays(1)), Duration.between(now, next));
  }

  private Effect<Event, State> onSendDailySummary(State s, SendDailySummary c) {
    if (s.lastSummaryDay() != null && !c.day().isAfter(s.lastSummaryDay())) {
      context.getLog().debug("Daily summary of {} already sent", c.day());
      return Effect().none();
    }
    if (summariesInFlight.add(c.day())) {
      context.pipeToSelf(
          actions.dailySummary(c.day()).toCompletableFuture()
              .orTimeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS),
          (summary, err) -> new SummaryFetched(c.day(), summary, err));
    }
    return Effect().none();
  }

  private Effect<Event, State> onSummaryFetched(State s, SummaryFetched c) {
    summariesInFlight.remove(c.day());
    if (c.error() != null) {
      context.getLog()
          .warn("Daily summary of {} unavailable ({}); trying again in {}", c.day(), c.error().toString(),
              settings.backoffMax());
      timers.startSingleTimer("summary-retry-" + c.day(), new SendDailySummary(c.day()), settings.backoffMax());
      return Effect().none();
    }
    if (s.lastSummaryDay() != null && !c.day().isAfter(s.lastSummaryDay())) {
      return Effect().none();
    }
    Instant now = clock.instant();
    Alert alert = AlertFormatter.dailySummary(c.summary(), now);
    List<Event> events = new ArrayList<>();
    events.add(new SummaryTaken(c.day(), now));
    events.addAll(enqueue(s, settings.chatId(), alert.dedupeKey(), alert.kind().name(), formatter.format(alert), now));
    return Effect()
        .persist(events)
        .thenRun(
            st -> {
              enqueuedThenSend(st);
              scheduleSummary(st);
            });
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
