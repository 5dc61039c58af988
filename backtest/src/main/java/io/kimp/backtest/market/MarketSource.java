package io.kimp.backtest.market;

import java.time.Clock;
import java.util.Map;

/**
 * Where a replay's market comes from, one {@link MarketMoment} at a time in time order. Candle files are one source
 * ({@link CandleMarketSource}); a {@code kimp record} recording is another ({@link RecordingMarketSource}: its frames
 * parsed by the feed parsers into the live market state). The simulation only sees moments and the market view, so both
 * run the same strategy and cycle code.
 *
 * <p>The replay asks for the time of the next input first ({@link #peekTime()}), fires the cycles' timers due by then
 * against the market as it still is, and only then takes the input ({@link #next()}): nothing a timer sees comes from
 * its future.
 */
public interface MarketSource {
  /** {@link #peekTime()} at the end of the input. */
  long END = Long.MAX_VALUE;

  /**
   * The time (epoch ms) of the next input, never before the previous one, or {@link #END}. Looking ahead changes
   * nothing the replay sees.
   */
  long peekTime();

  /**
   * Takes the input at {@link #peekTime()}: the moment it makes, or null when it makes none (e.g. a frame that changed
   * no coin a cycle could trade) or at the end.
   */
  MarketMoment next();

  /**
   * The market view this source keeps current itself, judged at {@code clock}; null when the replay keeps one from the
   * moments (one coin's latest books). Called once, before the first {@link #next()}.
   */
  default ReplayMarket market(Clock clock) {
    return null;
  }

  /**
   * True when the source runs the live opportunity detector and its moments carry what it offered
   * ({@link MarketMoment#offer()}); false when the replay applies the trading rule to each moment itself.
   */
  default boolean offersOpportunities() {
    return false;
  }

  /** How far through its input the source is, 0 to 1 (for the progress bar). */
  double progress();

  /** What the source skipped so far, and why. */
  Coverage coverage();

  /**
   * What a source delivered and skipped.
   *
   * @param moments moments delivered
   * @param skipped inputs that made no moment, by reason (never interpolated)
   * @param outsideOverlap inputs before or after the span every input covers (or outside --from/--to): not gaps
   * @param gapEpisodes times two consecutive moments were further apart than one step
   * @param longestGapMs the longest time between two consecutive moments
   */
  record Coverage(long moments, Map<String, Long> skipped, long outsideOverlap, long gapEpisodes, long longestGapMs) {
    public long skippedTotal() {
      return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
