package io.kimp.core.cycle.journal;

import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A BUY or SELL step's order as the venue last reported it when the step completed.
 *
 * @param filledQuantity coin quantity executed (gross, before any fee charged in the coin)
 * @param quoteAmount quote currency exchanged (gross, before any fee charged in the quote)
 * @param fee fee charged, in {@code feeAsset}
 */
public record FilledOrder(
    String clientId,
    String venueOrderId,
    OrderStatus status,
    BigDecimal filledQuantity,
    BigDecimal averagePrice,
    BigDecimal quoteAmount,
    BigDecimal fee,
    String feeAsset,
    Instant updatedAt) {

  public static FilledOrder of(OrderResult r) {
    return r == null
        ? null
        : new FilledOrder(r.clientId(), r.venueOrderId(), r.status(), r.filledQuantity(), r.averagePrice(),
            r.quoteAmount(), r.fee(), r.feeAsset(), r.updatedAt());
  }
}
