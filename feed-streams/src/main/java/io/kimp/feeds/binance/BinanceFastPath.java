package io.kimp.feeds.binance;

import static io.kimp.feeds.parse.FrameScanner.DECLINE;

import io.kimp.core.market.Book;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import io.kimp.core.market.Venue;
import io.kimp.feeds.parse.Checks;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.ExchangeTime;
import io.kimp.feeds.parse.FieldNames;
import io.kimp.feeds.parse.FrameScanner;
import io.kimp.feeds.parse.MarketCodes;
import io.kimp.feeds.parse.MemberNames;
import io.kimp.feeds.parse.ScanningFastPath;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link BinanceParser}: bookTicker, trade, partial depth and 24 h (mini) ticker payloads, combined-stream
 * wrapped ({@code {"stream":…,"data":{…}}}, either order) or raw, read in one pass of a {@link FrameScanner}. It takes a
 * frame only when it yields an event, and classifies it as {@link BinanceParser} does (by {@code e}, else by shape);
 * control messages, error answers, server-shutdown notices, unknown event types, anything out of range or of an unexpected
 * type, a field read twice and any top-level field beside {@code stream}/{@code data} of a wrapped frame make it decline,
 * and the Jackson parser decides.
 */
final class BinanceFastPath extends ScanningFastPath {
  private static final int MAX_LEVELS = 64;

  // payload fields
  private static final int EVENT = 0;
  private static final int EVENT_TIME = 1;
  private static final int SYMBOL = 2;
  private static final int UPDATE_ID = 3;
  private static final int TRADE_ID = 4;
  private static final int TRADE_TIME = 5;
  private static final int BID = 6;
  private static final int BID_QTY = 7;
  private static final int ASK = 8;
  private static final int ASK_QTY = 9;
  private static final int PRICE = 10;
  private static final int QTY = 11;
  private static final int CLOSE = 12;
  private static final int BIDS = 13;
  private static final int ASKS = 14;
  // top-level names with a meaning of their own (wrapper, control, error)
  private static final int STREAM = 20;
  private static final int DATA = 21;
  private static final int RESERVED = 22;
  private static final FieldNames FIELDS =
      new FieldNames(
          "e", EVENT, "E", EVENT_TIME, "s", SYMBOL, "u", UPDATE_ID, "lastUpdateId", UPDATE_ID, "t", TRADE_ID, "T",
          TRADE_TIME, "b", BID, "B", BID_QTY, "a", ASK, "A", ASK_QTY, "p", PRICE, "q", QTY, "c", CLOSE, "bids", BIDS,
          "asks", ASKS, "stream", STREAM, "data", DATA, "event", RESERVED, "result", RESERVED, "id", RESERVED, "msg",
          RESERVED);

  private static final byte[] TRADE = "trade".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MINI_TICKER = "24hrMiniTicker".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TICKER = "24hrTicker".getBytes(StandardCharsets.US_ASCII);
  private static final int KIND_TRADE = 1;
  private static final int KIND_TICKER = 2;

  /** The names at the top (a wrapper's, or a raw payload's) and inside a wrapper's {@code data}. */
  private final MemberNames topNames = new MemberNames(FIELDS);
  private final MemberNames payloadNames = new MemberNames(FIELDS);
  private final double[] bidP = new double[MAX_LEVELS];
  private final double[] bidS = new double[MAX_LEVELS];
  private final double[] askP = new double[MAX_LEVELS];
  private final double[] askS = new double[MAX_LEVELS];

  // the frame being read
  private int seen;
  private int kind;
  private long eventTime;
  private int symbolStart;
  private int symbolEnd;
  private int streamStart;
  private int streamEnd;
  private long updateId;
  private long tradeId;
  private long tradeTime;
  private double b;
  private double bq;
  private double a;
  private double aq;
  private double p;
  private double q;
  private double c;
  private int bidLevels;
  private int askLevels;

  BinanceFastPath(CoinResolver coins) {
    super(MarketCodes.binance(coins));
  }

  @Override
  protected MarketEvent event(long at) {
    seen = 0;
    kind = 0;
    updateId = tradeId = -1;
    eventTime = tradeTime = ExchangeTime.ABSENT;
    symbolStart = symbolEnd = streamStart = streamEnd = -1;
    b = bq = a = aq = p = q = c = Double.NaN;
    bidLevels = askLevels = -1;
    in.beginObject();
    int f = in.firstMember(topNames);
    if (f == FrameScanner.END) {
      throw DECLINE;
    }
    if (f == STREAM || f == DATA) {
      wrapper(f);
    } else {
      for (; f != FrameScanner.END; f = in.nextMember(topNames)) { // a raw payload: its fields at the top
        if (f >= STREAM) {
          throw DECLINE;
        }
        field(f);
      }
    }
    in.endOfFrame();
    return classify(at);
  }

  /** {@code {"stream":"…","data":{…}}} in either order, nothing else. */
  private void wrapper(int first) {
    boolean stream = false;
    boolean data = false;
    int f = first;
    while (true) {
      if (f == STREAM && !stream) {
        stream = true;
        in.readString();
        streamStart = in.tokenStart();
        streamEnd = in.tokenEnd();
      } else if (f == DATA && !data) {
        data = true;
        in.beginObject();
        for (int g = in.firstMember(payloadNames); g != FrameScanner.END; g = in.nextMember(payloadNames)) {
          field(g < STREAM ? g : -1); // inside the payload only the payload's fields mean anything
        }
      } else {
        throw DECLINE;
      }
      f = in.nextMember(topNames);
      if (f == FrameScanner.END) {
        break;
      }
    }
    if (!data) {
      throw DECLINE;
    }
  }

