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
    b.append(mark(alert.severity())).append(' ').append(MarkdownV2.bold(MarkdownV2.truncate(alert.title(), MAX_TITLE)));
    Map<String, String> fields = alert.fields() == null ? Map.of() : alert.fields();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      b.append('\n').append(MarkdownV2.field(f.getKey(), f.getValue(), maxFieldLength));
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

  private static String mark(Alert.Severity severity) {
    return switch (severity) {
      case CRITICAL -> "\uD83D\uDD34"; // red circle
      case WARNING -> "\uD83D\uDFE0"; // orange circle
      case INFO -> "\uD83D\uDFE2"; // green circle
    };
  }
}
