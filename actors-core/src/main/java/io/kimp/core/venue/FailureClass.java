package io.kimp.core.venue;

/** How a failed external action is handled. */
public enum FailureClass {
  /** Safe to try again later (network, 5xx with a known outcome, rate limits, timeouts after reconciliation). */
  TRANSIENT,
  /** Retrying cannot help (rejected order, insufficient balance, invalid address): the cycle needs an operator. */
  PERMANENT,
  /** The venue may or may not have acted: reconcile (query by client id) before anything else. */
  UNKNOWN_OUTCOME
}
