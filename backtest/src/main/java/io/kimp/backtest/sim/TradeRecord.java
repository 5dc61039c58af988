package io.kimp.backtest.sim;

import io.kimp.core.market.Direction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One closed cycle as the replay saw it: when and why it entered, when it carried its capital home, and what the ledger
 * booked when its capital was released.
 *
 * @param status COMPLETED, or FAILED for a cycle discarded after a permanent failure (its capital written off, as the
 *     live rules book it)
 * @param pnlKrw the realised result the ledger booked
 * @param pnlPercent {@code pnlKrw} against the investment
 * @param exitPremiumPercent the rebalance coin's premium when the rebalance leg started (NaN if it never did)
 * @param failures step failures the cycle went through (each retried by the live retry rules)
 */
public record TradeRecord(
    UUID cycleId,
    String symbol,
    Direction direction,
    String status,
    Instant startedAt,
    Instant rebalanceAt,
    Instant endedAt,
    BigDecimal investmentKrw,
    double entryPremiumPercent,
    double entryNetEdgePercent,
    double exitPremiumPercent,
    String rebalanceCoin,
    BigDecimal pnlKrw,
    double pnlPercent,
    int failures,
    BigDecimal initialBuyPrice,
    BigDecimal initialSellPrice,
    BigDecimal rebalanceBuyPrice,
    BigDecimal rebalanceSellPrice) {

  public boolean win() {
    return pnlKrw.signum() > 0;
  }
}
