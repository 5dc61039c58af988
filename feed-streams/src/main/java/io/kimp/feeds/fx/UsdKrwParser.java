package io.kimp.feeds.fx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.JsonPointerBasedFilter;
import com.fasterxml.jackson.core.filter.TokenFilter;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.FxRateEvent;
import io.kimp.core.market.MarketState;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.FrameParser;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.JsonFrames;
import io.kimp.feeds.parse.Reject;
import java.io.IOException;

/**
 * The USD/KRW rate from an HTTP answer: the number at a JSON pointer ({@code /rates/KRW} for the common
 * {@code {"rates":{"KRW":1385.2}}} shape), or the whole body when the pointer is empty. Streaming, with Jackson's pointer
 * filter. A rate outside (100, 10000) KRW per USD is out of range and rejected: no real USD/KRW has been there.
 */
public final class UsdKrwParser implements FrameParser {
  private static final double MIN = 100;
  private static final double MAX = 10_000;

  private final FrameStats stats;
  private final JsonPointer pointer;

  public UsdKrwParser(FrameStats stats, String pointer) {
    this.stats = stats;
    this.pointer = pointer == null || pointer.isBlank() ? null : JsonPointer.compile(pointer);
  }

  @Override
  public FrameStats stats() {
    return stats;
  }

  @Override
  public MarketEvent parse(RawFrame frame) {
    stats.frame();
    String text = frame.asText();
    double rate;
    try (JsonParser raw = JsonFrames.FACTORY.createParser(text)) {
      JsonParser p =
          pointer == null
              ? raw
              : new FilteringParserDelegate(
                  raw, new JsonPointerBasedFilter(pointer), TokenFilter.Inclusion.ONLY_INCLUDE_ALL, false);
      JsonToken t = p.nextToken();
      if (t == null) {
        return reject(Reject.MISSING_FIELD, "no value at " + pointer, text);
      }
      rate = JsonFrames.number(p);
    } catch (StreamReadException e) {
      return reject(Reject.BAD_JSON, e.getOriginalMessage(), text);
    } catch (IOException e) {
      return reject(Reject.BAD_JSON, e.toString(), text);
    }
    if (Double.isNaN(rate) || Double.isInfinite(rate)) {
      return reject(Reject.BAD_NUMBER, "rate " + rate, text);
    }
    if (rate <= 0) {
      return reject(Reject.NON_POSITIVE_PRICE, "rate " + rate, text);
    }
    if (rate < MIN || rate > MAX) {
      return reject(Reject.BAD_NUMBER, "USD/KRW " + rate + " out of range", text);
    }
    stats.event();
    return new FxRateEvent(MarketState.USD, "KRW", rate, frame.receivedAt(), frame.receivedAt());
  }

  private MarketEvent reject(Reject r, String detail, String text) {
    stats.reject(r, detail, text);
    return null;
  }
}
