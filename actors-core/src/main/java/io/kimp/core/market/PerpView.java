package io.kimp.core.market;

import java.util.Optional;

/**
 * Port: the newest perpetual-futures figures per coin, kept by the market-data side (the futures feed) and read by the
 * paper futures venue (fills), the edge (futures fees and expected funding) and the dashboard. Non-blocking, any thread.
 */
public interface PerpView {

  /** The newest figures of {@code coin}'s perpetual, if the feed has any. */
  Optional<PerpQuote> perp(String coin);

  /** A view that knows nothing (hedge off, or no futures feed). */
  static PerpView none() {
    return coin -> Optional.empty();
  }
}
