package io.kimp.gateway.limit;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's share of one API key's documented limits: the limit less the safety margin, divided by the number of cluster
 * members that trade on the key. The app feeds the member count from the cluster's membership events
 * ({@link #membersUp(int)}); every limiter reads its budget through {@link #of(int)} on each request, so a membership
 * change takes effect at once. exchange-gateways knows nothing of Pekko Cluster: this is the whole interface.
 */
public final class ClusterShare {
  private final double safetyMargin;
  private final AtomicInteger members = new AtomicInteger(1);

  /** @param safetyMargin the part (0 ≤ m &lt; 1) of each documented limit that no node uses */
  public ClusterShare(double safetyMargin) {
    if (!(safetyMargin >= 0 && safetyMargin < 1)) {
      throw new IllegalArgumentException("safety margin must be in [0, 1), not " + safetyMargin);
    }
    this.safetyMargin = safetyMargin;
  }

  /** How many members (at least 1) draw on the key now. */
  public void membersUp(int n) {
    members.set(Math.max(1, n));
  }

  public int members() {
    return members.get();
  }

  public double safetyMargin() {
    return safetyMargin;
  }

  /** This node's budget of a limit the venue applies to the whole key: at least 1, so that a node is never starved. */
  public int of(int documentedLimit) {
    return Math.max(1, (int) Math.floor(documentedLimit * (1 - safetyMargin) / members.get()));
  }

  /** The whole cluster's budget of a limit (the limit less the margin): the venue's usage beyond it means slow down. */
  public int clusterBudget(int documentedLimit) {
    return Math.max(1, (int) Math.floor(documentedLimit * (1 - safetyMargin)));
  }
}
