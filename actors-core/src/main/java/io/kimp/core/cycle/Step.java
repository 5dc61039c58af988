package io.kimp.core.cycle;

/** The steps of a leg, in order: buy the coin, withdraw it, wait for the deposit, sell it. */
public enum Step {
  BUY('B'),
  WITHDRAW('W'),
  DEPOSIT('D'),
  SELL('S');

  private final char code;

  Step(char code) {
    this.code = code;
  }

  char code() {
    return code;
  }

  /** The step after this one, or null after SELL. */
  public Step next() {
    return this == SELL ? null : values()[ordinal() + 1];
  }
}
