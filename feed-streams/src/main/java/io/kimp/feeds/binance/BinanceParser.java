package io.kimp.feeds.binance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kimp.core.market.Book;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import io.kimp.core.market.Venue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.ExchangeTime;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.JsonFrames;
import io.kimp.feeds.parse.Reject;
import java.io.IOException;
import java.util.Arrays;

/**
 * Binance spot market-stream frames, combined-stream wrapped ({@code {"stream":"xrpusdt@bookTicker","data":{…}}}) or raw:
 * {@code <s>@bookTicker}, {@code <s>@trade}, {@code <s>@depth<N>[@100ms]}, {@code <s>@miniTicker}/{@code <s>@ticker} (the
 * 24 h quote volume). The payload is read in one streaming pass into scratch fields, whatever the key order, and classified
 * at its end: by {@code e} where Binance sends it, by shape where it does not (bookTicker, partial depth). Partial depth
 * carries no symbol: it needs the wrapper's stream name. Prices arrive as strings and are parsed in place.
 *
 * <p>Market-data payloads are first offered to the {@link BinanceFastPath}, which reads the usual ones without Jackson;
 * what it does not take is read here, with the same outcome (a differential test holds the two to it).
 *
 * <p>{@code serverShutdown} (Binance's notice that the server will close the connection) is a control message that sets
 * {@link #takeShutdownNotice()}; the connection owner then opens its replacement early. Subscription answers
 * ({@code {"result":null,"id":1}}) are control messages; error answers ({@code {"code":…,"msg":…}}) are counted as venue
 * errors and dropped.
 */
public final class BinanceParser extends BinanceStreamParser {
  private static final int MAX_LEVELS = 64;

  // scratch of the payload being read (besides the event type and symbol every Binance stream sends)
  private long eventTime;
  private long tradeTime;
  private long updateId;
  private long tradeId;
  private double b;
  private double bq;
  private double a;
  private double aq;
  private double p;
  private double q;
  private double c;
  private boolean sawBids;
  private boolean sawAsks;
  private boolean badLevel;
  private int bidLevels;
  private int askLevels;
  private final double[] bidP = new double[MAX_LEVELS];
  private final double[] bidS = new double[MAX_LEVELS];
  private final double[] askP = new double[MAX_LEVELS];
  private final double[] askS = new double[MAX_LEVELS];

  /** A parser with the fast path in front of Jackson: what every connection and replay uses. */
  public BinanceParser(FrameStats stats, CoinResolver coins) {
    this(stats, coins, true);
  }

  private BinanceParser(FrameStats stats, CoinResolver coins, boolean fastPath) {
    super(stats, fastPath ? new BinanceFastPath(coins) : null, coins);
  }

  /** A parser reading every frame with Jackson: the reference the fast path is compared with (tests, benchmarks). */
  public static BinanceParser withoutFastPath(FrameStats stats, CoinResolver coins) {
    return new BinanceParser(stats, coins, false);
  }

  @Override
  void reset() {
    event = null;
    symbol = null;
    eventTime = ExchangeTime.ABSENT;
    tradeTime = ExchangeTime.ABSENT;
    updateId = -1;
    tradeId = -1;
    b = bq = a = aq = p = q = c = Double.NaN;
    sawBids = sawAsks = badLevel = false;
    bidLevels = askLevels = 0;
  }

  /** A partial depth answer carries bids without an event type or symbol. */
  @Override
  boolean carriesData() {
    return sawBids;
  }

  @Override
  void field(String name, JsonParser jp) throws IOException {
    switch (name) {
      case "e":
        event = JsonFrames.text(jp);
        break;
      case "E":
        eventTime = ExchangeTime.present(JsonFrames.integer(jp, ExchangeTime.NOT_AN_EPOCH));
        break;
      case "s":
        symbol = JsonFrames.text(jp);
        break;
      case "u":
      case "lastUpdateId":
        updateId = JsonFrames.integer(jp, -1);
        break;
      case "t":
        tradeId = JsonFrames.integer(jp, -1);
        break;
      case "T":
        tradeTime = ExchangeTime.present(JsonFrames.integer(jp, ExchangeTime.NOT_AN_EPOCH));
        break;
      case "b":
        b = JsonFrames.number(jp);
        break;
      case "B":
        bq = JsonFrames.number(jp);
        break;
      case "a":
        a = JsonFrames.number(jp);
        break;
      case "A":
        aq = JsonFrames.number(jp);
        break;
      case "p":
        p = JsonFrames.number(jp);
        break;
      case "q":
        q = JsonFrames.number(jp);
        break;
      case "c":
        c = JsonFrames.number(jp);
        break;
      case "bids":
        sawBids = true;
        bidLevels = levels(jp, bidP, bidS);
        break;
      case "asks":
        sawAsks = true;
        askLevels = levels(jp, askP, askS);
        break;
      default:
        jp.skipChildren();
    }
  }

