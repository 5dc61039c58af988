package io.kimp.core.market;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The newest futures-market figures of one coin's USDT perpetual: top of book ({@code <symbol>@bookTicker}) and mark
 * price with funding ({@code <symbol>@markPrice@1s}). A field not yet seen is null.
 *
 * @param fundingRate the current period's funding rate as a fraction (0.0001 = 0.01 % per 8 h at Binance); shorts
 *     receive it when positive
 * @param nextFundingTime when it is next paid
 * @param receivedAt when the newest of these figures arrived
 */
public record PerpQuote(
    String coin,
    BigDecimal bid,
    BigDecimal bidQuantity,
    BigDecimal ask,
    BigDecimal askQuantity,
    BigDecimal markPrice,
    BigDecimal indexPrice,
    BigDecimal fundingRate,
    Instant nextFundingTime,
    Instant receivedAt) {}
