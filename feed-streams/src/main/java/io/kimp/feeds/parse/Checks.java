package io.kimp.feeds.parse;

/** The range checks every venue's numbers go through. NaN means the field was absent ({@link JsonFrames#number}). */
public final class Checks {
  private Checks() {}

  /** Null if {@code v} is a usable price, else why not. */
  public static Reject price(double v) {
    if (Double.isNaN(v)) {
      return Reject.MISSING_FIELD;
    }
    if (Double.isInfinite(v)) {
      return Reject.BAD_NUMBER;
    }
    return v > 0 ? null : Reject.NON_POSITIVE_PRICE;
  }

  /** Null if {@code v} is a usable quantity (zero allowed: an emptied level), else why not. */
  public static Reject size(double v) {
    if (Double.isNaN(v)) {
      return Reject.MISSING_FIELD;
    }
    return Double.isInfinite(v) || v < 0 ? Reject.BAD_NUMBER : null;
  }
}
