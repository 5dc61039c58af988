package io.kimp.gateway.limit;

import io.kimp.core.market.Venue;
import java.time.Duration;

/**
 * Carries a venue's "back off" (a 429 or 418 with its {@code Retry-After}) from the node that drew it to every other node
 * on the same key: the app publishes it through the cluster, and each node's {@link KeyLimits#backoffAnnounced} pauses its
 * gateway for the venue. Waits are relative (from receipt), so the nodes' clocks need not agree.
 */
@FunctionalInterface
public interface BackoffRelay {
  BackoffRelay LOCAL_ONLY = (venue, wait, status) -> {};

  void announce(Venue venue, Duration wait, int status);
}
