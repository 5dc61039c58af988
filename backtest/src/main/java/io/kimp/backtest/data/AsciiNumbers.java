package io.kimp.backtest.data;

import java.nio.charset.StandardCharsets;

/**
 * Decimal numbers parsed straight from ASCII bytes. The common case (at most 15 significant digits, at most 22 decimal
 * places, as every price and volume in candle files has) is exact: the digits form an exactly representable integer and
 * one division by an exactly representable power of ten rounds correctly (Clinger's fast path), so the result equals
 * {@link Double#parseDouble}. Anything longer falls back to {@link Double#parseDouble}.
 */
public final class AsciiNumbers {
  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private AsciiNumbers() {}

  /** The number in {@code b[from, to)}, or NaN when it is not a finite decimal number. */
  public static double parseDouble(byte[] b, int from, int to) {
    int i = from;
    if (i >= to) {
      return Double.NaN;
    }
    boolean negative = false;
    if (b[i] == '-' || b[i] == '+') {
      negative = b[i] == '-';
      i++;
    }
    long mantissa = 0;
    int significant = 0;
    int digits = 0;
    int scale = 0; // digits after the point
    boolean point = false;
    for (; i < to; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        digits++;
        if (point) {
          scale++;
        }
        if (mantissa == 0 && c == '0') {
          continue; // leading zeros are not significant
        }
        significant++;
        if (significant <= 18) {
          mantissa = mantissa * 10 + (c - '0');
        }
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    int exponent = 0;
    if (i < to) {
      byte c = b[i];
      if (c != 'e' && c != 'E') {
        return Double.NaN;
      }
      i++;
      boolean expNegative = false;
      if (i < to && (b[i] == '-' || b[i] == '+')) {
        expNegative = b[i] == '-';
        i++;
      }
      int expDigits = 0;
      for (; i < to; i++) {
        c = b[i];
        if (c < '0' || c > '9' || expDigits > 5) {
          return Double.NaN;
        }
        exponent = exponent * 10 + (c - '0');
        expDigits++;
      }
      if (expDigits == 0) {
        return Double.NaN;
      }
      if (expNegative) {
        exponent = -exponent;
      }
    }
    int e10 = exponent - scale;
    if (significant <= 15) {
      double v = mantissa;
      if (mantissa == 0) {
        return negative ? -0.0 : 0.0;
      }
      if (e10 >= 0 && e10 <= 22) {
        v *= POW10[e10]; // two exact operands: one correctly rounded operation
        return negative ? -v : v;
      } else if (e10 < 0 && -e10 <= 22) {
        v /= POW10[-e10];
        return negative ? -v : v;
      }
    }
    double v = Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    return Double.isFinite(v) ? v : Double.NaN;
  }
}
