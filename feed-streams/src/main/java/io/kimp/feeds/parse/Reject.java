package io.kimp.feeds.parse;

import java.util.Locale;

/** Why a frame was dropped. Metric label: {@link #label()}. */
public enum Reject {
  /** Not JSON, or truncated. */
  BAD_JSON,
  /** A field the event needs is absent. */
  MISSING_FIELD,
  /** A message type kimp does not subscribe to. */
  UNKNOWN_TYPE,
  /** A number that does not parse, or is NaN / infinite. */
  BAD_NUMBER,
  /** A zero or negative price (or a negative size). */
  NON_POSITIVE_PRICE,
  /** Best bid at or above best ask. */
  CROSSED_BOOK,
  /** A symbol outside the watched set. */
  UNKNOWN_SYMBOL,
  /** The venue answered with an error message. */
  VENUE_ERROR,
  /** A price outside the plausible band of the coin (the market state refused it: {@code Plausibility}). */
  IMPLAUSIBLE_PRICE,
  /** An exchange timestamp that is no plausible epoch (the market state refused it). */
  IMPLAUSIBLE_TIMESTAMP;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
