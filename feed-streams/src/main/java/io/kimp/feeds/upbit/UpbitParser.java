package io.kimp.feeds.upbit;

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
import io.kimp.feeds.parse.JsonFrameParser;
import io.kimp.feeds.parse.JsonFrames;
import io.kimp.feeds.parse.Reject;
import io.kimp.feeds.parse.VenueErrorException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Upbit quotation frames ({@code ticker}, {@code trade}, {@code orderbook}) in both the {@code DEFAULT} format (full key
 * names) and the {@code SIMPLE} format (abbreviated keys: {@code ty}, {@code cd}, {@code tp}, {@code obu}…): both key sets
 * are matched in one pass, so either format, or a mix, parses. Streaming JsonParser, one pass, fields in any order; numbers
 * are converted only for the fields kimp uses. {@code sequential_id} exceeds 2^53 and is read as a long, never a double.
 *
 * <p>Ticker, trade and orderbook frames are first offered to the {@link UpbitFastPath}, which reads the usual ones
 * without Jackson; what it does not take is read here, with the same outcome (a differential test holds the two to it).
 *
 * <p>The keep-alive answer {@code {"status":"UP"}} is a control message. An error message
 * ({@code {"error":{"name":…,"message":…}}}) is counted and thrown as {@link VenueErrorException}: Upbit sends it when the
 * request was refused, and the connection is of no use until re-established.
 */
public final class UpbitParser extends JsonFrameParser {
  private static final int MAX_LEVELS = 64;
  /** The exchange time of a ticker or trade that carries no time field at all: no epoch (refused, as before). */
  private static final long NO_TIME = -1;

  private final CoinResolver coins;
  private final double[] askP = new double[MAX_LEVELS];
  private final double[] askS = new double[MAX_LEVELS];
  private final double[] bidP = new double[MAX_LEVELS];
  private final double[] bidS = new double[MAX_LEVELS];
  private int levels;
  private boolean badLevel;

  /** A parser with the fast path in front of Jackson: what every connection and replay uses. */
  public UpbitParser(FrameStats stats, CoinResolver coins) {
    this(stats, coins, true);
  }

  private UpbitParser(FrameStats stats, CoinResolver coins, boolean fastPath) {
    super(stats, fastPath ? new UpbitFastPath(coins) : null);
    this.coins = coins;
  }

  /** A parser reading every frame with Jackson: the reference the fast path is compared with (tests, benchmarks). */
  public static UpbitParser withoutFastPath(FrameStats stats, CoinResolver coins) {
    return new UpbitParser(stats, coins, false);
  }

