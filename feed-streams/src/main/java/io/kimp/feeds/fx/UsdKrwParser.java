package io.kimp.feeds.fx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.JsonPointerBasedFilter;
import com.fasterxml.jackson.core.filter.TokenFilter;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.FxRateEvent;
import io.kimp.core.market.MarketState;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.JsonFrameParser;
import io.kimp.feeds.parse.JsonFrames;
import io.kimp.feeds.parse.Reject;
import java.io.IOException;

/**
 * The USD/KRW rate from an HTTP answer: the number at a JSON pointer ({@code /rates/KRW} for the common
 * {@code {"rates":{"KRW":1385.2}}} shape), or the whole body when the pointer is empty. Streaming, with Jackson's pointer
 * filter. A rate outside (100, 10000) KRW per USD is out of range and rejected: no real USD/KRW has been there.
 */
public final class UsdKrwParser extends JsonFrameParser {
  private static final double MIN = 100;
  private static final double MAX = 10_000;

  private final JsonPointer pointer;

  public UsdKrwParser(FrameStats stats, String pointer) {
    super(stats, null);
    this.pointer = pointer == null || pointer.isBlank() ? null : JsonPointer.compile(pointer);
  }

  @Override
  protected MarketEvent read(JsonParser raw, RawFrame frame) throws IOException {
    JsonParser p =
        pointer == null
            ? raw
            : new FilteringParserDelegate(
                raw, new JsonPointerBasedFilter(pointer), TokenFilter.Inclusion.ONLY_INCLUDE_ALL, false);
    if (p.nextToken() == null) {
      return reject(Reject.MISSING_FIELD, "no value at " + pointer, frame);
    }
    double rate = JsonFrames.number(p);
    if (!price(rate, "USD/KRW", frame)) {
      return null;
    }
    if (rate < MIN || rate > MAX) {
      return reject(Reject.BAD_NUMBER, "USD/KRW " + rate + " out of range", frame);
    }
    return new FxRateEvent(MarketState.USD, "KRW", rate, frame.receivedAt(), frame.receivedAt());
  }
}
