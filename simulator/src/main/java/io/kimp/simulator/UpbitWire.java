package io.kimp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.simulator.CoinMarket.Book;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Upbit's quotation wire format, as the simulator writes it (docs.upbit.com, WebSocket ticker/trade/orderbook): ticker,
 * trade and orderbook messages in DEFAULT or SIMPLE keys (and their JSON_LIST / SIMPLE_LIST array forms), with
 * {@code stream_type} SNAPSHOT or REALTIME; the subscription request it accepts; and the error message it answers a bad
 * request with.
 */
final class UpbitWire {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> TYPES = Set.of("ticker", "trade", "orderbook");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DASH_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter COLON_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private UpbitWire() {}

  /** The request's {@code format}. */
  enum Format {
    DEFAULT,
    SIMPLE,
    JSON_LIST,
    SIMPLE_LIST;

    boolean simple() {
      return this == SIMPLE || this == SIMPLE_LIST;
    }

    boolean list() {
      return this == JSON_LIST || this == SIMPLE_LIST;
    }
  }

  /**
   * One type object of a request.
   *
   * @param codes each code with its orderbook unit count ({@code KRW-BTC.5}: 5; 0 when not given)
   * @param level the orderbook grouping unit in KRW (0: none)
   */
  record TypeRequest(String type, Map<String, Integer> codes, boolean onlySnapshot, boolean onlyRealtime, double level) {}

  /** A parsed subscription request {@code [{"ticket":…},{"type":…,"codes":[…]}…,{"format":…}]}. */
  record Subscription(List<TypeRequest> types, Format format) {
    /** Whether real-time {@code type} messages of {@code code} go to this subscription. */
    boolean wants(String type, String code) {
      for (TypeRequest t : types) {
        if (t.type.equals(type) && !t.onlySnapshot && t.codes.containsKey(code)) {
          return true;
        }
      }
      return false;
    }

    boolean simple() {
      return format.simple();
    }
  }

  /** Thrown for a request Upbit would refuse: {@code name} is Upbit's error name. */
  static final class Refused extends Exception {
    final String name;

    Refused(String name, String message) {
      super(message);
      this.name = name;
    }
  }

