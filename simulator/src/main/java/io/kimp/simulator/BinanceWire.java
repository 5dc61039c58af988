package io.kimp.simulator;

import io.kimp.simulator.CoinMarket.Book;
import io.kimp.simulator.CoinMarket.Candle;
import io.kimp.simulator.CoinMarket.Stats;
import io.kimp.simulator.CoinMarket.Trade;
import java.util.Locale;

/**
 * Binance's market-stream payloads, the combined-stream wrapper and the public REST bodies, as the simulator writes them
 * (field names and shapes from Binance's spot API documentation: web-socket-streams.md and rest-api.md).
 */
final class BinanceWire {
  private BinanceWire() {}

  /** The stream an update belongs to: {@code xrpusdt@bookTicker} etc. */
  static String stream(MarketUpdate u, String depthName) {
    return stream(u.coin(), u.kind(), depthName);
  }

  static String stream(String coin, MarketUpdate.Kind kind, String depthName) {
    String sym = coin.toLowerCase(Locale.ROOT) + "usdt";
    switch (kind) {
      case TRADE:
        return sym + "@trade";
      case TICKER:
        return sym + "@miniTicker";
      case DEPTH:
        return sym + "@" + depthName;
      default:
        return sym + "@bookTicker";
    }
  }

  /** A payload from the update alone (no market state): the five-level depth ladder is one spread per level. */
  static String payload(MarketUpdate u) {
    String sym = u.coin() + "USDT";
    switch (u.kind()) {
      case TRADE:
        return trade(sym, new Trade(u.seq(), u.price(), u.size(), true, u.ts()), u.ts());
      case TICKER:
        return miniTicker(sym, u.ts(), new Stats(u.price(), u.price(), u.price(), u.price(), u.size(),
            u.volume24h() / u.price(), u.volume24h(), 1, u.seq(), u.seq(), u.ts(), u.ts(), true), u.volume24h());
      case DEPTH:
        return partialDepth(Book.fiveLevels(u), 5);
      default:
        return bookTicker(sym, u.seq(), u.bid(), u.bidSize(), u.ask(), u.askSize());
    }
  }

  private static StringBuilder str(StringBuilder b, double v) {
    b.append('"');
    return Decimals.append(b, v, 8).append('"');
  }

  static String bookTicker(String sym, long updateId, double bid, double bidQty, double ask, double askQty) {
    StringBuilder b = new StringBuilder(120);
    b.append("{\"u\":").append(updateId).append(",\"s\":\"").append(sym).append("\",\"b\":");
    str(b, bid).append(",\"B\":");
    str(b, bidQty).append(",\"a\":");
    str(b, ask).append(",\"A\":");
    return str(b, askQty).append('}').toString();
  }

