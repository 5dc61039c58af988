package io.kimp.core.strategy;

import io.kimp.core.CborSerializable;
import io.kimp.core.market.Direction;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A detected, executable edge for one coin.
 *
 * @param premiumPercent the raw premium of Upbit over Binance at {@code usdtKrw}
 * @param netEdgePercent the edge left after taker fees, the withdrawal fee and book slippage for {@code maxSizeKrw}
 * @param maxSizeKrw the largest size the books (and 24 h volume) support; the portfolio may grant less
 * @param buyPrice executable average price on the buy venue, in its quote currency
 * @param sellPrice executable average price on the sell venue, in its quote currency
 * @param usdtKrw the USDT/KRW rate the edge was computed at
 * @param hedged the coin is to be hedged with a perpetual short over the transfer ({@code kimp.hedge.enabled} and a
 *     fresh perpetual), and {@code netEdgePercent} already pays for it
 * @param hedgeCostPercent what the hedge is expected to cost, against the size: futures fees both ways and the
 *     perpetual's spread, less the expected funding (0 when unhedged)
 * @param fundingPercent the expected funding the short receives over the transfer, against the size (negative: pays)
 */
public record Opportunity(
    String symbol,
    Direction direction,
    double premiumPercent,
    double netEdgePercent,
    BigDecimal maxSizeKrw,
    BigDecimal buyPrice,
    BigDecimal sellPrice,
    BigDecimal usdtKrw,
    Instant observedAt,
    boolean hedged,
    double hedgeCostPercent,
    double fundingPercent)
    implements CborSerializable {

  /** An unhedged opportunity. */
  public Opportunity(
      String symbol,
      Direction direction,
      double premiumPercent,
      double netEdgePercent,
      BigDecimal maxSizeKrw,
      BigDecimal buyPrice,
      BigDecimal sellPrice,
      BigDecimal usdtKrw,
      Instant observedAt) {
    this(symbol, direction, premiumPercent, netEdgePercent, maxSizeKrw, buyPrice, sellPrice, usdtKrw, observedAt, false,
        0, 0);
  }
}
