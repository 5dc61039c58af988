package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import java.time.Instant;

/**
 * A completed step and what the venue reported: {@code order} for BUY/SELL, {@code withdrawal} (with the request it
 * answered, {@code withdrawalRequest}) for WITHDRAW, {@code deposit} for DEPOSIT.
 */
public record StepRecord(
    Leg leg,
    Step step,
    String clientId,
    Venue venue,
    String coin,
    OrderResult order,
    WithdrawalRequest withdrawalRequest,
    WithdrawalResult withdrawal,
    Deposit deposit,
    Instant completedAt)
    implements CborSerializable {}
