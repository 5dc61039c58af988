package io.kimp.core.venue;

public enum WithdrawalStatus {
  PENDING(false, false),
  PROCESSING(false, false),
  COMPLETED(true, false),
  FAILED(true, true),
  CANCELED(true, true),
  REJECTED(true, true);

  private final boolean terminal;
  private final boolean failed;

  WithdrawalStatus(boolean terminal, boolean failed) {
    this.terminal = terminal;
    this.failed = failed;
  }

  public boolean terminal() {
    return terminal;
  }

  public boolean failed() {
    return failed;
  }
}