  static String trade(String sym, Trade t, long eventTime) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"e\":\"trade\",\"E\":").append(eventTime).append(",\"s\":\"").append(sym).append("\",\"t\":")
        .append(t.id()).append(",\"p\":");
    str(b, t.price()).append(",\"q\":");
    str(b, t.qty()).append(",\"T\":").append(t.ts()).append(",\"m\":").append(t.buyerMaker()).append(",\"M\":true}");
    return b.toString();
  }

  /** One trade per aggregate (the simulator's taker orders fill one level): {@code a} = {@code f} = {@code l}. */
  static String aggTrade(String sym, Trade t, long eventTime) {
    StringBuilder b = new StringBuilder(180);
    b.append("{\"e\":\"aggTrade\",\"E\":").append(eventTime).append(",\"s\":\"").append(sym).append("\",\"a\":")
        .append(t.id()).append(",\"p\":");
    str(b, t.price()).append(",\"q\":");
    str(b, t.qty()).append(",\"f\":").append(t.id()).append(",\"l\":").append(t.id()).append(",\"T\":").append(t.ts())
        .append(",\"m\":").append(t.buyerMaker()).append(",\"M\":true}");
    return b.toString();
  }

  static String miniTicker(String sym, long eventTime, Stats s, double quoteVolume) {
    StringBuilder b = new StringBuilder(200);
    b.append("{\"e\":\"24hrMiniTicker\",\"E\":").append(eventTime).append(",\"s\":\"").append(sym).append("\",\"c\":");
    str(b, s.last()).append(",\"o\":");
    str(b, s.open()).append(",\"h\":");
    str(b, s.high()).append(",\"l\":");
    str(b, s.low()).append(",\"v\":");
    str(b, s.last() > 0 ? quoteVolume / s.last() : 0).append(",\"q\":");
    return str(b, quoteVolume).append('}').toString();
  }

  /** The {@code <symbol>@ticker} (24hrTicker) payload. */
  static String ticker(String sym, long eventTime, Stats s, double quoteVolume, Book book) {
    StringBuilder b = new StringBuilder(420);
    b.append("{\"e\":\"24hrTicker\",\"E\":").append(eventTime).append(",\"s\":\"").append(sym).append('"');
    tickerFields(b, s, quoteVolume, book, eventTime, true);
    return b.append('}').toString();
  }

  /** The fields both the 24hrTicker stream (short keys) and {@code GET /api/v3/ticker/24hr} (long keys) carry. */
  private static void tickerFields(StringBuilder b, Stats s, double quoteVolume, Book book, long now, boolean shortKeys) {
    double change = s.last() - s.open();
    double pct = s.open() > 0 ? change / s.open() * 100 : 0;
    double baseVolume = s.last() > 0 ? quoteVolume / s.last() : 0;
    double wavg = baseVolume > 0 ? quoteVolume / baseVolume : 0;
    String[] k = shortKeys
        ? new String[] {"p", "P", "w", "x", "c", "Q", "b", "B", "a", "A", "o", "h", "l", "v", "q", "O", "C", "F", "L", "n"}
        : new String[] {"priceChange", "priceChangePercent", "weightedAvgPrice", "prevClosePrice", "lastPrice", "lastQty",
          "bidPrice", "bidQty", "askPrice", "askQty", "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume",
          "openTime", "closeTime", "firstId", "lastId", "count"};
    double[] v = {change, pct, wavg, s.open(), s.last(), s.lastQty(), book.bestBid(),
        book.bidQty().length > 0 ? book.bidQty()[0] : 0, book.bestAsk(), book.askQty().length > 0 ? book.askQty()[0] : 0,
        s.open(), s.high(), s.low(), baseVolume, quoteVolume};
    for (int i = 0; i < v.length; i++) {
      b.append(",\"").append(k[i]).append("\":");
      if (i == 1) {
        b.append('"');
        Decimals.append(b, v[i], 3).append('"');
      } else {
        str(b, v[i]);
      }
    }
    b.append(",\"").append(k[15]).append("\":").append(Math.max(s.openTime(), now - 86_400_000L))
        .append(",\"").append(k[16]).append("\":").append(now)
        .append(",\"").append(k[17]).append("\":").append(s.count() > 0 ? s.firstTradeId() : -1)
        .append(",\"").append(k[18]).append("\":").append(s.count() > 0 ? s.lastTradeId() : -1)
        .append(",\"").append(k[19]).append("\":").append(s.count());
  }

  /** {@code GET /api/v3/ticker/24hr} for one symbol. */
  static String ticker24hr(String sym, Stats s, double quoteVolume, Book book, long now) {
    StringBuilder b = new StringBuilder(520).append("{\"symbol\":\"").append(sym).append('"');
    tickerFields(b, s, quoteVolume, book, now, false);
    return b.append('}').toString();
  }

  /** {@code GET /api/v3/ticker/bookTicker} for one symbol. */
  static String restBookTicker(String sym, Book book) {
    StringBuilder b = new StringBuilder(140).append("{\"symbol\":\"").append(sym).append("\",\"bidPrice\":");
    str(b, book.bestBid()).append(",\"bidQty\":");
    str(b, book.bidQty().length > 0 ? book.bidQty()[0] : 0).append(",\"askPrice\":");
    str(b, book.bestAsk()).append(",\"askQty\":");
    return str(b, book.askQty().length > 0 ? book.askQty()[0] : 0).append('}').toString();
  }

  /** A partial book ({@code <symbol>@depth<n>} and {@code GET /api/v3/depth}): {@code lastUpdateId, bids, asks}. */
  static String partialDepth(Book book, int n) {
    StringBuilder b = new StringBuilder(64 + n * 60);
    b.append("{\"lastUpdateId\":").append(book.updateId()).append(",\"bids\":");
    levels(b, book.bidPx(), book.bidQty(), n).append(",\"asks\":");
    return levels(b, book.askPx(), book.askQty(), n).append('}').toString();
  }

  private static StringBuilder levels(StringBuilder b, double[] px, double[] qty, int n) {
    b.append('[');
    for (int i = 0; i < Math.min(n, px.length); i++) {
      b.append(i > 0 ? ",[" : "[");
      str(b, px[i]).append(',');
      str(b, qty[i]).append(']');
    }
    return b.append(']');
  }

  /** A {@code depthUpdate} diff: {@code levels} are {price, quantity} pairs, quantity 0 for a level that left. */
  static String depthUpdate(String sym, long eventTime, long firstId, long lastId, double[][] bids, double[][] asks) {
    StringBuilder b = new StringBuilder(120 + (bids.length + asks.length) * 40);
    b.append("{\"e\":\"depthUpdate\",\"E\":").append(eventTime).append(",\"s\":\"").append(sym).append("\",\"U\":")
        .append(firstId).append(",\"u\":").append(lastId).append(",\"b\":");
    pairs(b, bids).append(",\"a\":");
    return pairs(b, asks).append('}').toString();
  }

  private static StringBuilder pairs(StringBuilder b, double[][] levels) {
    b.append('[');
    for (int i = 0; i < levels.length; i++) {
      b.append(i > 0 ? ",[" : "[");
      str(b, levels[i][0]).append(',');
      str(b, levels[i][1]).append(']');
    }
    return b.append(']');
  }

  /** A kline row of {@code GET /api/v3/klines}. */
  static void kline(StringBuilder b, Candle c, long intervalMillis) {
    b.append('[').append(c.openTime()).append(',');
    str(b, c.open()).append(',');
    str(b, c.high()).append(',');
    str(b, c.low()).append(',');
    str(b, c.close()).append(',');
    str(b, c.volume()).append(',').append(c.openTime() + intervalMillis - 1).append(',');
    str(b, c.quoteVolume()).append(',').append(c.trades()).append(',');
    str(b, c.volume() / 2).append(',');
    str(b, c.quoteVolume() / 2).append(",\"0\"]");
  }

  static String wrapped(String stream, String payload) {
    return "{\"stream\":\"" + stream + "\",\"data\":" + payload + "}";
  }

  static String serverShutdown(long now) {
    return "{\"event\":{\"e\":\"serverShutdown\",\"E\":" + now + "}}";
  }

  /** A REST error body: {@code {"code":-1121,"msg":"Invalid symbol."}}. */
  static String error(int code, String msg) {
    return "{\"code\":" + code + ",\"msg\":\"" + msg.replace("\"", "'") + "\"}";
  }
}
