package io.kimp.gateway.paper;

import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.VenueException;
import java.util.Random;

/**
 * Seeded fault injection for the paper venues ({@code kimp.paper.faults.*}), so that retries, reconciliation and the
 * dead-letter queue can be watched without real money. The same seed gives the same sequence of faults.
 *
 * @param transientFailureRate share of orders/withdrawals refused before anything happens (safe to retry)
 * @param unknownOutcomeRate share executed whose reply is then lost (the caller must reconcile)
 * @param stuckTransferRate share of withdrawals whose deposit never arrives
 */
public record PaperFaults(long seed, double transientFailureRate, double unknownOutcomeRate, double stuckTransferRate) {

  public static PaperFaults none() {
    return new PaperFaults(1, 0, 0, 0);
  }

  public boolean any() {
    return transientFailureRate > 0 || unknownOutcomeRate > 0 || stuckTransferRate > 0;
  }

  /** The dice: one per ledger, shared by both paper venues. */
  public Dice dice() {
    return new Dice(this);
  }

  /** Rolls for one action at a time; thread-safe. */
  public static final class Dice {
    private final PaperFaults faults;
    private final Random random;

    private Dice(PaperFaults faults) {
      this.faults = faults;
      this.random = new Random(faults.seed());
    }

    private synchronized boolean roll(double rate) {
      return rate > 0 && random.nextDouble() < rate;
    }

    /** Throws a transient failure before the action when the dice say so. */
    public void beforeAction(Venue venue, String what) {
      if (roll(faults.transientFailureRate())) {
        throw new VenueException(venue, FailureClass.TRANSIENT, "paper-fault",
            what + " refused by injected fault (nothing happened)");
      }
    }

    /** Throws an unknown outcome after the action when the dice say so: the action stands, its reply is lost. */
    public void afterAction(Venue venue, String what) {
      if (roll(faults.unknownOutcomeRate())) {
        throw new VenueException(venue, FailureClass.UNKNOWN_OUTCOME, "paper-fault",
            what + " done but its reply was lost (injected fault)");
      }
    }

    public boolean stuckTransfer() {
      return roll(faults.stuckTransferRate());
    }
  }
}
