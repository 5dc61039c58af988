package io.kimp.feeds.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.kimp.core.market.MarketEvent;
import io.kimp.feeds.RawFrame;
import java.io.IOException;

/**
 * What every venue parser does around its own reading: count the frame, offer it to the venue's {@link FastPath} (if
 * any), else open a streaming parser on its bytes or text, count the event or the rejection, turn malformed JSON into a
 * {@link Reject#BAD_JSON} drop, and check prices and sizes, building the rejection text only when there is a rejection
 * (the checks run several times per frame). The fast path takes the hot frames; every frame it does not take (odd, bad,
 * control, rare shapes) is read by Jackson, so what is rejected, and why, does not depend on the fast path.
 */
public abstract class JsonFrameParser implements FrameParser {
  protected final FrameStats stats;
  private final FastPath fastPath;
  private long fastPathTaken;
  private long fullParses;

  /** @param fastPath the venue's fast path, or null to read every frame with Jackson */
  protected JsonFrameParser(FrameStats stats, FastPath fastPath) {
    this.stats = stats;
    this.fastPath = fastPath;
  }

  /** Frames this parser's fast path took. */
  public final long fastPathTaken() {
    return fastPathTaken;
  }

  /** Frames this parser read with Jackson (the fast path declined them, or there is none). */
  public final long fullParses() {
    return fullParses;
  }

  @Override
  public final FrameStats stats() {
    return stats;
  }

  @Override
  public final MarketEvent parse(RawFrame frame) {
    if (fastPath != null) {
      MarketEvent e = fastPath.read(frame);
      if (e != null) {
        fastPathTaken++;
        stats.eventFrame();
        return e;
      }
    }
    stats.frame();
    fullParses++;
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
    String what =
        Double.isNaN(value) ? "missing" : Double.isInfinite(value) ? "not a finite number" : String.valueOf(value);
    reject(r, field + " " + what, frame);
    return false;
  }

  /** Counts (and maybe logs) a dropped frame; returns null for the caller to return. */
  protected final MarketEvent reject(Reject reason, String detail, RawFrame frame) {
    stats.reject(reason, detail, frame.asText());
    return null;
  }
}
