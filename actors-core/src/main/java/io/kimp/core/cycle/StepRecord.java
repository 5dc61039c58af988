package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import io.kimp.core.market.Venue;
import io.kimp.core.cycle.journal.DepositSeen;
import io.kimp.core.cycle.journal.FilledOrder;
import io.kimp.core.cycle.journal.WithdrawalIntent;
import io.kimp.core.cycle.journal.WithdrawalSent;
import java.time.Instant;

/**
 * A completed step and what the venue reported: {@code order} for BUY/SELL, {@code withdrawal} (with the request it
 * answered, {@code withdrawalRequest}) for WITHDRAW, {@code deposit} for DEPOSIT, {@code order} (the perpetual fill) for
 * HEDGE_OPEN and HEDGE_CLOSE. Part of the cycle's state (and its
 * snapshots), folded from {@link CycleEvent.StepCompleted}: it holds the journal's types, not the ports'.
 */
public record StepRecord(
    Leg leg,
    Step step,
    String clientId,
    Venue venue,
    String coin,
    FilledOrder order,
    WithdrawalIntent withdrawalRequest,
    WithdrawalSent withdrawal,
    DepositSeen deposit,
    Instant completedAt)
    implements CborSerializable {}
