package io.kimp.app.telegram;

import io.kimp.app.operator.OperatorActions;
import io.kimp.app.telegram.TelegramNotifier.Command;
import io.kimp.app.telegram.TelegramNotifier.SendDailySummary;
import io.kimp.app.telegram.TelegramNotifier.State;
import io.kimp.core.alert.Alert;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The daily summary: once a day (at {@code kimp.alerts.daily-summary.at}, in the trading day's zone) it asks
 * {@link OperatorActions#dailySummary} for the previous trading day and hands it to the notifier as a
 * {@code DAILY_SUMMARY} alert; a summary missed while no notifier ran is caught up at start. A day is summarised once
 * (the notifier persists {@link TelegramNotifier.SummaryTaken}).
 *
 * <p>The time is the notifier's injected {@link Clock}, not the scheduler's: the next summary's instant is computed from
 * the clock, and a {@link SummaryDue} check compares the clock with it, re-armed at most {@link #CLOCK_CHECK} apart on the
 * scheduler (like {@link OutboxDelivery}'s pacing). So a clock that jumps (a test's manual clock, or a corrected system
 * clock) sends the summary at the clock's 09:00, once.
 */
final class DailySummaries {
  private static final String SUMMARY_TIMER = "summary";
  /** The longest the scheduler waits before the clock is looked at again. */
  static final Duration CLOCK_CHECK = OutboxDelivery.CLOCK_CHECK;

  /** Look at the clock: send the summary that is due, if any, and re-arm the check. */
  enum SummaryDue implements Command {
    INSTANCE
  }

  /** The operators' numbers of {@code day}, or why they could not be read. */
  record SummaryFetched(LocalDate day, OperatorActions.DailySummary summary, Throwable error) implements Command {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final TelegramSettings settings;
  private final AlertSettings alerts;
  private final OperatorActions actions;
  private final Clock clock;
  private final Set<LocalDate> inFlight = new HashSet<>();
  /** When the next summary is due on the clock, and the trading day it summarises; null while disabled. */
  private Instant nextAt;
  private LocalDate nextDay;

  DailySummaries(ActorContext<Command> context, TimerScheduler<Command> timers, TelegramSettings settings,
      AlertSettings alerts, OperatorActions actions, Clock clock) {
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.alerts = alerts;
    this.actions = actions;
    this.clock = clock;
  }

  /** Arms the timer for the next summary, and catches up on one missed while no notifier ran. */
  void schedule(State s) {
    if (!alerts.dailySummaryEnabled()) {
      return;
    }
    ZonedDateTime now = clock.instant().atZone(alerts.zone());
    ZonedDateTime todayAt = now.toLocalDate().atTime(alerts.dailySummaryAt()).atZone(alerts.zone());
    ZonedDateTime lastDue = now.isBefore(todayAt) ? todayAt.minusDays(1) : todayAt;
    LocalDate missed = lastDue.toLocalDate().minusDays(1);
    if (s.lastSummaryDay() != null && s.lastSummaryDay().isBefore(missed)) {
      context.getSelf().tell(new SendDailySummary(missed));
    }
    ZonedDateTime next = lastDue.plusDays(1);
    nextAt = next.toInstant();
    nextDay = next.toLocalDate().minusDays(1);
    arm();
  }

  /**
   * A check of the clock: when it has reached the next summary's time, that summary is requested (once) and the one after
   * it is due a day later; the check is re-armed either way.
   */
  void due(State s) {
    if (nextAt == null) {
      return;
    }
    Instant now = clock.instant();
    if (!now.isBefore(nextAt)) {
      requested(s, new SendDailySummary(nextDay));
      ZonedDateTime at = nextAt.atZone(alerts.zone());
      // the first summary time after now: a clock that jumped days ahead does not queue one summary per day skipped
      do {
        at = at.plusDays(1);
      } while (!now.isBefore(at.toInstant()));
      nextAt = at.toInstant();
      nextDay = at.toLocalDate().minusDays(1);
    }
    arm();
  }

  /** When the next summary is due on the clock (null while the daily summary is off). */
  Instant nextAt() {
    return nextAt;
  }

  private void arm() {
    Duration wait = Duration.between(clock.instant(), nextAt);
    timers.startSingleTimer(SUMMARY_TIMER, SummaryDue.INSTANCE,
        wait.isNegative() ? Duration.ZERO : wait.compareTo(CLOCK_CHECK) < 0 ? wait : CLOCK_CHECK);
  }

  /** Fetches the summary of {@code c.day()} unless it was sent already or is being fetched. */
  void requested(State s, SendDailySummary c) {
    if (alreadySent(s, c.day())) {
      context.getLog().debug("Daily summary of {} already sent", c.day());
      return;
    }
    if (inFlight.add(c.day())) {
      context.pipeToSelf(
          actions.dailySummary(c.day()).toCompletableFuture()
              .orTimeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS),
          (summary, err) -> new SummaryFetched(c.day(), summary, err));
    }
  }

  /** The alert to send for a fetched summary; empty when it failed (retried later) or the day was sent meanwhile. */
  Optional<Alert> fetched(State s, SummaryFetched c) {
    inFlight.remove(c.day());
    if (c.error() != null) {
      context.getLog()
          .warn("Daily summary of {} unavailable ({}); trying again in {}", c.day(), c.error().toString(),
              settings.backoffMax());
      timers.startSingleTimer("summary-retry-" + c.day(), new SendDailySummary(c.day()), settings.backoffMax());
      return Optional.empty();
    }
    if (alreadySent(s, c.day())) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return Optional.of(AlertFormatter.dailySummary(c.summary(), now));
  }

  private static boolean alreadySent(State s, LocalDate day) {
    return s.lastSummaryDay() != null && !day.isAfter(s.lastSummaryDay());
  }
}
