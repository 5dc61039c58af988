package io.kimp.backtest.data;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps parsed straight from ASCII bytes into epoch milliseconds (UTC):
 *
 * <ul>
 *   <li>{@code yyyy-MM-dd HH:mm:ss}, naive, taken as UTC (the form of the shared candle data);
 *   <li>ISO-8601: {@code yyyy-MM-ddTHH:mm:ss}, optional fraction, optional {@code Z} or {@code ±HH:mm} / {@code ±HHmm};
 *   <li>{@code yyyy-MM-dd} (a daily row: midnight UTC);
 *   <li>epoch milliseconds (digits only).
 * </ul>
 *
 * Hand-rolled for the same reason as {@link CsvScanner}: {@code java.time} parsing allocates and is far slower than a
 * candle file can be read.
 */
public final class Timestamps {
  /** Returned for text that is not a timestamp. */
  public static final long INVALID = Long.MIN_VALUE;

  /** Epoch milliseconds are accepted from 2000-01-01 to 2100-01-01, which tells them from epoch seconds. */
  private static final long EPOCH_MS_MIN = 946_684_800_000L;

  private static final long EPOCH_MS_MAX = 4_102_444_800_000L;
  private static final DateTimeFormatter NAIVE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private Timestamps() {}

  public static final String ACCEPTED =
      "yyyy-MM-dd HH:mm:ss (UTC), ISO-8601 (e.g. 2025-05-28T18:10:00Z), yyyy-MM-dd or epoch milliseconds";

  /** Epoch milliseconds of {@code b[from, to)}, or {@link #INVALID}. */
  public static long parseMillis(byte[] b, int from, int to) {
    int len = to - from;
    if (len <= 0) {
      return INVALID;
    }
    if (allDigits(b, from, to)) {
      if (len > 15) {
        return INVALID;
      }
      long v = 0;
      for (int i = from; i < to; i++) {
        v = v * 10 + (b[i] - '0');
      }
      return v >= EPOCH_MS_MIN && v < EPOCH_MS_MAX ? v : INVALID;
    }
    if (len < 10 || b[from + 4] != '-' || b[from + 7] != '-') {
      return INVALID;
    }
    int year = digits(b, from, 4);
    int month = digits(b, from + 5, 2);
    int day = digits(b, from + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return INVALID;
    }
    long days = epochDay(year, month, day);
    if (len == 10) {
      return days * 86_400_000L;
    }
    byte sep = b[from + 10];
    if (len < 19 || (sep != ' ' && sep != 'T' && sep != 't') || b[from + 13] != ':' || b[from + 16] != ':') {
      return INVALID;
    }
    int hour = digits(b, from + 11, 2);
    int minute = digits(b, from + 14, 2);
    int second = digits(b, from + 17, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return INVALID;
    }
    long ms = days * 86_400_000L + hour * 3_600_000L + minute * 60_000L + second * 1000L;
    int i = from + 19;
    if (i < to && b[i] == '.') {
      i++;
      int fracDigits = 0;
      int millis = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        if (fracDigits < 3) {
          millis = millis * 10 + (b[i] - '0');
        }
        fracDigits++;
        i++;
      }
      if (fracDigits == 0 || fracDigits > 9) {
        return INVALID;
      }
      for (int k = fracDigits; k < 3; k++) {
        millis *= 10;
      }
      ms += millis;
    }
    if (i == to) {
      return ms;
    }
    byte z = b[i];
    if ((z == 'Z' || z == 'z') && i + 1 == to) {
      return ms;
    }
    if (z == '+' || z == '-') {
      int rest = to - i - 1;
      int oh;
      int om;
      if (rest == 5 && b[i + 3] == ':') {
        oh = digits(b, i + 1, 2);
        om = digits(b, i + 4, 2);
      } else if (rest == 4) {
        oh = digits(b, i + 1, 2);
        om = digits(b, i + 3, 2);
      } else if (rest == 2) {
        oh = digits(b, i + 1, 2);
        om = 0;
      } else {
        return INVALID;
      }
      if (oh < 0 || oh > 18 || om < 0 || om > 59) {
        return INVALID;
      }
      long offset = (oh * 60L + om) * 60_000L;
      return z == '+' ? ms - offset : ms + offset;
    }
    return INVALID;
  }

  /** True when {@code b[from, to)} is a date without a time of day. */
  public static boolean isDateOnly(byte[] b, int from, int to) {
    return to - from == 10 && b[from + 4] == '-' && b[from + 7] == '-';
  }

  /** {@code yyyy-MM-dd HH:mm:ss} in UTC, the form the shared data uses. */
  public static String naive(long epochMs) {
    return NAIVE.format(LocalDateTime.ofEpochSecond(Math.floorDiv(epochMs, 1000), 0, ZoneOffset.UTC));
  }

  /** ISO-8601 UTC ({@code 2025-05-28T18:10:00Z}). */
  public static String iso(long epochMs) {
    return Instant.ofEpochMilli(epochMs).toString();
  }

  private static boolean allDigits(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static int digits(byte[] b, int at, int n) {
    int v = 0;
    for (int i = at; i < at + n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yoe = y - era * 400;
    int mp = (month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long) era * 146_097 + doe - 719_468;
  }
}
