package io.kimp.core.cycle.journal;

import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositStatus;
import java.math.BigDecimal;
import java.time.Instant;

/** A DEPOSIT step's deposit as the receiving venue reported it when the step completed. */
public record DepositSeen(
    String depositId, String coin, BigDecimal amount, String txId, DepositStatus status, Instant createdAt) {

  public static DepositSeen of(Deposit d) {
    return d == null ? null : new DepositSeen(d.depositId(), d.coin(), d.amount(), d.txId(), d.status(), d.createdAt());
  }
}
