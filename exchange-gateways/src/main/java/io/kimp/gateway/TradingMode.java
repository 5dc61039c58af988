package io.kimp.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Locale;

/** {@code kimp.trading.mode}: paper venues fed by the live books, or the real venues. */
public enum TradingMode {
  PAPER,
  LIVE;

  public static TradingMode from(Config c) {
    String raw = c.getString("kimp.trading.mode");
    try {
      return valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("kimp.trading.mode", "must be paper or live, not '" + raw + "'");
    }
  }
}
