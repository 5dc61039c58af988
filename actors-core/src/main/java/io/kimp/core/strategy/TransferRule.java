package io.kimp.core.strategy;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How a coin may be withdrawn: the network, the decimals the venues accept, the minimum amount, whether only whole units
 * move, and whether the destination needs a tag / memo.
 */
public record TransferRule(
    String coin, String network, int decimals, BigDecimal minimum, boolean wholeUnits, boolean tagRequired) {

  public static TransferRule lenient(String coin) {
    return new TransferRule(coin, coin, 8, BigDecimal.ZERO, false, false);
  }

  /** The largest withdrawable amount not above {@code amount}. */
  public BigDecimal roundDown(BigDecimal amount) {
    int scale = wholeUnits ? 0 : decimals;
    return amount.setScale(scale, RoundingMode.DOWN).stripTrailingZeros();
  }

  /** Null when {@code amount} may be withdrawn, otherwise why not. */
  public String violation(BigDecimal amount) {
    if (amount.signum() <= 0) {
      return "withdrawal amount " + amount.toPlainString() + " " + coin + " is not positive";
    }
    if (amount.compareTo(minimum) < 0) {
      return "withdrawal amount " + amount.toPlainString() + " " + coin + " is below the minimum "
          + minimum.toPlainString();
    }
    if (amount.compareTo(roundDown(amount)) != 0) {
      return "withdrawal amount " + amount.toPlainString() + " " + coin + " has more than "
          + (wholeUnits ? 0 : decimals) + " decimals";
    }
    return null;
  }
}
