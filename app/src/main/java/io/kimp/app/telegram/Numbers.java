package io.kimp.app.telegram;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Amounts as operators read them in a chat: grouped, rounded for display only. */
final class Numbers {
  private Numbers() {}

  static String krw(BigDecimal amount) {
    if (amount == null) {
      return "–";
    }
    return grouped(amount.setScale(0, RoundingMode.HALF_EVEN)) + " KRW";
  }

  static String percent(double value) {
    return String.format(Locale.ROOT, "%+.2f %%", value);
  }

  static String plain(BigDecimal value) {
    return value == null ? "–" : value.stripTrailingZeros().toPlainString();
  }

  private static String grouped(BigDecimal v) {
    DecimalFormat f = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    return f.format(v);
  }
}
