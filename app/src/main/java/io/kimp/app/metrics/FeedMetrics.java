package io.kimp.app.metrics;

import io.kimp.core.market.OpportunityDetector;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.Reject;
import io.kimp.feeds.source.ConnectionHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The market-data side's counters as Prometheus series: frames and events per venue (rates come from {@code rate()}),
 * malformed frames by venue and reason, the detector's evaluations, suppressions (stale, cooldown, no capacity) and offers, and each
 * connection's state. Read from the feeds' own LongAdders at scrape time: nothing is added to the hot path.
 */
public final class FeedMetrics {
  private FeedMetrics() {}

  public static void bind(MeterRegistry registry, MarketFeeds feeds) {
    for (FeedVenue v : FeedVenue.values()) {
      FrameStats s = feeds.frameStats(v);
      String venue = v.wireName();
      FunctionCounter.builder("kimp.feed.frames", s, FrameStats::frames)
          .description("Frames received").tag("venue", venue).register(registry);
      FunctionCounter.builder("kimp.feed.events", s, FrameStats::events)
          .description("Market events parsed from frames").tag("venue", venue).register(registry);
      for (Reject r : Reject.values()) {
        FunctionCounter.builder("kimp.feed.rejected", s, x -> x.rejected(r))
            .description("Malformed, unknown or out-of-range frames dropped")
            .tags("venue", venue, "reason", r.name().toLowerCase(Locale.ROOT))
            .register(registry);
      }
    }
    OpportunityDetector.Stats d = feeds.detectorStats();
    FunctionCounter.builder("kimp.opportunities.evaluated", d, OpportunityDetector.Stats::evaluated)
        .description("Coin evaluations that ran the trading rule").register(registry);
    FunctionCounter.builder("kimp.opportunities.suppressed", d, OpportunityDetector.Stats::suppressedStale)
        .description("Evaluations suppressed").tag("reason", "stale").register(registry);
    FunctionCounter.builder("kimp.opportunities.suppressed", d, OpportunityDetector.Stats::suppressedCooldown)
        .description("Evaluations suppressed").tag("reason", "cooldown").register(registry);
    FunctionCounter.builder("kimp.opportunities.suppressed", d, OpportunityDetector.Stats::suppressedNoCapacity)
        .description("Evaluations suppressed").tag("reason", "no_capacity").register(registry);
    FunctionCounter.builder("kimp.opportunities.offered", d, OpportunityDetector.Stats::offered)
        .description("Opportunities offered to the cycles").register(registry);
    Gauge.builder("kimp.feed.connections.up", feeds,
            f -> f.health().connections().stream().filter(ConnectionHealth::connected).count())
        .description("Market-data connections currently up").register(registry);
    Gauge.builder("kimp.feed.connections", feeds, f -> f.health().connections().size())
        .description("Market-data connections").register(registry);
    Gauge.builder("kimp.feed.reconnects", feeds,
            f -> f.health().connections().stream().mapToLong(ConnectionHealth::reconnects).sum())
        .description("Reconnects of all market-data connections since start").register(registry);
  }
}
