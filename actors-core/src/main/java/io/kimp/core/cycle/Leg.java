package io.kimp.core.cycle;

/** The two halves of a cycle: the initial leg earns the premium, the rebalance leg carries the capital home. */
public enum Leg {
  INITIAL('I'),
  REBALANCE('R');

  private final char code;

  Leg(char code) {
    this.code = code;
  }

  char code() {
    return code;
  }
}
