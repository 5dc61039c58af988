package io.kimp.simulator;

/**
 * One simulated market change, before it is put on the wire in a venue's format. Prices in the venue's quote currency.
 * The wire texts are cached per format: every connection asking for the same format sends the same bytes.
 *
 * @param seq an id: as the model emits it, a venue-wide counter; as the simulator sends it ({@code onUpdate}), for Binance
 *     the market's book update id (book changes) or trade id (trades), for Upbit trades the market's sequential id.
 *     Shared by every connection: overlapping connections see the same ids, as on the venues
 * @param sentNanos {@link System#nanoTime()} when the model emitted it (for the latency benchmark)
 */
public record MarketUpdate(
    SimVenue venue,
    Kind kind,
    String coin,
    double bid,
    double bidSize,
    double ask,
    double askSize,
    double price,
    double size,
    double volume24h,
    long seq,
    long ts,
    long sentNanos) {

  /** What changed. */
  public enum Kind {
    BOOK,
    TRADE,
    TICKER,
    DEPTH
  }
}
