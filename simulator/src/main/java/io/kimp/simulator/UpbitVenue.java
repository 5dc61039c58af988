package io.kimp.simulator;

import io.kimp.simulator.CoinMarket.Book;
import io.kimp.simulator.CoinMarket.Candle;
import io.kimp.simulator.CoinMarket.Stats;
import io.kimp.simulator.CoinMarket.Trade;
import io.kimp.simulator.SimHttpServer.Reply;
import io.kimp.simulator.SimHttpServer.Respond;
import io.kimp.simulator.UpbitWire.Subscription;
import io.kimp.simulator.UpbitWire.TickerView;
import io.kimp.simulator.UpbitWire.TypeRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Upbit quotation as documented (docs.upbit.com): the WebSocket {@code /websocket/v1} request array ({@code ticket}, type
 * objects with {@code codes}, {@code isOnlySnapshot}/{@code is_only_snapshot}, {@code isOnlyRealtime}/
 * {@code is_only_realtime}, {@code level} for orderbook, {@code format} DEFAULT, SIMPLE, JSON_LIST or SIMPLE_LIST),
 * binary frames, per type a SNAPSHOT message then REALTIME ones, 15-level books ({@code KRW-BTC.5} for fewer), text
 * {@code PING} answered {@code {"status":"UP"}}, Upbit's {@code {"error":{"name":…,"message":…}}} for a bad request; and
 * the REST quotation endpoints {@code /v1/market/all}, {@code /v1/ticker}, {@code /v1/orderbook},
 * {@code /v1/trades/ticks}, {@code /v1/candles/minutes/{unit}}, each counted per second in its group and answered with
 * {@code Remaining-Req}, 429 beyond the limit.
 */
final class UpbitVenue {
  private static final String JSON_TYPE = "application/json;charset=UTF-8";
  static final int BOOK_UNITS = 15;
  private static final Set<Integer> MINUTE_UNITS = Set.of(1, 3, 5, 10, 15, 30, 60, 240);
  private static final DateTimeFormatter CANDLE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private final Map<String, CoinMarket> byCode = new LinkedHashMap<>();
  private final Map<String, CoinMarket> byCoin = new HashMap<>();
  private final List<String[]> listedOnly;
  private final Set<SimConnection> connections;
  private final Map<String, RateWindow> groups = new ConcurrentHashMap<>();
  private final int perSecond;
  private final LongSupplier throttledUntil;

  /**
   * @param coins the traded coins (KRW markets, KRW-USDT among them), each with a reference KRW price for its tick
   * @param listedOnly markets listed but never traded: {market, korean name, english name}
   */
  UpbitVenue(Map<String, Double> coins, List<String[]> listedOnly, Set<SimConnection> connections, int perSecond,
      LongSupplier throttledUntil, long now) {
    for (Map.Entry<String, Double> e : coins.entrySet()) {
      CoinMarket m = new CoinMarket(SimVenue.UPBIT, e.getKey(), e.getValue(), BOOK_UNITS, now);
      m.seed(e.getValue(), 5e7, 1e11, now);
      byCode.put(m.symbol, m);
      byCoin.put(m.coin, m);
    }
    this.listedOnly = listedOnly;
    this.connections = connections;
    this.perSecond = perSecond;
    this.throttledUntil = throttledUntil;
  }

  CoinMarket market(String coin) {
    return byCoin.get(coin);
  }

  // ---------------------------------------------------------------- WebSocket

  /** A message from a client: {@code PING}, or a (new) subscription request. Event loop. */
  void received(SimConnection c, String text, long now) {
    if (text.trim().equals("PING")) {
      c.send("{\"status\":\"UP\"}");
      return;
    }
    Subscription s;
    try {
      s = UpbitWire.parse(text);
    } catch (UpbitWire.Refused e) {
      c.send(UpbitWire.error(e.name, e.getMessage()));
      c.close();
      return;
    }
    for (TypeRequest t : s.types()) {
      if (t.onlyRealtime()) {
        continue;
      }
      for (Map.Entry<String, Integer> code : t.codes().entrySet()) {
        CoinMarket m = byCode.get(code.getKey());
        if (m == null) {
          continue; // codes Upbit does not list get nothing
        }
        String msg = message(m, t.type(), code.getValue(), t.level(), s.format().simple(), "SNAPSHOT", now);
        if (msg != null) {
          c.send(s.format().list() ? "[" + msg + "]" : msg);
        }
      }
    }
    c.subscription = s; // a new request replaces the connection's former one
  }

