package io.kimp.core.venue;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A withdrawal as the sending venue reports it.
 *
 * @param amount the amount the destination will receive
 * @param fee the network fee the sending venue charged, in the coin
 * @param txId the chain transaction id, once known (null before)
 */
public record WithdrawalResult(
    String clientId,
    String withdrawalId,
    WithdrawalStatus status,
    String coin,
    BigDecimal amount,
    BigDecimal fee,
    String txId,
    Instant updatedAt)
    implements CborSerializable {}
