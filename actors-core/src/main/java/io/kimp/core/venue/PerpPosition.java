package io.kimp.core.venue;

import java.math.BigDecimal;

/**
 * The account's position in one perpetual (one-way mode): negative quantity is a short, zero is flat.
 *
 * @param quantity signed, in coin units
 * @param entryPrice average entry price (zero when flat)
 * @param markPrice the venue's mark price
 * @param liquidationPrice zero when flat or not applicable
 * @param leverage the leverage set on the symbol
 */
public record PerpPosition(
    String coin, BigDecimal quantity, BigDecimal entryPrice, BigDecimal markPrice, BigDecimal liquidationPrice,
    int leverage) {

  public static PerpPosition flat(String coin) {
    return new PerpPosition(coin, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, 0);
  }

  public boolean isFlat() {
    return quantity.signum() == 0;
  }
}
