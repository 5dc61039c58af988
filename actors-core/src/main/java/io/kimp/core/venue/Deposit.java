package io.kimp.core.venue;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/** A deposit as the receiving venue reports it. */
public record Deposit(
    String depositId, String coin, BigDecimal amount, String txId, DepositStatus status, Instant createdAt)
    implements CborSerializable {}
