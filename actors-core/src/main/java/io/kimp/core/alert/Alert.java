package io.kimp.core.alert;

import io.kimp.core.CborSerializable;
import java.time.Instant;
import java.util.Map;

/**
 * Something an operator must hear about.
 *
 * @param kind what happened; also the first half of the de-duplication key
 * @param subject what it happened to (a cycle id, a venue, a node); the second half of the key
 * @param title one line, plain text
 * @param fields ordered details (plain text; the notifier escapes them for its channel)
 */
public record Alert(
    AlertKind kind, Severity severity, String subject, String title, Map<String, String> fields, Instant at)
    implements CborSerializable {

  public enum Severity {
    INFO,
    WARNING,
    CRITICAL
  }

  /** Alerts with the same key are the "same alert" for rate limiting. */
  public String dedupeKey() {
    return kind + ":" + subject;
  }
}
