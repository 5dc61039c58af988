package io.kimp.core.cycle.journal;

import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A WITHDRAW step's withdrawal as the sending venue reported it when the step completed.
 *
 * @param amount the amount the destination will receive
 * @param fee the network fee the sending venue charged, in the coin
 * @param txId the chain transaction id, if known then
 */
public record WithdrawalSent(
    String clientId,
    String withdrawalId,
    WithdrawalStatus status,
    String coin,
    BigDecimal amount,
    BigDecimal fee,
    String txId,
    Instant updatedAt) {

  public static WithdrawalSent of(WithdrawalResult r) {
    return r == null
        ? null
        : new WithdrawalSent(r.clientId(), r.withdrawalId(), r.status(), r.coin(), r.amount(), r.fee(), r.txId(),
            r.updatedAt());
  }
}
