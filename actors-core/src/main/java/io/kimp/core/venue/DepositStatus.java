package io.kimp.core.venue;

public enum DepositStatus {
  PENDING,
  /** Credited to the account: the coins can be sold. */
  CREDITED,
  FAILED
}
