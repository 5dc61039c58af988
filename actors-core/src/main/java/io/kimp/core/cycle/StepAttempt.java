package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import io.kimp.core.market.Venue;
import io.kimp.core.cycle.journal.OrderIntent;
import io.kimp.core.cycle.journal.PerpOrderIntent;
import io.kimp.core.cycle.journal.WithdrawalIntent;
import java.time.Instant;

/**
 * One attempt of one step: the intent persisted before the external action. Part of the cycle's state (and its
 * snapshots), folded from {@link CycleEvent.StepRequested} and the events about the attempt's outcome.
 *
 * @param venue where the action happens (for DEPOSIT: the receiving venue)
 * @param order set for BUY and SELL
 * @param withdrawal set for WITHDRAW; for DEPOSIT, the withdrawal being waited for
 * @param perp set for HEDGE_OPEN and HEDGE_CLOSE: the perpetual order
 * @param deadline when the step counts as stuck
 * @param unresolved true until the outcome of this attempt is definitively known; an unresolved attempt is reconciled
 *     (queried by client id) before anything else is sent
 * @param unknownSeen an unknown outcome was observed for this attempt in the current run (not after a crash or a retry):
 *     if the venue then has no such request, that counts as a failure rather than a silent re-send
 */
public record StepAttempt(
    Leg leg,
    Step step,
    int attempt,
    String clientId,
    Venue venue,
    String coin,
    OrderIntent order,
    WithdrawalIntent withdrawal,
    Instant requestedAt,
    Instant deadline,
    boolean unresolved,
    boolean unknownSeen,
    PerpOrderIntent perp)
    implements CborSerializable {

  StepAttempt withUnresolved(boolean u) {
    return new StepAttempt(
        leg, step, attempt, clientId, venue, coin, order, withdrawal, requestedAt, deadline, u, unknownSeen, perp);
  }

  StepAttempt withUnknownSeen(boolean seen) {
    return new StepAttempt(
        leg, step, attempt, clientId, venue, coin, order, withdrawal, requestedAt, deadline, unresolved, seen, perp);
  }
}
