package io.kimp.backtest.market;

import java.util.Map;

/**
 * Where a replay's market comes from, one {@link MarketMoment} at a time in time order. Candle files are one source
 * ({@link CandleMarketSource}); a {@code kimp record} recording is another (its frames parsed by the feed parsers into
 * books, emitting a moment whenever a book or the rate changes). The simulation only sees moments, so both run the
 * same strategy and cycle code.
 */
public interface MarketSource {

  /** The next moment, or null at the end. */
  MarketMoment next();

  /** How far through its input the source is, 0 to 1 (for the progress bar). */
  double progress();

  /** What the source skipped so far, and why. */
  Coverage coverage();

  /**
   * What a source delivered and skipped.
   *
   * @param moments moments delivered
   * @param skipped input instants not delivered, by reason (never interpolated)
   * @param outsideOverlap rows before or after the span every input covers (not gaps)
   * @param gapEpisodes times two consecutive moments were further apart than one step
   * @param longestGapMs the longest time between two consecutive moments
   */
  record Coverage(long moments, Map<String, Long> skipped, long outsideOverlap, long gapEpisodes, long longestGapMs) {
    public long skippedTotal() {
      return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
