package io.kimp.feeds;

import io.kimp.core.market.Venue;
import java.util.Locale;

/**
 * Where frames come from: the two trading venues, the FX source and Binance's USDT-M perpetuals (the transfer hedge's
 * futures market data, no venue kimp trades coins on). The wire name is what recordings store.
 */
public enum FeedVenue {
  UPBIT(Venue.UPBIT),
  BINANCE(Venue.BINANCE),
  FX(null),
  BINANCE_FUTURES(null);

  private final Venue venue;

  FeedVenue(Venue venue) {
    this.venue = venue;
  }

  /** The spot venue, null for FX and the perpetuals. */
  public Venue venue() {
    return venue;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The venue of a recording's {@code "venue"} field; null when unknown. */
  public static FeedVenue ofWireName(String name) {
    for (FeedVenue v : values()) {
      if (v.wireName().equals(name)) {
        return v;
      }
    }
    return null;
  }
}