  /** One message of {@code type} for market {@code m} from its current state; null if there is nothing to show. */
  private String message(CoinMarket m, String type, int units, double level, boolean simple, String streamType,
      long now) {
    switch (type) {
      case "ticker":
        return UpbitWire.ticker(tickerView(m, now), simple, streamType);
      case "trade":
        {
          Trade t = m.lastTrade();
          return t == null ? null : UpbitWire.trade(m.symbol, t, prevClose(m), m.book(), simple, streamType, now);
        }
      default:
        {
          Book b = m.book();
          return b.bidPx().length == 0 ? null
              : UpbitWire.orderbook(m.symbol, b, units > 0 ? units : BOOK_UNITS, level, simple, streamType);
        }
    }
  }

  private static double prevClose(CoinMarket m) {
    Stats s = m.stats();
    return s.count() > 0 ? s.open() : mid(m.book());
  }

  private static double mid(Book b) {
    return b.bidPx().length == 0 ? 0 : (b.bestBid() + b.bestAsk()) / 2;
  }

  /** The ticker of {@code m} (streams and REST alike): the last trade, or the book's mid before the first one. */
  private static TickerView tickerView(CoinMarket m, long now) {
    Stats s = m.stats();
    double last = s.count() > 0 ? s.last() : m.floorTick(mid(m.book()));
    double open = s.count() > 0 ? s.open() : last;
    double quote24h = m.volume24hQuote();
    return new TickerView(m.symbol, open, s.count() > 0 ? s.high() : last, s.count() > 0 ? s.low() : last, last, open,
        s.lastQty(), last > 0 ? quote24h / 2 / last : 0, last > 0 ? quote24h / last : 0, quote24h / 2, quote24h,
        s.count() > 0 ? s.lastTradeTime() : now, !s.buyerMaker(), now);
  }

  /** Sends a model update (already applied to its market) as REALTIME messages to the connections that want it. */
  void publish(MarketUpdate u, boolean waitForSlowClients, BinanceVenue.Sender sender) {
    CoinMarket m = byCoin.get(u.coin());
    if (m == null) {
      return;
    }
    String type = UpbitWire.type(u);
    // the frames made for this update, by (format, units, level): usually one or two shapes for all connections
    List<Object[]> frames = new ArrayList<>(2);
    for (SimConnection c : connections) {
      Subscription s = c.subscription;
      if (s == null) {
        continue;
      }
      for (TypeRequest t : s.types()) {
        Integer units = t.type().equals(type) && !t.onlySnapshot() ? t.codes().get(m.symbol) : null;
        if (units == null) {
          continue;
        }
        byte[] frame = null;
        for (Object[] f : frames) {
          if (f[0] == s.format() && (Integer) f[1] == units.intValue() && (Double) f[2] == t.level()) {
            frame = (byte[]) f[3];
            break;
          }
        }
        if (frame == null) {
          String msg = message(m, type, units, t.level(), s.format().simple(), "REALTIME", u.ts());
          if (msg == null) {
            break;
          }
          frame = (s.format().list() ? "[" + msg + "]" : msg).getBytes(StandardCharsets.UTF_8);
          frames.add(new Object[] {s.format(), units, t.level(), frame});
        }
        sender.send(c, frame, waitForSlowClients);
        break; // once per connection, even when two type objects ask for it
      }
    }
  }

  // ---------------------------------------------------------------- REST

  private static String error(String name, String message) {
    return UpbitWire.error(name, message);
  }

  private static final class BadRequest extends Exception {
    final HttpResponseStatus status;
    final String body;

    BadRequest(HttpResponseStatus status, String body) {
      super(body, null, false, false);
      this.status = status;
      this.body = body;
    }
  }

  private static BadRequest invalid(String message) {
    return new BadRequest(HttpResponseStatus.BAD_REQUEST, error("validation_error", message));
  }

  private static BadRequest notFound() {
    return new BadRequest(HttpResponseStatus.NOT_FOUND, "{\"error\":{\"name\":404,\"message\":\"Code not found\"}}");
  }

