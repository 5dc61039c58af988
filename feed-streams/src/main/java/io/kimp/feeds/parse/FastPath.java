package io.kimp.feeds.parse;

import io.kimp.core.market.MarketEvent;
import io.kimp.feeds.RawFrame;

/**
 * A venue's fast path for its hot message shapes: one pass over the frame's bytes that yields the event when the frame is
 * well formed, of a shape it knows, and in range, or null when it is not sure. It never rejects, counts or logs: a frame it
 * returns null for goes to the venue's Jackson parser, which decides about it exactly as if the fast path did not exist.
 * Hence the one rule for an implementation: whatever it returns must equal what the Jackson parser would return.
 */
@FunctionalInterface
public interface FastPath {
  /** The frame's event, or null: not taken (the full parser decides). */
  MarketEvent read(RawFrame frame);
}
