package io.kimp.core.strategy;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;

/**
 * The coin chosen to carry a cycle's capital back to its home venue, and what the whole cycle is expected to earn with it.
 *
 * @param expectedReturn the home-venue quote amount expected back after fees and the withdrawal fee
 * @param expectedProfitPercent the whole cycle's expected net profit, against the initial investment
 * @param premiumPercent the coin's premium at the time of the choice
 * @param usdtKrw the USDT/KRW rate at the time of the choice
 */
public record RebalancePlan(
    String coin,
    BigDecimal expectedReturn,
    BigDecimal expectedProfitPercent,
    double premiumPercent,
    BigDecimal usdtKrw)
    implements CborSerializable {}