  /** Reads {@code [["price","qty"],…]}; a malformed level marks the book bad. */
  private int levels(JsonParser jp, double[] prices, double[] sizes) throws IOException {
    if (jp.currentToken() != JsonToken.START_ARRAY) {
      jp.skipChildren();
      badLevel = true;
      return 0;
    }
    int n = 0;
    JsonToken t;
    while ((t = jp.nextToken()) == JsonToken.START_ARRAY) {
      jp.nextToken();
      double price = JsonFrames.number(jp);
      jp.nextToken();
      double size = JsonFrames.number(jp);
      while (jp.nextToken() != JsonToken.END_ARRAY) {
        if (jp.currentToken() == null) {
          badLevel = true;
          return n;
        }
        jp.skipChildren();
      }
      if (n < MAX_LEVELS) {
        prices[n] = price;
        sizes[n] = size;
        n++;
      }
    }
    if (t != JsonToken.END_ARRAY) {
      badLevel = true;
    }
    return n;
  }

  @Override
  MarketEvent classify(String stream, RawFrame frame) {
    long at = frame.receivedAt();
    if (event != null) {
      switch (event) {
        case "trade":
          {
            String coin = coin(stream, frame);
            if (coin == null || !price(p, "price", frame) || !size(q, "quantity", frame)) {
              return null;
            }
            long ts = ExchangeTime.choose(tradeTime, eventTime, at);
            return new TradeEvent(Venue.BINANCE, coin, p, q, ts, at, tradeId >= 0 ? tradeId : MarketEvent.NO_SEQUENCE);
          }
        case "24hrMiniTicker":
        case "24hrTicker":
          {
            String coin = coin(stream, frame);
            if (coin == null || !price(c, "price", frame)) {
              return null;
            }
            if (!Double.isNaN(q) && !size(q, "quantity", frame)) {
              return null; // the volume is optional, but when sent it must be sane
            }
            return new TickerEvent(Venue.BINANCE, coin, c, q, ExchangeTime.choose(eventTime, at), at);
          }
        default:
          return reject(Reject.UNKNOWN_TYPE, event, frame);
      }
    }
    if (sawBids || sawAsks) {
      return depth(stream, frame);
    }
    if (symbol != null || updateId >= 0) {
      return bookTicker(stream, frame);
    }
    return reject(Reject.UNKNOWN_TYPE, "no event type, not a book", frame);
  }

  private MarketEvent bookTicker(String stream, RawFrame frame) {
    String coin = coin(stream, frame);
    if (coin == null || !price(b, "price", frame) || !price(a, "price", frame) || !size(bq, "quantity", frame) || !size(aq, "quantity", frame)) {
      return null;
    }
    if (b >= a) {
      return reject(Reject.CROSSED_BOOK, "bid " + b + " >= ask " + a, frame);
    }
    long at = frame.receivedAt();
    // bookTicker carries no time: the receive time (a time field that is there must still be an epoch)
    Book book = Book.top(Venue.BINANCE, coin, b, bq, a, aq, ExchangeTime.receiveTimeUnlessBad(eventTime, tradeTime, at));
    return new BookEvent(book, true, at, updateId >= 0 ? updateId : MarketEvent.NO_SEQUENCE);
  }

  private MarketEvent depth(String stream, RawFrame frame) {
    if (stream == null && symbol == null) {
      return reject(Reject.MISSING_FIELD, "partial depth without a stream name", frame);
    }
    String coin = coin(stream, frame);
    if (coin == null) {
      return null;
    }
    if (badLevel || !sawBids || !sawAsks) {
      return reject(Reject.MISSING_FIELD, "bids/asks", frame);
    }
    if (bidLevels == 0 || askLevels == 0) {
      return reject(Reject.MISSING_FIELD, "empty side", frame);
    }
    for (int i = 0; i < bidLevels; i++) {
      if (!price(bidP[i], "price", frame) || !size(bidS[i], "quantity", frame)) {
        return null;
      }
    }
    for (int i = 0; i < askLevels; i++) {
      if (!price(askP[i], "price", frame) || !size(askS[i], "quantity", frame)) {
        return null;
      }
    }
    if (bidP[0] >= askP[0]) {
      return reject(Reject.CROSSED_BOOK, "bid " + bidP[0] + " >= ask " + askP[0], frame);
    }
    long at = frame.receivedAt();
    Book book =
        new Book(
            Venue.BINANCE, coin, Arrays.copyOf(bidP, bidLevels), Arrays.copyOf(bidS, bidLevels),
            Arrays.copyOf(askP, askLevels), Arrays.copyOf(askS, askLevels), ExchangeTime.choose(eventTime, at));
    return new BookEvent(book, false, at, updateId >= 0 ? updateId : MarketEvent.NO_SEQUENCE);
  }
}
