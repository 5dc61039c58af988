package io.kimp.core.portfolio;

import java.math.BigDecimal;
import java.time.ZoneId;

/**
 * Capital and risk limits ({@code kimp.portfolio.*}, {@code kimp.risk.*}).
 *
 * @param capitalKrw the capital the engine may trade with, in KRW
 * @param minOrderKrw a reservation below this is refused (venue minimums and fees make it pointless)
 * @param maxConcurrentCycles the most cycles open at once
 * @param maxExposureKrw the most capital reserved at once
 * @param dailyLossLimitKrw realised losses within one trading day that pause trading (0 = no limit)
 * @param tradingDayZone the zone whose calendar day the loss limit counts in
 */
public record PortfolioSettings(
    BigDecimal capitalKrw,
    SizingRule sizing,
    BigDecimal fixedAmountKrw,
    BigDecimal percentage,
    BigDecimal minOrderKrw,
    int maxConcurrentCycles,
    BigDecimal maxExposureKrw,
    BigDecimal dailyLossLimitKrw,
    ZoneId tradingDayZone) {

  public static PortfolioSettings defaults() {
    return new PortfolioSettings(
        new BigDecimal("10000000"), SizingRule.FIXED_AMOUNT, new BigDecimal("250000"), new BigDecimal("10"),
        new BigDecimal("10000"), 5, new BigDecimal("5000000"), new BigDecimal("500000"), ZoneId.of("Asia/Seoul"));
  }
}
