package io.kimp.feeds.binance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.PerpBookTicker;
import io.kimp.core.market.MarketEvent.PerpMarkPrice;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.ExchangeTime;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.JsonFrames;
import io.kimp.feeds.parse.Reject;
import java.io.IOException;

/**
 * Binance USDT-M futures market-stream frames ({@code fstream}), combined-stream wrapped
 * ({@code {"stream":"xrpusdt@bookTicker","data":{…}}}) or raw: {@code <s>@bookTicker} ({@code e = bookTicker}: {@code u}
 * update id, {@code E} event and {@code T} transaction time, {@code b B a A}) into a {@link PerpBookTicker}, and
 * {@code <s>@markPrice[@1s]} ({@code e = markPriceUpdate}: {@code p} mark, {@code i} index, {@code r} funding rate,
 * {@code T} next funding time) into a {@link PerpMarkPrice}. The same letter means different things in the two
 * ({@code T}), so the payload is read whole into scratch fields and classified at its end, whatever the key order.
 *
 * <p>No fast path: the perpetuals stream a few frames a second per coin (the spot book tickers are the hot ones), and
 * the spot parsers stay as they are. Subscription answers are control messages, {@code serverShutdown} sets
 * {@link #takeShutdownNotice()} as for spot, error answers are counted as venue errors and dropped, and every malformed
 * frame is counted by reason and dropped.
 */
public final class BinanceFuturesParser extends BinanceStreamParser {
  /** A funding rate beyond ±10 % per period is no rate Binance publishes (its caps are a few percent): a broken frame. */
  static final double MAX_FUNDING_RATE = 0.1;

  private long eventTime;
  private long timeT;
  private long updateId;
  private double b;
  private double bq;
  private double a;
  private double aq;
  private double mark;
  private double index;
  private double rate;

  public BinanceFuturesParser(FrameStats stats, CoinResolver coins) {
    super(stats, null, coins);
  }

  @Override
  void reset() {
    event = null;
    symbol = null;
    eventTime = ExchangeTime.ABSENT;
    timeT = ExchangeTime.ABSENT;
    updateId = -1;
    b = bq = a = aq = mark = index = rate = Double.NaN;
  }

  /** Futures error answers may carry {@code error} (an object with {@code msg}, or text) besides {@code msg}. */
  @Override
  String otherField(String name, JsonParser jp, boolean wrapped) throws IOException {
    if (!name.equals("error")) {
      return super.otherField(name, jp, wrapped);
    }
    String msg = jp.currentToken() == JsonToken.START_OBJECT ? errorText(jp) : JsonFrames.text(jp);
    return msg == null ? "error" : msg;
  }

  @Override
  MarketEvent classify(String stream, RawFrame frame) {
    if (event == null) {
      return reject(Reject.MISSING_FIELD, "event type (e)", frame);
    }
    return switch (event) {
      case "bookTicker" -> bookTicker(stream, frame);
      case "markPriceUpdate" -> markPrice(stream, frame);
      default -> reject(Reject.UNKNOWN_TYPE, event, frame);
    };
  }

  /** {@code {"code":…,"msg":…}}: the message. */
  private static String errorText(JsonParser jp) throws IOException {
    String msg = null;
    while (jp.nextToken() == JsonToken.FIELD_NAME) {
      String n = jp.currentName();
      jp.nextToken();
      if (n.equals("msg")) {
        msg = JsonFrames.text(jp);
      } else {
        jp.skipChildren();
      }
    }
    return msg;
  }

  @Override
  void field(String name, JsonParser jp) throws IOException {
    switch (name) {
      case "e" -> event = JsonFrames.text(jp);
      case "E" -> eventTime = ExchangeTime.present(JsonFrames.integer(jp, ExchangeTime.NOT_AN_EPOCH));
      case "T" -> timeT = ExchangeTime.present(JsonFrames.integer(jp, ExchangeTime.NOT_AN_EPOCH));
      case "s" -> symbol = JsonFrames.text(jp);
      case "u" -> updateId = JsonFrames.integer(jp, -1);
      case "b" -> b = JsonFrames.number(jp);
      case "B" -> bq = JsonFrames.number(jp);
      case "a" -> a = JsonFrames.number(jp);
      case "A" -> aq = JsonFrames.number(jp);
      case "p" -> mark = JsonFrames.number(jp);
      case "i" -> index = JsonFrames.number(jp);
      case "r" -> rate = JsonFrames.number(jp);
      default -> jp.skipChildren();
    }
  }

  private MarketEvent bookTicker(String stream, RawFrame frame) {
    String coin = coin(stream, frame);
    if (coin == null || !price(b, "price", frame) || !price(a, "price", frame) || !size(bq, "quantity", frame)
        || !size(aq, "quantity", frame)) {
      return null;
    }
    if (b >= a) {
      return reject(Reject.CROSSED_BOOK, "bid " + b + " >= ask " + a, frame);
    }
    long at = frame.receivedAt();
    // the transaction time, else the event time; a time field that is there must be an epoch
    long ts = ExchangeTime.choose(timeT, eventTime, at);
    return new PerpBookTicker(coin, b, bq, a, aq, ts, at, updateId >= 0 ? updateId : MarketEvent.NO_SEQUENCE);
  }

  private MarketEvent markPrice(String stream, RawFrame frame) {
    String coin = coin(stream, frame);
    if (coin == null || !price(mark, "mark price", frame)) {
      return null;
    }
    if (!Double.isNaN(index) && !price(index, "index price", frame)) {
      return null;
    }
    if (Double.isNaN(rate)) {
      return reject(Reject.MISSING_FIELD, "funding rate (r)", frame);
    }
    if (Double.isInfinite(rate) || Math.abs(rate) > MAX_FUNDING_RATE) {
      // "" is what Binance sends for a delivery contract: no perpetual
      return reject(Reject.BAD_NUMBER, "funding rate " + (Double.isInfinite(rate) ? "not a number" : rate), frame);
    }
    if (eventTime == ExchangeTime.ABSENT) {
      return reject(Reject.MISSING_FIELD, "event time (E)", frame); // it orders the updates
    }
    long at = frame.receivedAt();
    long next = timeT == ExchangeTime.ABSENT || timeT <= 0 ? 0 : timeT;
    return new PerpMarkPrice(coin, mark, index, rate, next, eventTime, at);
  }
}
