package io.kimp.core.cycle;

import java.util.List;

/**
 * The steps of a leg: buy the coin, withdraw it, wait for the deposit, sell it; a hedged leg also opens a perpetual short
 * once the coin is bought and closes it once the coin is sold. The order depends on the leg ({@link #sequence}), not on
 * the declaration order: the codes are wire values (client ids), the constants' names journal values.
 */
public enum Step {
  BUY('B'),
  WITHDRAW('W'),
  DEPOSIT('D'),
  SELL('S'),
  /** A perpetual short of the quantity the BUY leaves to transfer. */
  HEDGE_OPEN('H'),
  /** The reduce-only buy that closes exactly the short HEDGE_OPEN opened. */
  HEDGE_CLOSE('C');

  private static final List<Step> UNHEDGED = List.of(BUY, WITHDRAW, DEPOSIT, SELL);
  private static final List<Step> HEDGED = List.of(BUY, HEDGE_OPEN, WITHDRAW, DEPOSIT, SELL, HEDGE_CLOSE);

  private final char code;

  Step(char code) {
    this.code = code;
  }

  char code() {
    return code;
  }

  /** A step on the perpetual (its venue is the futures venue, its intent a perpetual order). */
  public boolean isHedge() {
    return this == HEDGE_OPEN || this == HEDGE_CLOSE;
  }

  /** The steps of a leg, in order: {@code BUY → [HEDGE_OPEN →] WITHDRAW → DEPOSIT → SELL [→ HEDGE_CLOSE]}. */
  public static List<Step> sequence(boolean hedged) {
    return hedged ? HEDGED : UNHEDGED;
  }
}
