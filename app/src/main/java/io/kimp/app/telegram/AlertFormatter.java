package io.kimp.app.telegram;

import io.kimp.app.operator.OperatorActions;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders an {@link Alert} as a MarkdownV2 message: severity mark and bold title, one line per field, and a footer with
 * the alert kind and time. Everything that came from the alert is escaped and cut to a bounded length, so that any
 * text a venue or a cycle produced is delivered as it was written and never breaks the message.
 */
final class AlertFormatter {

  private static final int MAX_TITLE = 200;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

  private final ZoneId zone;
  private final int maxFieldLength;

  AlertFormatter(ZoneId zone, int maxFieldLength) {
    this.zone = zone;
    this.maxFieldLength = maxFieldLength;
  }

  String format(Alert alert) {
    StringBuilder b = new StringBuilder();
    b.append(mark(alert.severity())).append(' ').append(MarkdownV2.bold(MarkdownV2.truncate(title(alert), MAX_TITLE)));
    Map<String, String> fields = alert.fields() == null ? Map.of() : alert.fields();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      b.append('\n').append(MarkdownV2.field(f.getKey(), f.getValue(), maxFieldLength));
    }
    String todo = whatToDo(alert);
    if (todo != null) {
      b.append('\n').append(MarkdownV2.field("what to do", todo, maxFieldLength));
    }
    b.append("\n_")
        .append(MarkdownV2.escape(alert.kind() + " · " + alert.severity() + " · " + TIME.format(alert.at().atZone(zone))))
        .append('_');
    return b.toString();
  }

  /** The daily summary as an alert, so that it goes through the same outbox, formatting and de-duplication. */
  static Alert dailySummary(OperatorActions.DailySummary s, java.time.Instant now) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("cycles started", Integer.toString(s.cyclesStarted()));
    f.put("cycles completed", Integer.toString(s.cyclesCompleted()));
    f.put("cycles dead-lettered", Integer.toString(s.cyclesDeadLettered()));
    f.put("realised P&L", Numbers.krw(s.realizedPnlKrw()));
    f.put("equity", Numbers.krw(s.equityKrw()));
    f.put("open cycles", Integer.toString(s.openCycles()));
    f.put("open dead letters", Integer.toString(s.openDeadLetters()));
    f.put("trading", s.tradingPaused() ? "PAUSED" : "active");
    Alert.Severity severity =
        s.openDeadLetters() > 0 || s.tradingPaused() ? Alert.Severity.WARNING : Alert.Severity.INFO;
    return new Alert(AlertKind.DAILY_SUMMARY, severity, s.day().toString(), "Daily summary " + s.day(), f, now);
  }

  /**
   * The title as the operator reads it on a phone: a transfer-hedge alert says it is about the hedge even when the
   * cycle's own words ("long without a short: …") do not.
   */
  static String title(Alert alert) {
    String t = alert.title() == null ? "" : alert.title();
    boolean hedge = alert.kind() == AlertKind.HEDGE_SKIPPED || alert.kind() == AlertKind.HEDGE_EXPOSED
        || alert.kind() == AlertKind.HEDGE_POSITION_MISMATCH;
    return hedge && !t.regionMatches(true, 0, "hedge", 0, 5) ? "Hedge: " + t : t;
  }

  /**
   * For the transfer hedge's alerts, the operator's next step (docs/OPERATIONS.md, "The transfer hedge"): these are the
   * alerts where money sits on one side of a hedge, and the right action depends on which side. Null for other kinds,
   * whose fields already say what is needed.
   */
  static String whatToDo(Alert alert) {
    String t = alert.title() == null ? "" : alert.title();
    String cycle = alert.fields() == null ? null : alert.fields().get("cycle");
    String recover = cycle == null ? "/recover <cycle id>" : "/recover " + cycle;
    return switch (alert.kind()) {
      case HEDGE_SKIPPED -> "nothing: the leg goes on unhedged (the coin's price moves in full while it travels). "
          + "To trade only coins with a perpetual, set kimp.hedge.unlisted = skip.";
      case HEDGE_EXPOSED -> {
        if (t.contains("long without a short")) {
          yield "the coin is held without its short. " + recover + " places the short again once the futures "
              + "account can take it (margin, key); or discard the cycle in the console and sell the coin by hand.";
        }
        if (t.contains("short without a long")) {
          yield "a short is open with no coin behind it. Discard the cycle in the console (it closes the short "
              + "first, reduce-only), or " + recover + " to retry the close.";
        }
        if (t.contains("still open")) {
          yield "the short still covers the coin in transit: fix what failed, then " + recover + " resumes the "
              + "failed step and the close follows the sell.";
        }
        yield "compare the cycle (/dlq) with the futures account (GET /api/v1/hedge, System page → Hedge).";
      }
      case HEDGE_POSITION_MISMATCH -> "compare GET /api/v1/hedge (System page → Hedge) with the futures account; "
          + "the action above says what the watch did. An orphan short is closed by the watch with "
          + "kimp.hedge.close-orphans on; a smaller short than expected means coins held unhedged.";
      default -> null;
    };
  }

  private static String mark(Alert.Severity severity) {
    return switch (severity) {
      case CRITICAL -> "\uD83D\uDD34"; // red circle
      case WARNING -> "\uD83D\uDFE0"; // orange circle
      case INFO -> "\uD83D\uDFE2"; // green circle
    };
  }
}
