package io.kimp.app.telegram;

import io.kimp.app.operator.OperatorActions;
import static io.kimp.app.telegram.MarkdownV2.bold;
import static io.kimp.app.telegram.MarkdownV2.escape;

import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.app.operator.OperatorActions.CycleRow;
import io.kimp.app.operator.OperatorActions.EngineStatus;
import io.kimp.app.operator.OperatorActions.PremiumRow;
import io.kimp.app.operator.OperatorActions.TradingSwitch;
import io.kimp.core.dlq.DeadLetterQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Renders the typed answers of {@link OperatorActions} as MarkdownV2 chat replies. Lists are capped (a chat is not a
 * report): the reply says how many rows were left out and where to see them all.
 */
final class CommandReplies {

  static final int MAX_ROWS = 20;

  private final int maxFieldLength;
  private final Clock clock;

  CommandReplies(int maxFieldLength, Clock clock) {
    this.maxFieldLength = maxFieldLength;
    this.clock = clock;
  }

  String status(EngineStatus s) {
    StringBuilder b = new StringBuilder(bold("kimp " + s.health()));
    line(b, "trading", trading(s.trading()));
    line(b, "equity", Numbers.krw(s.equityKrw()));
    line(b, "reserved", Numbers.krw(s.reservedKrw()));
    line(b, "free", Numbers.krw(s.freeKrw()));
    line(b, "realised today", Numbers.krw(s.todayRealizedPnlKrw()));
    line(b, "open cycles", Integer.toString(s.openCycles()));
    line(b, "open dead letters", Integer.toString(s.openDeadLetters()));
    for (ComponentHealth c : s.components()) {
      line(b, c.name(), c.health() + (c.detail() == null || c.detail().isBlank() ? "" : " – " + c.detail()));
    }
    return b.toString();
  }

  String premiums(List<PremiumRow> rows) {
    if (rows.isEmpty()) {
      return escape("No fresh quotes: the feeds have not delivered both venues yet (see /status).");
    }
    StringBuilder b = new StringBuilder(bold("Premiums"));
    for (PremiumRow r : cap(rows)) {
      b.append('\n')
          .append(bold(r.symbol()))
          .append(' ')
          .append(escape(Numbers.percent(r.premiumPercent()) + "  (" + Numbers.plain(r.upbitKrw()) + " KRW vs "
              + Numbers.plain(r.binanceUsdt()) + " USDT @ " + Numbers.plain(r.usdtKrw()) + ", " + age(r.observedAt())
              + ")"));
    }
    return more(b, rows.size(), "GET /api/v1/premiums");
  }

  String cycles(List<CycleRow> rows) {
    if (rows.isEmpty()) {
      return escape("No open cycles.");
    }
    StringBuilder b = new StringBuilder(bold("Open cycles"));
    for (CycleRow r : cap(rows)) {
      String where = r.leg() == null ? "" : " " + r.leg() + (r.step() == null ? "" : " " + r.step());
      b.append('\n')
          .append(bold(r.symbol()))
          .append(' ')
          .append(escape(r.status() + where + (r.retryCount() > 0 ? ", retries " + r.retryCount() : "") + ", "
              + Numbers.krw(r.investmentKrw()) + ", since " + age(r.statusSince())))
          .append("\n  ")
          .append(escape(r.cycleId().toString()));
    }
    return more(b, rows.size(), "GET /api/v1/cycles");
  }

  String deadLetters(List<DeadLetterQueue.Entry> entries) {
    if (entries.isEmpty()) {
      return escape("The dead-letter queue is empty.");
    }
    StringBuilder b = new StringBuilder(bold("Dead-lettered cycles"));
    for (DeadLetterQueue.Entry e : cap(entries)) {
      var d = e.deadLetter();
      b.append('\n')
          .append(bold(d.symbol()))
          .append(' ')
          .append(escape(d.leg() + " " + d.step() + ", " + d.retryCount() + " retries, " + age(d.at())))
          .append("\n  ")
          .append(escape(MarkdownV2.truncate(String.valueOf(d.reason()), maxFieldLength)))
          .append("\n  ")
          .append(escape("/recover " + d.cycleId()));
    }
    return more(b, entries.size(), "GET /api/v1/dlq");
  }

  String recovered(DeadLetterQueue.Outcome o) {
    if (o.ok()) {
      return bold("Recovered " + o.cycleId()) + "\n" + escape(String.valueOf(o.message()));
    }
    return bold("Not recovered (" + o.code() + ")") + "\n" + escape(MarkdownV2.truncate(o.message(), maxFieldLength));
  }

  String tradingSwitched(TradingSwitch t) {
    return bold("Trading " + (t.paused() ? "paused" : "active")) + "\n" + escape(trading(t));
  }

  static String help(String problem) {
    String head = problem == null ? bold("kimp commands") : escape(problem) + "\n" + bold("Commands");
    return head + "\n" + escape(OperatorCommand.USAGE);
  }

  /** The reply when an action failed or timed out: short, and never a stack trace. */
  String failed(String command, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String why = cause instanceof TimeoutException ? "no answer in time" : cause.getClass().getSimpleName() + ": "
        + cause.getMessage();
    return bold("/" + command + " failed") + "\n" + escape(MarkdownV2.truncate(why, maxFieldLength));
  }

  private static String trading(TradingSwitch t) {
    if (!t.paused()) {
      return "active";
    }
    return "PAUSED" + (t.by() == null ? "" : " by " + t.by()) + (t.reason() == null ? "" : ": " + t.reason());
  }

  private void line(StringBuilder b, String key, String value) {
    b.append('\n').append(MarkdownV2.field(key, value, maxFieldLength));
  }

  private static <T> List<T> cap(List<T> rows) {
    return rows.size() <= MAX_ROWS ? rows : rows.subList(0, MAX_ROWS);
  }

  private static String more(StringBuilder b, int total, String where) {
    if (total > MAX_ROWS) {
      b.append('\n').append(escape("… and " + (total - MAX_ROWS) + " more: " + where));
    }
    return b.toString();
  }

  private String age(Instant at) {
    if (at == null) {
      return "–";
    }
    Duration d = Duration.between(at, clock.instant());
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    if (d.toMinutes() < 1) {
      return d.toSeconds() + "s ago";
    }
    if (d.toHours() < 1) {
      return d.toMinutes() + "m ago";
    }
    if (d.toDays() < 1) {
      return d.toHours() + "h " + d.toMinutesPart() + "m ago";
    }
    return d.toDays() + "d " + d.toHoursPart() + "h ago";
  }
}
