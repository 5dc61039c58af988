package io.kimp.core.cycle.journal;

import io.kimp.core.venue.WithdrawalRequest;
import java.math.BigDecimal;

/**
 * A withdrawal a step is about to send (the intent, persisted before the request goes out).
 *
 * @param amount the coins taken from the balance, network fee included
 * @param tag destination tag / memo, or null when the coin has none
 */
public record WithdrawalIntent(
    String clientId, String coin, String network, BigDecimal amount, String address, String tag) {

  public static WithdrawalIntent of(WithdrawalRequest r) {
    return r == null ? null : new WithdrawalIntent(r.clientId(), r.coin(), r.network(), r.amount(), r.address(), r.tag());
  }

  public WithdrawalRequest toRequest() {
    return new WithdrawalRequest(clientId, coin, network, amount, address, tag);
  }
}
