package io.kimp.feeds;

import io.kimp.feeds.source.ConnectionHealth;
import java.util.List;
import java.util.Map;

/**
 * The feeds at a glance, for the health endpoint and metrics.
 *
 * @param healthy every connection is up and has delivered within the stale limit
 * @param rejected per venue wire name, rejected frames by reason label
 */
public record FeedHealth(
    boolean healthy,
    List<ConnectionHealth> connections,
    Map<String, Long> frames,
    Map<String, Long> events,
    Map<String, Map<String, Long>> rejected,
    long duplicates,
    long evaluated,
    long suppressedStale,
    long suppressedCooldown,
    long offered,
    long pipelineFailures) {}
