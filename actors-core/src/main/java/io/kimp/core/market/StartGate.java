package io.kimp.core.market;

/**
 * Whether the {@link OpportunityDetector} may offer a start it found: the node's view of the portfolio's room for new
 * cycles. Called on the detector's thread, only for an opportunity found, so it need not be cheap per tick.
 */
@FunctionalInterface
public interface StartGate {
  /**
   * @param now the detector's time (the event's receive time, epoch millis)
   * @return true to offer the start (and count it against the room), false to hold it back
   */
  boolean admit(long now);
}
