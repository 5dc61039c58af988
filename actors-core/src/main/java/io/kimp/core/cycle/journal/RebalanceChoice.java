package io.kimp.core.cycle.journal;

import io.kimp.core.strategy.RebalancePlan;
import java.math.BigDecimal;

/**
 * The coin chosen (or the best candidate seen) to carry a cycle's capital home, as the journal keeps it.
 *
 * @param expectedReturn the home-venue quote amount expected back after fees and the withdrawal fee
 * @param expectedProfitPercent the whole cycle's expected net profit, against the initial investment
 */
public record RebalanceChoice(
    String coin,
    BigDecimal expectedReturn,
    BigDecimal expectedProfitPercent,
    double premiumPercent,
    BigDecimal usdtKrw) {

  public static RebalanceChoice of(RebalancePlan p) {
    return p == null
        ? null
        : new RebalanceChoice(p.coin(), p.expectedReturn(), p.expectedProfitPercent(), p.premiumPercent(), p.usdtKrw());
  }
}
