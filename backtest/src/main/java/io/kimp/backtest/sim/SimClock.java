package io.kimp.backtest.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The replay's clock: it stands still until the replay moves it, and only forwards. */
public final class SimClock extends Clock {
  private Instant now;

  public SimClock(Instant start) {
    this.now = start;
  }

  /** Moves the clock to {@code t}; never backwards. */
  public void advanceTo(Instant t) {
    if (t.isBefore(now)) {
      throw new IllegalStateException("the simulated clock cannot go back from " + now + " to " + t);
    }
    now = t;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the simulated clock is UTC only");
  }
}
