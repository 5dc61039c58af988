package io.kimp.core.venue;

public enum OrderStatus {
  NEW(false),
  PARTIALLY_FILLED(false),
  FILLED(true),
  CANCELED(true),
  REJECTED(true),
  EXPIRED(true);

  private final boolean terminal;

  OrderStatus(boolean terminal) {
    this.terminal = terminal;
  }

  /** No further fills will happen. */
  public boolean terminal() {
    return terminal;
  }
}
