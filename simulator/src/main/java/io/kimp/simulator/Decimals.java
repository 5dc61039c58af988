package io.kimp.simulator;

/**
 * Plain decimal text of a double with at most {@code scale} decimals, trailing zeros dropped, no exponent: how the venues
 * print prices and sizes. Much cheaper than {@code Double.toString}, which dominated the simulator's cost per frame.
 */
final class Decimals {
  private static final long[] POW10 = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };

  private Decimals() {}

  static String text(double v, int scale) {
    return append(new StringBuilder(24), v, scale).toString();
  }

  static StringBuilder append(StringBuilder b, double v, int scale) {
    if (!Double.isFinite(v) || Math.abs(v) * POW10[scale] >= 9e18) {
      return b.append(v);
    }
    if (v < 0) {
      b.append('-');
      v = -v;
    }
    long scaled = Math.round(v * POW10[scale]);
    long whole = scaled / POW10[scale];
    long frac = scaled % POW10[scale];
    b.append(whole);
    if (frac != 0) {
      int digits = scale;
      while (frac % 10 == 0) {
        frac /= 10;
        digits--;
      }
      b.append('.');
      for (long p = POW10[digits - 1]; p > frac && p > 1; p /= 10) {
        b.append('0');
      }
      b.append(frac);
    }
    return b;
  }
}
