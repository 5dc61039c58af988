package io.kimp.app.telegram;

import io.kimp.app.metrics.TelegramMetrics;
import io.kimp.app.telegram.BotApiClient.SendOutcome;
import io.kimp.app.telegram.TelegramNotifier.Command;
import io.kimp.app.telegram.TelegramNotifier.Delivered;
import io.kimp.app.telegram.TelegramNotifier.Dropped;
import io.kimp.app.telegram.TelegramNotifier.Event;
import io.kimp.app.telegram.TelegramNotifier.OutboxEntry;
import io.kimp.app.telegram.TelegramNotifier.State;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Delivery of the outbox: the oldest message first, one request at a time, at the chat's pace ({@link SendPace}, on the
 * notifier's clock), waiting out 429s for {@code retry_after}, backing off exponentially on 5xx and network errors,
 * resending as plain text once when Telegram cannot parse the markup, dropping a message Telegram refuses for good.
 * Progress here is not persisted: after a restart delivery starts again from the outbox's head.
 */
final class OutboxDelivery {
  private static final String SEND_TIMER = "send";
  /**
   * The longest the notifier sleeps before looking at its clock again while a pause runs: the pause is measured on the
   * notifier's clock, which need not run at the scheduler's pace (a test's manual clock).
   */
  static final Duration CLOCK_CHECK = Duration.ofSeconds(1);

  /** Tells the notifier to send if it may (the pause may be over). */
  enum SendDue implements Command {
    INSTANCE
  }

  /** Telegram's answer to request {@code attempt} for message {@code seq}. */
  record SendCompleted(long attempt, long seq, SendOutcome outcome) implements Command {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final TelegramSettings settings;
  private final TelegramMetrics metrics;
  private final Clock clock;
  private final BotApiClient api;
  private final SendPace pace;

  private long sendInFlight = -1;
  private int sendFailures;
  private final Set<Long> plainText = new HashSet<>();

  OutboxDelivery(ActorContext<Command> context, TimerScheduler<Command> timers, TelegramSettings settings,
      TelegramMetrics metrics, Clock clock, BotApiClient api) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.api = api;
    this.pace = new SendPace(clock);
  }

  /** Sends the oldest message if nothing is in flight and the chat's pace allows; otherwise arms the send timer. */
  void trySend(State s) {
    if (sendInFlight >= 0 || s.outbox().isEmpty()) {
      return;
    }
    Duration wait = pace.remaining();
    if (!wait.isZero()) {
      timers.startSingleTimer(SEND_TIMER, SendDue.INSTANCE, wait.compareTo(CLOCK_CHECK) < 0 ? wait : CLOCK_CHECK);
      return;
    }
    OutboxEntry e = s.head().orElseThrow();
    long attempt = TelegramNotifier.nextRequestId();
    sendInFlight = attempt;
    boolean plain = plainText.contains(e.seq());
    context.pipeToSelf(
        api.sendMessage(e.chatId(), plain ? MarkdownV2.toPlain(e.text()) : e.text(), !plain),
        (outcome, err) ->
            new SendCompleted(attempt, e.seq(), outcome != null ? outcome : new SendOutcome.Transient("network",
                settings.mask(String.valueOf(err)))));
  }

  /**
   * What Telegram's answer means for the outbox: a {@link Delivered} or {@link Dropped} event to persist (then send the
   * next), or nothing (the message stays; the next attempt is already scheduled).
   */
  Optional<Event> completed(State s, SendCompleted c) {
    if (c.attempt() != sendInFlight) {
      return Optional.empty();
    }
    sendInFlight = -1;
    Optional<OutboxEntry> head = s.head().filter(e -> e.seq() == c.seq());
    if (head.isEmpty()) {
      trySend(s);
      return Optional.empty();
    }
    OutboxEntry entry = head.get();
    SendOutcome o = c.outcome();
    if (o instanceof SendOutcome.Sent sent) {
      if (sendFailures > 0) {
        context.getLog().info("Telegram accepts messages again after {} failed attempt(s)", sendFailures);
      }
      sendFailures = 0;
      plainText.remove(entry.seq());
      pace.holdFor(settings.minIntervalPerChat());
      metrics.sent();
      return Optional.of(new Delivered(entry.seq(), sent.messageId(), clock.instant()));
    }
    if (o instanceof SendOutcome.RetryAfter r) {
      metrics.sendFailed("rate_limited");
      context.getLog().warn("Telegram rate limit: waiting {} s as told (retry_after)", r.delay().toSeconds());
      pace.holdFor(r.delay());
    } else if (o instanceof SendOutcome.Transient t) {
      metrics.sendFailed(t.failureClass());
      sendFailures++;
      Duration delay = settings.backoff(sendFailures);
      if (sendFailures == 1 || sendFailures % 10 == 0) {
        context.getLog()
            .warn("Telegram send failed ({}: {}), attempt {}; retrying in {} ms; {} message(s) kept in the outbox",
                t.failureClass(), t.detail(), sendFailures, delay.toMillis(), s.outbox().size());
      }
      pace.holdFor(delay);
    } else if (o instanceof SendOutcome.CannotParse p) {
      metrics.sendFailed("bad_markup");
      if (plainText.add(entry.seq())) {
        context.getLog()
            .error("Telegram could not parse message {} ({}): {}; sending it as plain text. Markup was: {}",
                entry.seq(), entry.origin(), p.description(), settings.mask(entry.text()));
        pace.holdFor(settings.minIntervalPerChat());
      } else {
        return Optional.of(drop(entry, p.description()));
      }
    } else if (o instanceof SendOutcome.Misconfigured m) {
      metrics.sendFailed("misconfigured");
      sendFailures++;
      context.getLog()
          .error("Telegram refuses kimp's messages ({}): check kimp.telegram.bot-token and kimp.telegram.chat-id; "
              + "{} message(s) kept in the outbox, retrying in {}", m.description(), s.outbox().size(),
              settings.backoffMax());
      pace.holdFor(settings.backoffMax());
    } else if (o instanceof SendOutcome.Rejected r) {
      metrics.sendFailed("rejected");
      return Optional.of(drop(entry, r.description()));
    }
    trySend(s);
    return Optional.empty();
  }

  private Event drop(OutboxEntry entry, String reason) {
    plainText.remove(entry.seq());
    context.getLog()
        .error("Telegram rejected message {} ({}) for good: {}. It is dropped from the outbox; its text was: {}",
            entry.seq(), entry.origin(), reason, settings.mask(entry.text()));
    pace.holdFor(settings.minIntervalPerChat());
    return new Dropped(entry.seq(), reason, clock.instant());
  }
}