  private static String param(QueryStringDecoder uri, String name) {
    List<String> v = uri.parameters().get(name);
    return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0);
  }

  /** A public REST request, or null when {@code path} is none of Upbit's. */
  Reply rest(QueryStringDecoder uri, long now) {
    String path = uri.path();
    String group;
    if (path.equals("/v1/market/all")) {
      group = "market";
    } else if (path.equals("/v1/ticker")) {
      group = "ticker";
    } else if (path.equals("/v1/orderbook")) {
      group = "orderbook";
    } else if (path.equals("/v1/trades/ticks")) {
      group = "trade";
    } else if (path.startsWith("/v1/candles/minutes/")) {
      group = "candle";
    } else {
      return null;
    }
    RateWindow w = groups.computeIfAbsent(group, g -> new RateWindow(1000, perSecond));
    int used = now < throttledUntil.getAsLong() ? -1 : w.add(now, 1);
    Map<String, String> headers =
        Map.of("Remaining-Req", "group=" + group + "; min=" + (perSecond * 60) + "; sec=" + Math.max(0,
            perSecond - (used < 0 ? perSecond : used)));
    if (used < 0) {
      return new Respond(HttpResponseStatus.TOO_MANY_REQUESTS, JSON_TYPE,
          error("too_many_requests", "Too many API requests."), headers);
    }
    try {
      String body =
          switch (group) {
            case "market" -> markets(uri);
            case "ticker" -> perMarket(uri, m -> tickerRest(m, now));
            case "orderbook" -> orderbooks(uri);
            case "trade" -> trades(uri);
            default -> candles(uri, now);
          };
      return new Respond(HttpResponseStatus.OK, JSON_TYPE, body, headers);
    } catch (BadRequest e) {
      return new Respond(e.status, JSON_TYPE, e.body, headers);
    }
  }

  private String markets(QueryStringDecoder uri) {
    boolean details = "true".equals(param(uri, "isDetails")) || "true".equals(param(uri, "is_details"));
    StringBuilder b = new StringBuilder("[");
    List<String[]> rows = new ArrayList<>();
    for (CoinMarket m : byCode.values()) {
      rows.add(new String[] {m.symbol, m.coin, m.coin});
    }
    rows.addAll(listedOnly);
    for (String[] r : rows) {
      b.append(b.length() > 1 ? "," : "").append("{\"market\":\"").append(r[0]).append("\",\"korean_name\":\"")
          .append(r[1]).append("\",\"english_name\":\"").append(r[2]).append('"');
      if (details) {
        b.append(",\"market_event\":{\"warning\":false,\"caution\":{\"PRICE_FLUCTUATIONS\":false,"
            + "\"TRADING_VOLUME_SOARING\":false,\"DEPOSIT_AMOUNT_SOARING\":false,\"GLOBAL_PRICE_DIFFERENCES\":false,"
            + "\"CONCENTRATION_OF_SMALL_ACCOUNTS\":false}}");
      }
      b.append('}');
    }
    return b.append(']').toString();
  }

  private interface Body {
    String of(CoinMarket m) throws BadRequest;
  }

  private List<CoinMarket> marketsParam(QueryStringDecoder uri) throws BadRequest {
    String markets = param(uri, "markets");
    if (markets == null) {
      throw invalid("markets 파라미터가 누락되었습니다.");
    }
    List<CoinMarket> out = new ArrayList<>();
    for (String code : markets.split(",")) {
      CoinMarket m = byCode.get(code.trim());
      if (m == null) {
        throw notFound();
      }
      out.add(m);
    }
    return out;
  }

  private String perMarket(QueryStringDecoder uri, Body body) throws BadRequest {
    StringBuilder b = new StringBuilder("[");
    for (CoinMarket m : marketsParam(uri)) {
      b.append(b.length() > 1 ? "," : "").append(body.of(m));
    }
    return b.append(']').toString();
  }

  /** The REST ticker: the stream's fields under {@code market}, with KST dates, no {@code type}/{@code stream_type}. */
  private static String tickerRest(CoinMarket m, long now) {
    TickerView t = tickerView(m, now);
    String s = UpbitWire.ticker(t, false, "REST");
    Instant at = Instant.ofEpochMilli(t.tradeTs());
    LocalDateTime kst = LocalDateTime.ofInstant(at, ZoneOffset.ofHours(9));
    return s.replace("{\"type\":\"ticker\",\"code\":", "{\"market\":")
        .replace(",\"stream_type\":\"REST\"", "")
        .replace(",\"trade_timestamp\"", ",\"trade_date_kst\":\"" + kst.toLocalDate().toString().replace("-", "")
            + "\",\"trade_time_kst\":\"" + kst.toLocalTime().withNano(0).toString().replace(":", "")
            + "\",\"trade_timestamp\"");
  }

  private String orderbooks(QueryStringDecoder uri) throws BadRequest {
    double level = 0;
    String l = param(uri, "level");
    if (l != null) {
      try {
        level = Double.parseDouble(l);
      } catch (NumberFormatException e) {
        throw invalid("level 값이 올바르지 않습니다.");
      }
    }
    final double lv = level;
    return perMarket(uri, m -> {
      String s = UpbitWire.orderbook(m.symbol, m.book(), BOOK_UNITS, lv, false, "REST");
      return s.replace("{\"type\":\"orderbook\",\"code\":", "{\"market\":").replace(",\"stream_type\":\"REST\"", "");
    });
  }

  private CoinMarket marketParam(QueryStringDecoder uri) throws BadRequest {
    String code = param(uri, "market");
    if (code == null) {
      throw invalid("market 파라미터가 누락되었습니다.");
    }
    CoinMarket m = byCode.get(code);
    if (m == null) {
      throw notFound();
    }
    return m;
  }

  private static int count(QueryStringDecoder uri, int dflt, int max) throws BadRequest {
    String c = param(uri, "count");
    if (c == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(c);
      if (n < 1 || n > max) {
        throw invalid("count 는 1 이상 " + max + " 이하여야 합니다.");
      }
      return n;
    } catch (NumberFormatException e) {
      throw invalid("count 값이 올바르지 않습니다.");
    }
  }

  private String trades(QueryStringDecoder uri) throws BadRequest {
    CoinMarket m = marketParam(uri);
    int n = count(uri, 1, 500);
    long cursor = 0;
    if (param(uri, "cursor") != null) {
      try {
        cursor = Long.parseLong(param(uri, "cursor"));
      } catch (NumberFormatException e) {
        throw invalid("cursor 값이 올바르지 않습니다.");
      }
    }
    double prev = prevClose(m);
    StringBuilder b = new StringBuilder("[");
    DateTimeFormatter date = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    for (Trade t : m.trades(n, cursor)) {
      Instant at = Instant.ofEpochMilli(t.ts());
      b.append(b.length() > 1 ? "," : "").append("{\"market\":\"").append(m.symbol).append("\",\"trade_date_utc\":\"")
          .append(date.format(at)).append("\",\"trade_time_utc\":\"").append(time.format(at))
          .append("\",\"timestamp\":").append(t.ts()).append(",\"trade_price\":");
      Decimals.append(b, t.price(), 8).append(",\"trade_volume\":");
      Decimals.append(b, t.qty(), 8).append(",\"prev_closing_price\":");
      Decimals.append(b, prev, 8).append(",\"change_price\":");
      Decimals.append(b, t.price() - prev, 8).append(",\"ask_bid\":\"").append(t.buyerMaker() ? "ASK" : "BID")
          .append("\",\"sequential_id\":").append(t.id()).append('}');
    }
    return b.append(']').toString();
  }

  private String candles(QueryStringDecoder uri, long now) throws BadRequest {
    int unit;
    try {
      unit = Integer.parseInt(uri.path().substring("/v1/candles/minutes/".length()));
    } catch (NumberFormatException e) {
      unit = -1;
    }
    if (!MINUTE_UNITS.contains(unit)) {
      throw invalid("지원하지 않는 분 단위입니다. (1, 3, 5, 10, 15, 30, 60, 240)");
    }
    CoinMarket m = marketParam(uri);
    int n = count(uri, 1, 200);
    long to = now;
    String t = param(uri, "to");
    if (t != null) {
      try {
        to = t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$") ? OffsetDateTime.parse(t).toInstant().toEpochMilli()
            : LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw invalid("to 값이 올바르지 않습니다.");
      }
    }
    List<Candle> cs = m.candles(unit, 0, to - 1, false);
    StringBuilder b = new StringBuilder("[");
    for (int i = cs.size() - 1; i >= Math.max(0, cs.size() - n); i--) {
      Candle c = cs.get(i);
      LocalDateTime utc = LocalDateTime.ofEpochSecond(c.openTime() / 1000, 0, ZoneOffset.UTC);
      b.append(b.length() > 1 ? "," : "").append("{\"market\":\"").append(m.symbol)
          .append("\",\"candle_date_time_utc\":\"").append(CANDLE_TIME.format(utc))
          .append("\",\"candle_date_time_kst\":\"").append(CANDLE_TIME.format(utc.plusHours(9)))
          .append("\",\"opening_price\":");
      Decimals.append(b, c.open(), 8).append(",\"high_price\":");
      Decimals.append(b, c.high(), 8).append(",\"low_price\":");
      Decimals.append(b, c.low(), 8).append(",\"trade_price\":");
      Decimals.append(b, c.close(), 8).append(",\"timestamp\":").append(c.openTime() + unit * 60_000L - 1)
          .append(",\"candle_acc_trade_price\":");
      Decimals.append(b, c.quoteVolume(), 8).append(",\"candle_acc_trade_volume\":");
      Decimals.append(b, c.volume(), 8).append(",\"unit\":").append(unit).append('}');
    }
    return b.append(']').toString();
  }
}
