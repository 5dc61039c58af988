package io.kimp.app.telegram;

import io.kimp.app.metrics.TelegramMetrics;
import io.kimp.app.operator.OperatorActions;
import io.kimp.app.telegram.BotApiClient.PollOutcome;
import io.kimp.app.telegram.BotApiClient.Update;
import io.kimp.app.telegram.TelegramNotifier.Command;
import io.kimp.app.telegram.TelegramNotifier.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Operator commands: long-polls {@code getUpdates} from the offset after the last update acted on, accepts commands only
 * from the configured chat, and runs them through {@link OperatorActions}; each answer comes back as
 * {@link CommandAnswered} for the outbox. The notifier persists the new offset before the commands run
 * ({@link Consumed#run}), so a restart never runs a command twice. After a failed poll it waits out the backoff on the
 * notifier's clock (checked at most {@link OutboxDelivery#CLOCK_CHECK} apart), like the outbox's pacing.
 */
final class CommandPolling {
  private static final String POLL_TIMER = "poll";

  /** Poll again if the failure's backoff is over on the clock. */
  enum PollDue implements Command {
    INSTANCE
  }

  /** The answer to poll {@code attempt}. */
  record Polled(long attempt, PollOutcome outcome) implements Command {}

  /** A command ran; {@code text} is the reply for {@code chatId}. */
  record CommandAnswered(String chatId, String command, String outcome, String text) implements Command {}

  /** Updates read up to {@code lastUpdateId}: persist that, then {@link #run} their commands and poll again. */
  record Consumed(long lastUpdateId, List<Runnable> commands) {
    void run() {
      commands.forEach(Runnable::run);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final TelegramSettings settings;
  private final TelegramMetrics metrics;
  private final OperatorActions actions;
  private final BotApiClient api;
  private final CommandReplies replies;
  private final Clock clock;

  private long pollInFlight = -1;
  private int pollFailures;
  /** When the next poll may go, on the clock (after a failure's backoff). */
  private Instant pollAt = Instant.EPOCH;

  CommandPolling(ActorContext<Command> context, TimerScheduler<Command> timers, TelegramSettings settings,
      TelegramMetrics metrics, OperatorActions actions, BotApiClient api, CommandReplies replies, Clock clock) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.metrics = metrics;
    this.actions = actions;
    this.api = api;
    this.replies = replies;
    this.clock = clock;
  }

  /** Polls when the backoff is over on the clock; otherwise looks at the clock again later. */
  void pollWhenDue(State s) {
    Duration wait = Duration.between(clock.instant(), pollAt);
    if (wait.isNegative() || wait.isZero()) {
      poll(s);
    } else {
      armPoll(wait);
    }
  }

  private void armPoll(Duration wait) {
    timers.startSingleTimer(POLL_TIMER, PollDue.INSTANCE,
        wait.compareTo(OutboxDelivery.CLOCK_CHECK) < 0 ? wait : OutboxDelivery.CLOCK_CHECK);
  }

  void poll(State s) {
    if (!settings.commandsEnabled() || pollInFlight >= 0) {
      return;
    }
    long attempt = TelegramNotifier.nextRequestId();
    pollInFlight = attempt;
    context.pipeToSelf(
        api.getUpdates(s.lastUpdateId() + 1, settings.pollTimeout()),
        (outcome, err) -> new Polled(attempt, outcome != null ? outcome : new PollOutcome.Failed("network",
            settings.mask(String.valueOf(err)))));
  }

  /** The updates' commands to run once their offset is stored; empty when there is nothing to store. */
  Optional<Consumed> polled(State s, Polled c) {
    if (c.attempt() != pollInFlight) {
      return Optional.empty();
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
      pollAt = clock.instant().plus(delay);
      armPoll(delay);
      return Optional.empty();
    }
    pollFailures = 0;
    List<Update> fresh =
        ((PollOutcome.Updates) c.outcome()).updates().stream().filter(u -> u.updateId() > s.lastUpdateId()).toList();
    if (fresh.isEmpty()) {
      poll(s);
      return Optional.empty();
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
    return Optional.of(new Consumed(last, toRun));
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
}
