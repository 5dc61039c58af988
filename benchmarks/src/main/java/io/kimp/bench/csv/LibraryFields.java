package io.kimp.bench.csv;

import com.fasterxml.jackson.core.io.NumberInput;
import java.text.ParsePosition;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Field values the way a CSV-library reader gets them: numbers by Jackson's {@link NumberInput} (FastDoubleParser,
 * correctly rounded like {@link Double#parseDouble}) after a check of the decimal grammar the backtest accepts, and
 * timestamps by {@code java.time}. Gives exactly the values of the backtest's own parsers ({@code AsciiNumbers},
 * {@code Timestamps}) for every input those accept; {@code kimp bench csv} checks that on its files.
 */
final class LibraryFields {
  /** Returned for text that is not a timestamp (the backtest's {@code Timestamps.INVALID}). */
  static final long INVALID = Long.MIN_VALUE;

  private static final long EPOCH_MS_MIN = 946_684_800_000L;
  private static final long EPOCH_MS_MAX = 4_102_444_800_000L;

  private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;

  /** {@code HH:mm:ss}, an optional fraction of 1–9 digits, an optional {@code Z} or {@code ±HH:mm}, {@code ±HHmm}, {@code ±HH}. */
  private static final DateTimeFormatter TIME =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendValue(ChronoField.HOUR_OF_DAY, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
          .appendLiteral(':')
          .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH:MM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHMM", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HH", "Z")
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private LibraryFields() {}

  /** The number, or NaN when it is not a finite decimal number ({@code [+-]digits[.digits][e[+-]digits]}). */
  static double number(CharSequence s) {
    if (!decimal(s)) {
      return Double.NaN;
    }
    double v = NumberInput.parseDouble(s.toString(), true);
    return Double.isFinite(v) ? v : Double.NaN;
  }

  /** Epoch milliseconds (UTC) of the text, or {@link #INVALID}. */
  static long millis(String s) {
    int len = s.length();
    if (len == 0) {
      return INVALID;
    }
    if (allDigits(s)) {
      if (len > 15) {
        return INVALID;
      }
      long v = Long.parseLong(s);
      return v >= EPOCH_MS_MIN && v < EPOCH_MS_MAX ? v : INVALID;
    }
    if (len < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
      return INVALID;
    }
    try {
      ParsePosition at = new ParsePosition(0);
      LocalDate date = LocalDate.from(DATE.parse(s, at));
      long days = date.toEpochDay();
      if (len == 10) {
        return days * 86_400_000L;
      }
      char sep = s.charAt(10);
      if (sep != ' ' && sep != 'T' && sep != 't') {
        return INVALID;
      }
      at.setIndex(11);
      TemporalAccessor time = TIME.parse(s, at);
      if (at.getIndex() != len) {
        return INVALID;
      }
      long ms = days * 86_400_000L + time.get(ChronoField.MILLI_OF_DAY);
      if (time.isSupported(ChronoField.OFFSET_SECONDS)) {
        ms -= time.get(ChronoField.OFFSET_SECONDS) * 1000L;
      }
      return ms;
    } catch (RuntimeException e) { // DateTimeParseException, DateTimeException: not a time
      return INVALID;
    }
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The backtest's decimal grammar: sign, digits with at most one point (≥ 1 digit), optional exponent of 1–6 digits. */
  private static boolean decimal(CharSequence s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int digits = 0;
    boolean point = false;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i == n) {
      return true;
    }
    char e = s.charAt(i++);
    if (e != 'e' && e != 'E') {
      return false;
    }
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int exp = n - i;
    if (exp < 1 || exp > 6) {
      return false;
    }
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
