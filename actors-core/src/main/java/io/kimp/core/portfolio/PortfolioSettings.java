package io.kimp.core.portfolio;

import io.kimp.core.settings.StrategyThresholds;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What operators tune at runtime, held cluster-wide by the {@link Portfolio} singleton: capital and risk limits
 * ({@code kimp.portfolio.*}, {@code kimp.risk.*}) and the strategy thresholds ({@code kimp.strategy.min-spread-percent},
 * {@code kimp.strategy.finalizer-min-profit-percent}). The thresholds were added later: settings persisted before that
 * replay with them null and take the configured values ({@link #withDefaultsFrom}).
 *
 * @param capitalKrw the capital the engine may trade with, in KRW
 * @param minOrderKrw a reservation below this is refused (venue minimums and fees make it pointless)
 * @param maxConcurrentCycles the most cycles open at once
 * @param maxExposureKrw the most capital reserved at once
 * @param dailyLossLimitKrw realised losses within one trading day that pause trading (0 = no limit)
 * @param tradingDayZone the zone whose calendar day the loss limit counts in
 * @param minSpreadPercent the net edge an opportunity needs to be traded
 * @param finalizerMinProfitPercent the whole cycle's minimum expected net profit to start the rebalance leg
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
    ZoneId tradingDayZone,
    BigDecimal minSpreadPercent,
    BigDecimal finalizerMinProfitPercent) {

  /** The most KRW any amount may be: keeps every amount within the read tables' NUMERIC(24, 4). */
  public static final BigDecimal MAX_KRW = new BigDecimal("1000000000000000");

  public static final int MAX_CONCURRENT_CYCLES = 1000;

  /** Capital and risk limits with the strategy thresholds' documented defaults (0.5 % and 0.1 %). */
  public PortfolioSettings(
      BigDecimal capitalKrw,
      SizingRule sizing,
      BigDecimal fixedAmountKrw,
      BigDecimal percentage,
      BigDecimal minOrderKrw,
      int maxConcurrentCycles,
      BigDecimal maxExposureKrw,
      BigDecimal dailyLossLimitKrw,
      ZoneId tradingDayZone) {
    this(capitalKrw, sizing, fixedAmountKrw, percentage, minOrderKrw, maxConcurrentCycles, maxExposureKrw,
        dailyLossLimitKrw, tradingDayZone, new BigDecimal("0.5"), new BigDecimal("0.1"));
  }

  public static PortfolioSettings defaults() {
    return new PortfolioSettings(
        new BigDecimal("10000000"), SizingRule.FIXED_AMOUNT, new BigDecimal("250000"), new BigDecimal("10"),
        new BigDecimal("10000"), 5, new BigDecimal("5000000"), new BigDecimal("500000"), ZoneId.of("Asia/Seoul"));
  }

  /** These settings with any threshold missing (persisted before thresholds existed) taken from {@code configured}. */
  public PortfolioSettings withDefaultsFrom(PortfolioSettings configured) {
    if (minSpreadPercent != null && finalizerMinProfitPercent != null) {
      return this;
    }
    return new PortfolioSettings(capitalKrw, sizing, fixedAmountKrw, percentage, minOrderKrw, maxConcurrentCycles,
        maxExposureKrw, dailyLossLimitKrw, tradingDayZone,
        minSpreadPercent != null ? minSpreadPercent : configured.minSpreadPercent(),
        finalizerMinProfitPercent != null ? finalizerMinProfitPercent : configured.finalizerMinProfitPercent());
  }

  /** The strategy thresholds of these settings, at {@code revision}. */
  public StrategyThresholds thresholds(long revision) {
    return new StrategyThresholds(minSpreadPercent, finalizerMinProfitPercent, revision);
  }

  /**
   * Every value out of its range, by component name (which is also the admin API's JSON field), in declaration order;
   * empty when the settings are valid. The one place the ranges are defined: configuration and the API both check here.
   */
  public Map<String, String> problems() {
    Map<String, String> p = new LinkedHashMap<>();
    money(p, "capitalKrw", capitalKrw, false);
    if (sizing == null) {
      p.put("sizing", "is required: FIXED_AMOUNT, PERCENTAGE or FULL_CAPITAL");
    }
    money(p, "fixedAmountKrw", fixedAmountKrw, false);
    between(p, "percentage", percentage, BigDecimal.ZERO, false, BigDecimal.valueOf(100));
    money(p, "minOrderKrw", minOrderKrw, true);
    if (maxConcurrentCycles < 1 || maxConcurrentCycles > MAX_CONCURRENT_CYCLES) {
      p.put("maxConcurrentCycles", "must be between 1 and " + MAX_CONCURRENT_CYCLES + ", not " + maxConcurrentCycles);
    }
    money(p, "maxExposureKrw", maxExposureKrw, false);
    money(p, "dailyLossLimitKrw", dailyLossLimitKrw, true);
    if (tradingDayZone == null) {
      p.put("tradingDayZone", "is required");
    }
    between(p, "minSpreadPercent", minSpreadPercent, BigDecimal.ZERO, false, BigDecimal.valueOf(100));
    between(p, "finalizerMinProfitPercent", finalizerMinProfitPercent, BigDecimal.valueOf(-100), true,
        BigDecimal.valueOf(100));
    if (sizing == SizingRule.FIXED_AMOUNT && fixedAmountKrw != null && minOrderKrw != null
        && fixedAmountKrw.compareTo(minOrderKrw) < 0 && !p.containsKey("fixedAmountKrw")) {
      p.put("fixedAmountKrw", "must be at least minOrderKrw (" + minOrderKrw.toPlainString() + "), not "
          + fixedAmountKrw.toPlainString() + ": every cycle would be refused");
    }
    return p;
  }

  private static void money(Map<String, String> p, String field, BigDecimal v, boolean zeroAllowed) {
    if (v == null) {
      p.put(field, "is required");
    } else if (zeroAllowed ? v.signum() < 0 : v.signum() <= 0) {
      p.put(field, (zeroAllowed ? "must not be negative" : "must be positive") + ", not " + v.toPlainString());
    } else if (v.compareTo(MAX_KRW) > 0) {
      p.put(field, "must be at most " + MAX_KRW.toPlainString() + " KRW, not " + v.toPlainString());
    }
  }

  private static void between(
      Map<String, String> p, String field, BigDecimal v, BigDecimal low, boolean lowIncluded, BigDecimal high) {
    if (v == null) {
      p.put(field, "is required");
      return;
    }
    boolean tooLow = lowIncluded ? v.compareTo(low) < 0 : v.compareTo(low) <= 0;
    if (tooLow || v.compareTo(high) > 0) {
      p.put(field, "must be " + (lowIncluded ? "at least " : "greater than ") + low.toPlainString() + " and at most "
          + high.toPlainString() + ", not " + v.toPlainString());
    }
  }
}
