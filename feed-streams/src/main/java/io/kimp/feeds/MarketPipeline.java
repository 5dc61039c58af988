package io.kimp.feeds;

import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.Plausibility;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.Reject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stage every frame of every connection goes through, on one thread: record it (if recording), apply its event to
 * the {@link MarketState} (which refuses implausible prices and timestamps: counted and logged with the venue's dropped
 * frames), let the {@link OpportunityDetector} look at what changed, report the decision to the probe. A
 * failure here (a sink or tap that throws) is counted and logged at most every 10 s; the market data goes on.
 */
public final class MarketPipeline {
  private static final Logger log = LoggerFactory.getLogger(MarketPipeline.class);

  /** Sees every frame before it is applied (the recorder). */
  @FunctionalInterface
  public interface FrameTap {
    void onFrame(RawFrame frame);
  }

  /** Told of every applied event's decision (benchmarks, latency metrics). */
  @FunctionalInterface
  public interface DecisionProbe {
    void decided(RawFrame frame, MarketState.Applied applied, int offered);
  }

  private final MarketState state;
  private final OpportunityDetector detector;
  private final FrameTap tap;
  private final DecisionProbe probe;
  private final Map<FeedVenue, FrameStats> stats;
  private final LongAdder failures = new LongAdder();
  private final AtomicLong lastFailureLog = new AtomicLong();

  public MarketPipeline(MarketState state, OpportunityDetector detector, FrameTap tap, DecisionProbe probe) {
    this(state, detector, tap, probe, null);
  }

  /**
   * @param stats where an event the market state refuses as implausible is counted and logged, by the frame's venue
   *     (null: only the state's own count)
   */
  public MarketPipeline(
      MarketState state, OpportunityDetector detector, FrameTap tap, DecisionProbe probe,
      Map<FeedVenue, FrameStats> stats) {
    this.stats = stats;
    this.state = state;
    this.detector = detector;
    this.tap = tap;
    this.probe = probe;
  }

  /** A batch of frames, in arrival order. */
  public void onFrames(List<RawFrame> batch) {
    for (int i = 0, n = batch.size(); i < n; i++) {
      onFrame(batch.get(i));
    }
  }

  public void onFrame(RawFrame f) {
    try {
      if (tap != null) {
        tap.onFrame(f);
      }
      MarketEvent e = f.event();
      if (e == null) {
        return;
      }
      MarketState.Applied applied = state.apply(e);
      if (applied == MarketState.Applied.REJECTED && stats != null) {
        FrameStats s = stats.get(f.venue());
        if (s != null) {
          s.reject(state.lastRejection() == Plausibility.Verdict.IMPLAUSIBLE_TIMESTAMP ? Reject.IMPLAUSIBLE_TIMESTAMP
              : Reject.IMPLAUSIBLE_PRICE, state.lastRejectionDetail(), f.asText());
        }
      }
      int offered = detector.onApplied(applied, e.coin(), e.receivedAt());
      if (probe != null) {
        probe.decided(f, applied, offered);
      }
    } catch (RuntimeException ex) {
      failures.increment();
      long now = System.currentTimeMillis();
      long last = lastFailureLog.get();
      if (now - last >= 10_000 && lastFailureLog.compareAndSet(last, now)) {
        log.error("market pipeline failed on a {} frame ({} failures so far)", f.venue().wireName(), failures.sum(), ex);
      }
    }
  }

  /** Frames whose handling threw. */
  public long failures() {
    return failures.sum();
  }
}
