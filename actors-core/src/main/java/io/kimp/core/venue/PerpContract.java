package io.kimp.core.venue;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A listed perpetual: the venue's symbol and the filters an order must meet (Binance {@code /fapi/v1/exchangeInfo}
 * LOT_SIZE / MARKET_LOT_SIZE and MIN_NOTIONAL).
 *
 * @param symbol the venue's name for it (BTCUSDT)
 * @param quantityStep order quantities are multiples of this
 * @param minQuantity the smallest order quantity
 * @param minNotional the smallest order value in USDT (quantity × price)
 * @param takerFee the taker fee as a fraction (0.0005 = 0.05 %)
 */
public record PerpContract(
    String coin, String symbol, BigDecimal quantityStep, BigDecimal minQuantity, BigDecimal minNotional,
    BigDecimal takerFee) {

  /** {@code quantity} rounded down to the step (what can be hedged; the rest stays unhedged). */
  public BigDecimal roundDown(BigDecimal quantity) {
    if (quantityStep.signum() <= 0) {
      return quantity;
    }
    return quantity.divide(quantityStep, 0, RoundingMode.DOWN).multiply(quantityStep).stripTrailingZeros();
  }

  /** Whether an order of {@code quantity} at {@code price} passes the venue's minimums. */
  public boolean accepts(BigDecimal quantity, BigDecimal price) {
    return quantity.compareTo(minQuantity) >= 0
        && (price == null || quantity.multiply(price).compareTo(minNotional) >= 0);
  }
}
