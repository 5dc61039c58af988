package io.kimp.backtest.sim;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * What one closed cycle's transfer hedge did on the perpetual venue, from the venue's own fills (attributed to the cycle
 * by their client ids) and the funding settled while the cycle held its short: the figures a reader needs to see what
 * the hedge earned and what it cost, next to the cycle's booked PnL.
 *
 * @param shortedQuantity coin quantity sold short (every HEDGE_OPEN fill of both legs)
 * @param closedQuantity coin quantity bought back reduce-only
 * @param pnlUsdt the short's price result: sold notional less bought-back notional (before fees and funding)
 * @param feesUsdt futures taker fees
 * @param fundingUsdt funding received while the short was open (negative: paid)
 * @param usdtKrw the cycle's USDT/KRW as it settles (its rebalance's, else its start's), at which the cycle rules
 *     convert the hedge's USDT into the cycle's KRW result, and so does this record
 * @param pnlKrw {@code pnlUsdt} in KRW
 * @param costKrw the hedge's cost in KRW: fees less funding received
 */
public record HedgeRecord(
    UUID cycleId,
    int fills,
    BigDecimal shortedQuantity,
    BigDecimal averageOpenPrice,
    BigDecimal closedQuantity,
    BigDecimal averageClosePrice,
    BigDecimal pnlUsdt,
    BigDecimal feesUsdt,
    BigDecimal fundingUsdt,
    BigDecimal usdtKrw,
    BigDecimal pnlKrw,
    BigDecimal costKrw) {

  /** The short still open when the cycle closed (zero when every short was bought back). */
  public BigDecimal openQuantity() {
    return shortedQuantity.subtract(closedQuantity);
  }
}
