package io.kimp.core.portfolio;

/** How much capital one cycle gets. */
public enum SizingRule {
  /** A fixed KRW amount per cycle ({@code kimp.portfolio.fixed-amount-krw}, default 250,000). */
  FIXED_AMOUNT,
  /** A percentage of equity per cycle ({@code kimp.portfolio.percentage}). */
  PERCENTAGE,
  /** Everything that is free. */
  FULL_CAPITAL
}