  /** One payload field's value (skipped if not one kimp reads). */
  private void field(int f) {
    if (f < 0) {
      in.skipValue();
      return;
    }
    if ((seen & (1 << f)) != 0) {
      throw DECLINE;
    }
    seen |= 1 << f;
    switch (f) {
      case EVENT:
        in.readString();
        kind = in.tokenIs(TRADE) ? KIND_TRADE : in.tokenIs(MINI_TICKER) || in.tokenIs(TICKER) ? KIND_TICKER : 0;
        if (kind == 0) {
          throw DECLINE; // other event types are not kimp's (or are control: serverShutdown)
        }
        break;
      case EVENT_TIME:
        eventTime = ExchangeTime.present(in.integer());
        break;
      case SYMBOL:
        in.readString();
        symbolStart = in.tokenStart();
        symbolEnd = in.tokenEnd();
        break;
      case UPDATE_ID:
        updateId = in.integer();
        break;
      case TRADE_ID:
        tradeId = in.integer();
        break;
      case TRADE_TIME:
        tradeTime = ExchangeTime.present(in.integer());
        break;
      case BID:
        b = in.number();
        break;
      case BID_QTY:
        bq = in.number();
        break;
      case ASK:
        a = in.number();
        break;
      case ASK_QTY:
        aq = in.number();
        break;
      case PRICE:
        p = in.number();
        break;
      case QTY:
        q = in.number();
        break;
      case CLOSE:
        c = in.number();
        break;
      case BIDS:
        bidLevels = levels(bidP, bidS);
        break;
      default: // ASKS
        askLevels = levels(askP, askS);
    }
  }

  /** {@code [["price","qty"],…]}, exactly two numbers a level. */
  private int levels(double[] prices, double[] sizes) {
    in.beginArray();
    int n = 0;
    if (in.firstElement()) {
      do {
        if (n == MAX_LEVELS) {
          throw DECLINE;
        }
        in.beginArray();
        if (!in.firstElement()) {
          throw DECLINE;
        }
        prices[n] = in.number();
        if (!in.nextElement()) {
          throw DECLINE;
        }
        sizes[n] = in.number();
        if (in.nextElement()) {
          throw DECLINE;
        }
        n++;
      } while (in.nextElement());
    }
    return n;
  }

  private MarketEvent classify(long at) {
    if (kind == KIND_TRADE) {
      String coin = coin();
      if (Checks.price(p) != null || Checks.size(q) != null) {
        throw DECLINE;
      }
      long ts = ExchangeTime.choose(tradeTime, eventTime, at);
      return new TradeEvent(Venue.BINANCE, coin, p, q, ts, at, tradeId >= 0 ? tradeId : MarketEvent.NO_SEQUENCE);
    }
    if (kind == KIND_TICKER) {
      String coin = coin();
      if (Checks.price(c) != null || (!Double.isNaN(q) && Checks.size(q) != null)) {
        throw DECLINE;
      }
      return new TickerEvent(Venue.BINANCE, coin, c, q, ExchangeTime.choose(eventTime, at), at);
    }
    if (bidLevels >= 0 || askLevels >= 0) {
      return depth(at);
    }
    if (symbolStart >= 0 || updateId >= 0) {
      String coin = coin();
      if (Checks.price(b) != null || Checks.price(a) != null || Checks.size(bq) != null || Checks.size(aq) != null
          || b >= a) {
        throw DECLINE;
      }
      // bookTicker carries no time: the receive time (a time field that is there must still be an epoch)
      Book book =
          Book.top(Venue.BINANCE, coin, b, bq, a, aq, ExchangeTime.receiveTimeUnlessBad(eventTime, tradeTime, at));
      return new BookEvent(book, true, at, updateId >= 0 ? updateId : MarketEvent.NO_SEQUENCE);
    }
    throw DECLINE;
  }

  private MarketEvent depth(long at) {
    String coin = coin();
    if (bidLevels <= 0 || askLevels <= 0) {
      throw DECLINE;
    }
    for (int i = 0; i < bidLevels; i++) {
      if (Checks.price(bidP[i]) != null || Checks.size(bidS[i]) != null) {
        throw DECLINE;
      }
    }
    for (int i = 0; i < askLevels; i++) {
      if (Checks.price(askP[i]) != null || Checks.size(askS[i]) != null) {
        throw DECLINE;
      }
    }
    if (bidP[0] >= askP[0]) {
      throw DECLINE;
    }
    Book book =
        new Book(
            Venue.BINANCE, coin, Arrays.copyOf(bidP, bidLevels), Arrays.copyOf(bidS, bidLevels),
            Arrays.copyOf(askP, askLevels), Arrays.copyOf(askS, askLevels), ExchangeTime.choose(eventTime, at));
    return new BookEvent(book, false, at, updateId >= 0 ? updateId : MarketEvent.NO_SEQUENCE);
  }

  /** The coin of the payload's symbol, else of the stream name's symbol part (before the first {@code @}). */
  private String coin() {
    byte[] buf = in.bytes();
    int from;
    int to;
    if (symbolStart >= 0) {
      from = symbolStart;
      to = symbolEnd;
    } else if (streamStart >= 0) {
      from = streamStart;
      to = streamEnd;
      if (from < to && buf[from] != '@') { // a name starting with "@" is taken whole, as BinanceParser does
        for (int i = from + 1; i < streamEnd; i++) {
          if (buf[i] == '@') {
            to = i;
            break;
          }
        }
      }
    } else {
      throw DECLINE;
    }
    String coin = codes.coin(buf, from, to);
    if (coin == null) {
      throw DECLINE;
    }
    return coin;
  }
}
