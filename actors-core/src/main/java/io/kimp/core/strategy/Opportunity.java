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
    Instant observedAt)
    implements CborSerializable {}
