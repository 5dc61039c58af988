package io.kimp.feeds.parse;

import io.kimp.core.market.MarketEvent;
import io.kimp.feeds.RawFrame;

/**
 * Turns one venue's frames into normalized events. One instance per connection (it keeps scratch state): not thread safe.
 * Every frame is counted in the venue's {@link FrameStats}; a frame that is neither an event nor a known control message is
 * rejected with a reason and dropped, never thrown, except a venue error message where the protocol says the connection
 * is unusable ({@link VenueErrorException}).
 */
public interface FrameParser {

  /** The event in the frame, or null (control message, or rejected and counted). */
  MarketEvent parse(RawFrame frame);

  FrameStats stats();
}
