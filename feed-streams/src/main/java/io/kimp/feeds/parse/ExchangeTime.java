package io.kimp.feeds.parse;

/**
 * The exchange timestamp an event carries, chosen from the frame's time fields. A field that is absent leaves the choice
 * to the next one (or to the fallback, usually the receive time); a field that is present but no positive integer (text,
 * a fraction, zero, a negative number) is never replaced by the receive time: the event carries a non-positive timestamp,
 * which the market state refuses as implausible ({@code Reject.IMPLAUSIBLE_TIMESTAMP}) and counts.
 */
public final class ExchangeTime {
  /** A time field the frame did not have. */
  public static final long ABSENT = Long.MIN_VALUE;
  /** What a present time field that is not an integer reads as: no epoch. */
  public static final long NOT_AN_EPOCH = 0;

  private ExchangeTime() {}

  /** A value read from a present field, never {@link #ABSENT} (Long.MIN_VALUE itself is no epoch either). */
  public static long present(long v) {
    return v == ABSENT ? NOT_AN_EPOCH : v;
  }

  /**
   * The first present of {@code first} and {@code second}, else {@code fallback}; but a present field that is no epoch
   * (not positive) wins over everything, so that the event is refused rather than timed by another field.
   */
  public static long choose(long first, long second, long fallback) {
    if (first != ABSENT && first <= 0) {
      return first;
    }
    if (second != ABSENT && second <= 0) {
      return second;
    }
    return first != ABSENT ? first : second != ABSENT ? second : fallback;
  }

  /**
   * {@code receivedAt}, for an event timed by its arrival (a Binance bookTicker carries no time), unless one of the time
   * fields the frame does carry is no epoch: then that one.
   */
  public static long receiveTimeUnlessBad(long first, long second, long receivedAt) {
    long chosen = choose(first, second, receivedAt);
    return chosen <= 0 ? chosen : receivedAt;
  }

  /** {@code field} if present, else {@code fallback} (a present field that is no epoch included). */
  public static long choose(long field, long fallback) {
    return choose(field, ABSENT, fallback);
  }
}
