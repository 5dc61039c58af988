package io.kimp.feeds.parse;

import io.kimp.core.market.MarketEvent;
import io.kimp.feeds.RawFrame;

/**
 * A venue's fast path reading with a {@link FrameScanner}: loads the frame, and turns the scanner's decline (anywhere in
 * the venue's reading) into "not taken". One per parser: not thread safe.
 */
public abstract class ScanningFastPath implements FastPath {
  protected final FrameScanner in = new FrameScanner();
  protected final MarketCodes codes;

  protected ScanningFastPath(MarketCodes codes) {
    this.codes = codes;
  }

  @Override
  public final MarketEvent read(RawFrame frame) {
    if (!in.load(frame)) {
      return null;
    }
    try {
      return event(frame.receivedAt());
    } catch (FrameScanner.Decline d) {
      return null;
    }
  }

  /** The event of the loaded frame; throws {@link FrameScanner#DECLINE} for any frame it does not fully accept. */
  protected abstract MarketEvent event(long receivedAt);
}
