package io.kimp.feeds.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.kimp.core.market.MarketEvent;
import io.kimp.feeds.RawFrame;
import java.io.IOException;

/**
 * What every venue parser does around its own reading: count the frame, open a streaming parser on its bytes or text,
 * count the event or the rejection, turn malformed JSON into a {@link Reject#BAD_JSON} drop, and check prices and sizes,
 * building the rejection text only when there is a rejection (the checks run several times per frame).
 */
public abstract class JsonFrameParser implements FrameParser {
  protected final FrameStats stats;

  protected JsonFrameParser(FrameStats stats) {
    this.stats = stats;
  }

  @Override
  public final FrameStats stats() {
    return stats;
  }

  @Override
  public final MarketEvent parse(RawFrame frame) {
    stats.frame();
    try (JsonParser p =
        frame.bytes() != null
            ? JsonFrames.FACTORY.createParser(frame.bytes())
            : JsonFrames.FACTORY.createParser(frame.text())) {
      MarketEvent e = read(p, frame);
      if (e != null) {
        stats.event();
      }
      return e;
    } catch (StreamReadException e) {
      return reject(Reject.BAD_JSON, e.getOriginalMessage(), frame);
    } catch (IOException e) {
      return reject(Reject.BAD_JSON, e.toString(), frame);
    }
  }

  /** Reads one frame; null for a control message or after {@link #reject}. */
  protected abstract MarketEvent read(JsonParser p, RawFrame frame) throws IOException;

  protected final boolean price(double v, String field, RawFrame frame) {
    return check(Checks.price(v), field, v, frame);
  }

  protected final boolean size(double v, String field, RawFrame frame) {
    return check(Checks.size(v), field, v, frame);
  }

  private boolean check(Reject r, String field, double value, RawFrame frame) {
    if (r == null) {
      return true;
    }
    reject(r, field + " " + value, frame);
    return false;
  }

  /** Counts (and maybe logs) a dropped frame; returns null for the caller to return. */
  protected final MarketEvent reject(Reject reason, String detail, RawFrame frame) {
    stats.reject(reason, detail, frame.asText());
    return null;
  }
}