  private static boolean flag(JsonNode n, String camel, String snake) throws Refused {
    JsonNode v = n.has(camel) ? n.get(camel) : n.get(snake);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new Refused("INVALID_PARAM", camel + " 필드는 boolean 이어야 합니다.");
    }
    return v.asBoolean();
  }

  static Subscription parse(String request) throws Refused {
    JsonNode root;
    try {
      root = JSON.readTree(request);
    } catch (Exception e) {
      throw new Refused("WRONG_FORMAT", "요청 형식이 올바르지 않습니다.");
    }
    if (root == null || !root.isArray()) {
      throw new Refused("WRONG_FORMAT", "요청 형식이 올바르지 않습니다.");
    }
    boolean ticket = false;
    Format format = Format.DEFAULT;
    List<TypeRequest> types = new ArrayList<>();
    for (JsonNode n : root) {
      if (!n.isObject()) {
        throw new Refused("WRONG_FORMAT", "요청 형식이 올바르지 않습니다.");
      }
      if (n.has("ticket")) {
        ticket = !n.get("ticket").asText().isBlank();
      } else if (n.has("format")) {
        try {
          format = Format.valueOf(n.get("format").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new Refused("INVALID_PARAM", "지원하지 않는 포맷입니다: " + n.get("format").asText());
        }
      } else if (n.has("type")) {
        String type = n.get("type").asText();
        if (!TYPES.contains(type)) {
          throw new Refused("INVALID_PARAM", "지원하지 않는 타입입니다: " + type);
        }
        JsonNode c = n.get("codes");
        if (c == null || !c.isArray() || c.isEmpty()) {
          throw new Refused("NO_CODES", "codes 필드가 누락되었습니다.");
        }
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (JsonNode code : c) {
          String s = code.asText();
          if (!s.equals(s.toUpperCase(Locale.ROOT))) {
            throw new Refused("INVALID_PARAM", "코드는 대문자여야 합니다: " + s);
          }
          int dot = s.indexOf('.');
          int units = 0;
          if (dot > 0) {
            try {
              units = Integer.parseInt(s.substring(dot + 1));
            } catch (NumberFormatException e) {
              throw new Refused("INVALID_PARAM", "호가 개수가 올바르지 않습니다: " + s);
            }
            if (units < 1 || units > 30) {
              throw new Refused("INVALID_PARAM", "호가 개수가 올바르지 않습니다: " + s);
            }
          }
          // the unit count applies to orderbook; other types take the market code alone
          codes.put(dot > 0 ? s.substring(0, dot) : s, type.equals("orderbook") ? units : 0);
        }
        boolean onlySnapshot = flag(n, "isOnlySnapshot", "is_only_snapshot");
        boolean onlyRealtime = flag(n, "isOnlyRealtime", "is_only_realtime");
        double level = 0;
        JsonNode l = n.get("level");
        if (l != null && !l.isNull()) {
          if (!type.equals("orderbook") || !l.isNumber() || l.asDouble() < 0) {
            throw new Refused("INVALID_PARAM", "level 값이 올바르지 않습니다: " + l);
          }
          level = l.asDouble();
        }
        types.add(new TypeRequest(type, codes, onlySnapshot, onlyRealtime, level));
      }
    }
    if (!ticket) {
      throw new Refused("NO_TICKET", "ticket 필드가 누락되었습니다.");
    }
    if (types.isEmpty()) {
      throw new Refused("NO_TYPE", "type 필드가 누락되었습니다.");
    }
    return new Subscription(types, format);
  }

  static String error(String name, String message) {
    return "{\"error\":{\"name\":\"" + name + "\",\"message\":\"" + message.replace("\"", "'") + "\"}}";
  }

  static String type(MarketUpdate u) {
    return type(u.kind());
  }

  static String type(MarketUpdate.Kind kind) {
    switch (kind) {
      case TICKER:
        return "ticker";
      case TRADE:
        return "trade";
      default:
        return "orderbook";
    }
  }

  /** Writes one object in DEFAULT or SIMPLE keys. */
  private static final class Obj {
    private final StringBuilder b;
    private final boolean simple;

    Obj(int capacity, boolean simple) {
      this.b = new StringBuilder(capacity).append('{');
      this.simple = simple;
    }

    private StringBuilder key(String full, String brief) {
      if (b.length() > 1) {
        b.append(',');
      }
      return b.append('"').append(simple ? brief : full).append("\":");
    }

    Obj str(String full, String brief, String v) {
      if (v == null) {
        key(full, brief).append("null");
      } else {
        key(full, brief).append('"').append(v).append('"');
      }
      return this;
    }

    Obj num(String full, String brief, double v, int scale) {
      Decimals.append(key(full, brief), v, scale);
      return this;
    }

    Obj lng(String full, String brief, long v) {
      key(full, brief).append(v);
      return this;
    }

    Obj bool(String full, String brief, boolean v) {
      key(full, brief).append(v);
      return this;
    }

    Obj raw(String full, String brief, String json) {
      key(full, brief).append(json);
      return this;
    }

    String end() {
      return b.append('}').toString();
    }
  }

  /** What a ticker message shows. */
  record TickerView(String code, double open, double high, double low, double last, double prevClose, double lastQty,
      double accVolume, double accVolume24h, double accPrice, double accPrice24h, long tradeTs, boolean bid, long ts) {}

  static String ticker(TickerView t, boolean simple, String streamType) {
    double change = t.last - t.prevClose;
    String dir = change > 0 ? "RISE" : change < 0 ? "FALL" : "EVEN";
    double rate = t.prevClose > 0 ? change / t.prevClose : 0;
    Instant at = Instant.ofEpochMilli(t.tradeTs);
    return new Obj(simple ? 480 : 900, simple)
        .str("type", "ty", "ticker").str("code", "cd", t.code)
        .num("opening_price", "op", t.open, 8).num("high_price", "hp", t.high, 8).num("low_price", "lp", t.low, 8)
        .num("trade_price", "tp", t.last, 8).num("prev_closing_price", "pcp", t.prevClose, 8)
        .str("change", "c", dir).num("change_price", "cp", Math.abs(change), 8)
        .num("signed_change_price", "scp", change, 8).num("change_rate", "cr", Math.abs(rate), 8)
        .num("signed_change_rate", "scr", rate, 8).num("trade_volume", "tv", t.lastQty, 8)
        .num("acc_trade_volume", "atv", t.accVolume, 8).num("acc_trade_volume_24h", "atv24h", t.accVolume24h, 8)
        .num("acc_trade_price", "atp", t.accPrice, 2).num("acc_trade_price_24h", "atp24h", t.accPrice24h, 2)
        .str("trade_date", "tdt", DATE.format(at)).str("trade_time", "ttm", TIME.format(at))
        .lng("trade_timestamp", "ttms", t.tradeTs).str("ask_bid", "ab", t.bid ? "BID" : "ASK")
        .num("acc_ask_volume", "aav", t.accVolume / 2, 8).num("acc_bid_volume", "abv", t.accVolume / 2, 8)
        .num("highest_52_week_price", "h52wp", t.high * 2, 8).str("highest_52_week_date", "h52wdt", "2025-12-01")
        .num("lowest_52_week_price", "l52wp", t.low / 2, 8).str("lowest_52_week_date", "l52wdt", "2025-06-01")
        .str("market_state", "ms", "ACTIVE").bool("is_trading_suspended", "its", false)
        .str("delisting_date", "dd", null).str("market_warning", "mw", "NONE")
        .lng("timestamp", "tms", t.ts).str("stream_type", "st", streamType).end();
  }

  static String trade(String code, CoinMarket.Trade t, double prevClose, Book book, boolean simple, String streamType,
      long ts) {
    Instant at = Instant.ofEpochMilli(t.ts());
    double change = t.price() - prevClose;
    Obj o = new Obj(simple ? 300 : 520, simple)
        .str("type", "ty", "trade").str("code", "cd", code).lng("timestamp", "tms", ts)
        .str("trade_date", "td", DASH_DATE.format(at)).str("trade_time", "ttm", COLON_TIME.format(at))
        .lng("trade_timestamp", "ttms", t.ts()).num("trade_price", "tp", t.price(), 8)
        .num("trade_volume", "tv", t.qty(), 8).str("ask_bid", "ab", t.buyerMaker() ? "ASK" : "BID")
        .num("prev_closing_price", "pcp", prevClose, 8)
        .str("change", "c", change > 0 ? "RISE" : change < 0 ? "FALL" : "EVEN")
        .num("change_price", "cp", Math.abs(change), 8).lng("sequential_id", "sid", t.id());
    if (book != null && book.bidPx().length > 0) {
      o.num("best_ask_price", "bap", book.bestAsk(), 8).num("best_ask_size", "bas", book.askQty()[0], 8)
          .num("best_bid_price", "bbp", book.bestBid(), 8).num("best_bid_size", "bbs", book.bidQty()[0], 8);
    }
    return o.str("stream_type", "st", streamType).end();
  }

  /**
   * An orderbook message: the first {@code units} levels of {@code book}, grouped to multiples of {@code level} KRW when it
   * is positive (bids down, asks up, sizes summed), as Upbit's {@code level} option does for KRW markets.
   */
  static String orderbook(String code, Book book, int units, double level, boolean simple, String streamType) {
    double[] bp = book.bidPx();
    double[] bq = book.bidQty();
    double[] ap = book.askPx();
    double[] aq = book.askQty();
    if (level > 0) {
      double[][] bids = group(bp, bq, level, false);
      double[][] asks = group(ap, aq, level, true);
      bp = bids[0];
      bq = bids[1];
      ap = asks[0];
      aq = asks[1];
    }
    int n = Math.min(units, Math.min(bp.length, ap.length));
    double totalAsk = 0;
    double totalBid = 0;
    StringBuilder list = new StringBuilder(n * (simple ? 60 : 100)).append('[');
    for (int i = 0; i < n; i++) {
      totalAsk += aq[i];
      totalBid += bq[i];
      list.append(i > 0 ? "," : "").append(new Obj(100, simple).num("ask_price", "ap", ap[i], 8)
          .num("bid_price", "bp", bp[i], 8).num("ask_size", "as", aq[i], 8).num("bid_size", "bs", bq[i], 8).end());
    }
    list.append(']');
    return new Obj(list.length() + 200, simple)
        .str("type", "ty", "orderbook").str("code", "cd", code).lng("timestamp", "tms", book.ts())
        .num("total_ask_size", "tas", totalAsk, 8).num("total_bid_size", "tbs", totalBid, 8)
        .raw("orderbook_units", "obu", list.toString()).str("stream_type", "st", streamType)
        .num("level", "lv", level, 8).end();
  }

  private static double[][] group(double[] px, double[] qty, double level, boolean up) {
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < px.length; i++) {
      double g = (up ? Math.ceil(px[i] / level - 1e-9) : Math.floor(px[i] / level + 1e-9)) * level;
      if (!out.isEmpty() && out.get(out.size() - 1)[0] == g) {
        out.get(out.size() - 1)[1] += qty[i];
      } else {
        out.add(new double[] {g, qty[i]});
      }
    }
    double[][] r = new double[2][out.size()];
    for (int i = 0; i < out.size(); i++) {
      r[0][i] = out.get(i)[0];
      r[1][i] = out.get(i)[1];
    }
    return r;
  }

  /** A message from the update alone (no market state): five-level books, one spread per level, REALTIME. */
  static String format(MarketUpdate u, boolean simple) {
    String code = "KRW-" + u.coin();
    switch (u.kind()) {
      case TICKER:
        return ticker(new TickerView(code, u.price(), u.price(), u.price(), u.price(), u.price(), u.size(), 1000.5,
            2000.25, u.volume24h() / 2, u.volume24h(), u.ts(), true, u.ts()), simple, "REALTIME");
      case TRADE:
        return trade(code, new CoinMarket.Trade(u.seq(), u.price(), u.size(), false, u.ts()), u.price(), null, simple,
            "REALTIME", u.ts());
      default:
        return orderbook(code, Book.fiveLevels(u), 5, 0, simple, "REALTIME");
    }
  }
}
