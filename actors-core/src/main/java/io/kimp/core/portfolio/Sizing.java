package io.kimp.core.portfolio;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** The sizing rule as a pure function. */
public final class Sizing {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private Sizing() {}

  /** Outcome: a granted amount, or the reason there is none. */
  public record Result(BigDecimal amountKrw, String refusal) {
    public boolean granted() {
      return refusal == null;
    }
  }

  /**
   * How much a new cycle may reserve.
   *
   * @param equityKrw capital plus realised profit
   * @param reservedKrw capital held by open cycles
   * @param openCycles number of open cycles
   * @param capKrw the opportunity's own limit (book depth, volume), or null
   */
  public static Result size(
      PortfolioSettings s, BigDecimal equityKrw, BigDecimal reservedKrw, int openCycles, BigDecimal capKrw) {
    if (openCycles >= s.maxConcurrentCycles()) {
      return new Result(BigDecimal.ZERO, "max concurrent cycles (" + s.maxConcurrentCycles() + ") reached");
    }
    BigDecimal free = equityKrw.subtract(reservedKrw);
    BigDecimal exposureRoom = s.maxExposureKrw().subtract(reservedKrw);
    BigDecimal wanted;
    switch (s.sizing()) {
      case FIXED_AMOUNT:
        wanted = s.fixedAmountKrw();
        break;
      case PERCENTAGE:
        wanted = equityKrw.multiply(s.percentage(), MathContext.DECIMAL64).divide(HUNDRED, MathContext.DECIMAL64);
        break;
      case FULL_CAPITAL:
        wanted = free;
        break;
      default:
        throw new IllegalStateException();
    }
    BigDecimal amount = wanted.min(free).min(exposureRoom);
    if (capKrw != null) {
      amount = amount.min(capKrw);
    }
    amount = amount.setScale(0, RoundingMode.DOWN);
    if (amount.compareTo(s.minOrderKrw()) < 0) {
      String limit =
          free.compareTo(wanted) < 0
              ? "free capital " + free.toPlainString()
              : exposureRoom.compareTo(wanted) < 0
                  ? "exposure room " + exposureRoom.toPlainString()
                  : capKrw != null && capKrw.compareTo(wanted) < 0
                      ? "opportunity size " + capKrw.toPlainString()
                      : "sizing rule " + wanted.toPlainString();
      return new Result(
          BigDecimal.ZERO,
          "size " + amount.toPlainString() + " KRW below minimum " + s.minOrderKrw().toPlainString()
              + " (limited by " + limit + ")");
    }
    return new Result(amount, null);
  }
}