  @Override
  protected MarketEvent read(JsonParser p, RawFrame frame) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return reject(Reject.BAD_JSON, "not a JSON object", frame);
    }
    String type = null;
    String code = null;
    String status = null;
    double price = Double.NaN;
    double volume = Double.NaN;
    double acc24h = Double.NaN;
    long ts = ExchangeTime.ABSENT;
    long tradeTs = ExchangeTime.ABSENT;
    levels = 0;
    badLevel = false;
    boolean sawUnits = false;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "type":
        case "ty":
          type = JsonFrames.text(p);
          break;
        case "code":
        case "cd":
          code = JsonFrames.text(p);
          break;
        case "trade_price":
        case "tp":
          price = JsonFrames.number(p);
          break;
        case "trade_volume":
        case "tv":
          volume = JsonFrames.number(p);
          break;
        case "acc_trade_price_24h":
        case "atp24h":
          acc24h = JsonFrames.number(p);
          break;
        case "timestamp":
        case "tms":
          ts = ExchangeTime.present(JsonFrames.integer(p, ExchangeTime.NOT_AN_EPOCH));
          break;
        case "trade_timestamp":
        case "ttms":
          tradeTs = ExchangeTime.present(JsonFrames.integer(p, ExchangeTime.NOT_AN_EPOCH));
          break;
        case "orderbook_units":
        case "obu":
          sawUnits = true;
          units(p);
          break;
        case "error":
          throw venueError(p, frame);
        case "status":
          status = JsonFrames.text(p);
          break;
        default:
          p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      return reject(Reject.BAD_JSON, "truncated object", frame);
    }
    if (type == null) {
      if (status != null) {
        stats.control(); // {"status":"UP"}: the answer to our keep-alive PING
        return null;
      }
      return reject(Reject.MISSING_FIELD, "no type", frame);
    }
    if (code == null) {
      return reject(Reject.MISSING_FIELD, "no code", frame);
    }
    String coin = coins.upbit(code);
    if (coin == null) {
      return reject(Reject.UNKNOWN_SYMBOL, code, frame);
    }
    long at = frame.receivedAt();
    switch (type) {
      case "ticker":
        if (!price(price, "trade_price", frame) || (!Double.isNaN(acc24h) && !size(acc24h, "acc_trade_price_24h", frame))) {
          return null;
        }
        return new TickerEvent(Venue.UPBIT, coin, price, acc24h, ExchangeTime.choose(ts, tradeTs, NO_TIME), at);
      case "trade":
        if (!price(price, "trade_price", frame)) {
          return null;
        }
        if (!size(volume, "trade_volume", frame)) {
          return null;
        }
        return new TradeEvent(
            Venue.UPBIT, coin, price, volume, ExchangeTime.choose(tradeTs, ts, NO_TIME), at, MarketEvent.NO_SEQUENCE);
      case "orderbook":
        return book(coin, sawUnits, ExchangeTime.choose(ts, at), frame);
      default:
        return reject(Reject.UNKNOWN_TYPE, type, frame);
    }
  }

  /** Reads the units array: each unit one level of both sides (ask_price/ap, bid_price/bp, ask_size/as, bid_size/bs). */
  private void units(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      badLevel = true;
      return;
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      double ap = Double.NaN;
      double as = Double.NaN;
      double bp = Double.NaN;
      double bs = Double.NaN;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "ask_price":
          case "ap":
            ap = JsonFrames.number(p);
            break;
          case "bid_price":
          case "bp":
            bp = JsonFrames.number(p);
            break;
          case "ask_size":
          case "as":
            as = JsonFrames.number(p);
            break;
          case "bid_size":
          case "bs":
            bs = JsonFrames.number(p);
            break;
          default:
            p.skipChildren();
        }
      }
      if (levels < MAX_LEVELS) {
        askP[levels] = ap;
        askS[levels] = as;
        bidP[levels] = bp;
        bidS[levels] = bs;
        levels++;
      }
    }
  }

  private MarketEvent book(String coin, boolean sawUnits, long ts, RawFrame frame) {
    if (!sawUnits || badLevel) {
      return reject(Reject.MISSING_FIELD, "orderbook_units", frame);
    }
    if (levels == 0) {
      return reject(Reject.MISSING_FIELD, "empty orderbook", frame);
    }
    for (int i = 0; i < levels; i++) {
      if (!price(askP[i], "ask_price", frame) || !price(bidP[i], "bid_price", frame)) {
        return null;
      }
      if (!size(askS[i], "ask_size", frame) || !size(bidS[i], "bid_size", frame)) {
        return null;
      }
    }
    if (bidP[0] >= askP[0]) {
      return reject(Reject.CROSSED_BOOK, "bid " + bidP[0] + " >= ask " + askP[0], frame);
    }
    Book b =
        new Book(
            Venue.UPBIT, coin, Arrays.copyOf(bidP, levels), Arrays.copyOf(bidS, levels), Arrays.copyOf(askP, levels),
            Arrays.copyOf(askS, levels), ts);
    return new BookEvent(b, false, frame.receivedAt(), MarketEvent.NO_SEQUENCE);
  }

  private VenueErrorException venueError(JsonParser p, RawFrame frame) throws IOException {
    String name = "?";
    String message = "";
    if (p.currentToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        if ("name".equals(f)) {
          name = String.valueOf(JsonFrames.text(p));
        } else if ("message".equals(f)) {
          message = String.valueOf(JsonFrames.text(p));
        } else {
          p.skipChildren();
        }
      }
    }
    stats.reject(Reject.VENUE_ERROR, name + ": " + message, frame.asText());
    return new VenueErrorException("upbit", name, message);
  }
}
