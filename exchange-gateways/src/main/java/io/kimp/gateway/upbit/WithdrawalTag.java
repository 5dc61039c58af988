package io.kimp.gateway.upbit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Upbit's withdrawals carry no client id, so kimp writes one into the amount: the last {@code k} decimal digits of the
 * amount sent (at the precision Upbit accepts for the coin) are a number derived from the intent's client id. A gateway
 * that did not see the withdrawal accepted — after a restart, or on another node after a failover — then tells its own
 * withdrawal from other cycles' withdrawals of the same coin and size, and knows that none of them is its own when
 * none carries its tag (the request never reached Upbit).
 *
 * <p>The tag costs at most 1 basis point of the amount (left in the Upbit balance): {@code k} is the largest of 4 … 1 for
 * which two steps of 10^k of the coin's smallest unit stay within that, 0 (no tag, the amount alone) when not even one
 * digit fits. Both sides derive {@code k} from the request's amount, which the intent persisted, so they agree.
 */
final class WithdrawalTag {
  private static final int MAX_DIGITS = 4;
  private static final BigDecimal MAX_COST = new BigDecimal("0.0001");

  private final int decimals;
  private final int digits;
  private final BigInteger modulus;
  private final BigInteger tag;

  /**
   * @param requested the amount the intent asked to withdraw (Upbit's fee included)
   * @param decimals the decimals Upbit accepts for the coin ({@code withdraw_limit.fixed})
   * @param clientId the intent's client id
   */
  WithdrawalTag(BigDecimal requested, int decimals, String clientId) {
    this.decimals = decimals;
    BigDecimal budgetUnits = requested.multiply(MAX_COST).movePointRight(decimals);
    int k = MAX_DIGITS;
    while (k > 0 && BigDecimal.valueOf(2).scaleByPowerOfTen(k).compareTo(budgetUnits) > 0) {
      k--;
    }
    this.digits = k;
    this.modulus = BigInteger.TEN.pow(k);
    this.tag = BigInteger.valueOf(clientId.hashCode()).mod(modulus); // String.hashCode is the same in every JVM
  }

  /** How many trailing digits carry the tag (0: none). */
  int digits() {
    return digits;
  }

  /** {@code amount} cut to the coin's decimals with the tag in its last digits: never more than it, at most 1 bp less. */
  BigDecimal apply(BigDecimal amount) {
    BigInteger units = amount.setScale(decimals, RoundingMode.DOWN).unscaledValue();
    BigInteger tagged = units.subtract(units.mod(modulus)).add(tag);
    if (tagged.compareTo(units) > 0) {
      tagged = tagged.subtract(modulus);
    }
    return new BigDecimal(tagged, decimals).stripTrailingZeros();
  }

  /** Whether {@code sent} (an amount Upbit lists) carries this tag; every amount does when there is no tag. */
  boolean carriedBy(BigDecimal sent) {
    if (digits == 0) {
      return true;
    }
    try {
      return sent.setScale(decimals, RoundingMode.UNNECESSARY).unscaledValue().mod(modulus).equals(tag);
    } catch (ArithmeticException finerThanTheCoinAllows) {
      return false;
    }
  }
}
