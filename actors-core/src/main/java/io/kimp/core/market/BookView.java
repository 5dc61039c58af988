package io.kimp.core.market;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Port: the latest order books as the market-data side sees them. The paper gateway fills against these; the market-data
 * side keeps them. Implementations must be non-blocking and safe to call from any thread.
 */
public interface BookView {

  /** The newest book of {@code coin} at {@code venue} (quoted in the venue's currency), if any. */
  Optional<Book> book(Venue venue, String coin);

  /** The newest USDT/KRW rate (Upbit KRW-USDT), if any. */
  OptionalDouble usdtKrw();
}
