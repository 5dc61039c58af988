package io.kimp.simulator;

import static io.kimp.simulator.BinanceSockets.error;
import static io.kimp.simulator.BinanceSockets.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.simulator.CoinMarket.Book;
import io.kimp.simulator.CoinMarket.Candle;
import io.kimp.simulator.CoinMarket.DiffWindow;
import io.kimp.simulator.CoinMarket.Stats;
import io.kimp.simulator.CoinMarket.Trade;
import io.kimp.simulator.SimHttpServer.Reply;
import io.kimp.simulator.SimHttpServer.Respond;
import io.kimp.simulator.SimHttpServer.Upgrade;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Binance spot market data as documented (developers.binance.com, web-socket-streams and rest-api): the WebSocket paths
 * {@code /ws}, {@code /ws/<stream>[/<stream>…]}, {@code /stream} and {@code /stream?streams=…} with live
 * {@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS}, {@code SET_PROPERTY} and {@code GET_PROPERTY}
 * ({@code combined}) answered with {@code {"result":…,"id":…}} or Binance's {@code {"error":{"code":…,"msg":…},"id":…}};
 * the streams {@code trade}, {@code aggTrade}, {@code bookTicker}, {@code miniTicker}, {@code ticker},
 * {@code depth5/10/20[@100ms]} (partial books every 1000 or 100 ms) and {@code depth[@100ms]} ({@code depthUpdate} diffs
 * whose {@code U}/{@code u} continue {@code /api/v3/depth}'s {@code lastUpdateId}); at most 1024 streams and 5 incoming
 * messages a second per connection. Public REST: {@code /api/v3/exchangeInfo} (with PRICE_FILTER, LOT_SIZE and NOTIONAL),
 * {@code /api/v3/depth}, {@code /api/v3/ticker/24hr}, {@code /api/v3/ticker/bookTicker}, {@code /api/v3/klines},
 * {@code /api/v3/trades}, {@code /api/v3/aggTrades},
 * {@code /api/v3/time}, {@code /api/v3/ping}, each with its request weight counted per minute in
 * {@code X-MBX-USED-WEIGHT-1M} and a 429 ({@code -1003}) beyond the limit.
 *
 * <p>Every connection gets each event under its own stream name and in its own shape (raw or combined): a frame is shared
 * only by connections that subscribed to the same stream with the same {@code combined} property.
 */
final class BinanceVenue {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json;charset=UTF-8";
  static final int MAX_STREAMS = 1024;
  static final int MESSAGES_PER_SECOND = 5;
  private static final Pattern STREAM =
      Pattern.compile("([a-z0-9]+)@(trade|aggTrade|bookTicker|miniTicker|ticker|depth(5|10|20)?(@100ms|@1000ms)?)");
  private static final String METHODS = "SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY";
  private static final Map<String, Long> INTERVALS = new LinkedHashMap<>();

  static {
    String[] names = {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d"};
    long[] minutes = {1, 3, 5, 15, 30, 60, 120, 240, 360, 480, 720, 1440};
    for (int i = 0; i < names.length; i++) {
      INTERVALS.put(names[i], minutes[i]);
    }
  }

  private final Map<String, CoinMarket> bySymbol = new LinkedHashMap<>();
  private final Map<String, CoinMarket> byCoin = new HashMap<>();
  private final Map<String, DiffWindow[]> diffWindows = new HashMap<>();
  private final Map<String, String> listingStatus = new LinkedHashMap<>();
  private final Set<SimConnection> connections;
  private final RateWindow weight;
  private final LongSupplier throttledUntil;
  private long nextTick100;
  private int ticks;

  /**
   * @param coins the traded coins (USDT markets), each with a reference USDT price for its tick and lot sizes
   * @param listedOnly markets listed with a status but never traded (symbol → status)
   * @param throttledUntil until when the REST API answers 429 to everything (a fault), in ms
   */
  BinanceVenue(Map<String, Double> coins, Map<String, String> listedOnly, int levels, Set<SimConnection> connections,
      int weightPerMinute, LongSupplier throttledUntil, long now) {
    for (Map.Entry<String, Double> e : coins.entrySet()) {
      CoinMarket m = new CoinMarket(SimVenue.BINANCE, e.getKey(), e.getValue(), levels, now);
      m.seed(e.getValue(), 5e4, 1e8, now);
      bySymbol.put(m.symbol, m);
      byCoin.put(m.coin, m);
      listingStatus.put(m.symbol, "TRADING");
      diffWindows.put(m.coin, new DiffWindow[] {m.diffWindow(), m.diffWindow()});
    }
    for (Map.Entry<String, String> e : listedOnly.entrySet()) {
      String sym = e.getKey();
      String base = sym.endsWith("USDT") ? sym.substring(0, sym.length() - 4) : sym.substring(0, sym.length() - 3);
      CoinMarket m = new CoinMarket(SimVenue.BINANCE, base, sym, 10, levels, now);
      m.seed(10, 5e4, 1e6, now);
      bySymbol.put(sym, m);
      listingStatus.put(sym, e.getValue());
    }
    this.connections = connections;
    this.weight = new RateWindow(60_000, weightPerMinute);
    this.throttledUntil = throttledUntil;
  }

  CoinMarket market(String coin) {
    return byCoin.get(coin);
  }

  /** The REST request weight per minute, which the private endpoints count on too. */
  RateWindow weight() {
    return weight;
  }

  // ---------------------------------------------------------------- WebSocket

  /** The upgrade for a stream path, or null when {@code path} is none. */
  Reply upgrade(QueryStringDecoder uri, Function<SimConnection, SimConnection> register) {
    BinanceSockets.StreamPath sp = BinanceSockets.streams(uri, STREAM, MAX_STREAMS, JSON_TYPE);
    if (sp == null || sp.refusal() != null) {
      return sp == null ? null : sp.refusal();
    }
    Set<String> streams = sp.streams();
    boolean combined = sp.combined();
    return new Upgrade(ch -> register.apply(new SimConnection(SimVenue.BINANCE, ch, streams, combined, this::received)));
  }

  /** A message from a client: a live request, answered on the same connection. Event loop. */
  void received(SimConnection c, String text) {
    long now = System.currentTimeMillis();
    long second = now / 1000;
    if (second != c.messagesSecond) {
      c.messagesSecond = second;
      c.messagesInSecond = 0;
    }
    if (++c.messagesInSecond > MESSAGES_PER_SECOND) {
      c.close(); // over the documented 5 incoming messages a second: disconnected
      return;
    }
    c.send(answer(c, text));
  }

  /** The answer to one live request (messages from Binance's documentation, "Error Messages"). */
  String answer(SimConnection c, String text) {
    JsonNode req;
    try {
      req = JSON.readTree(text);
      if (req == null) {
        return error(3, "Invalid JSON: EOF while parsing a value at line 1 column 0", null);
      }
    } catch (JsonProcessingException e) {
      return error(3, "Invalid JSON: expected value at line " + e.getLocation().getLineNr() + " column "
          + e.getLocation().getColumnNr(), null);
    }
    if (!req.isObject()) {
      return error(2, "Invalid request: expected a JSON object at line 1 column " + text.length(), null);
    }
    JsonNode id = req.get("id");
    if (id == null || !(id.isNull() || id.canConvertToLong() && id.asLong() >= 0
        || id.isTextual() && id.asText().matches("[A-Za-z0-9-]{1,36}"))) {
      return error(2, "Invalid request: request ID must be an unsigned integer", null);
    }
    JsonNode method = req.get("method");
    if (method == null) {
      return error(2, "Invalid request: missing field method at line 1 column " + text.length(), id);
    }
    JsonNode params = req.get("params");
    switch (method.asText()) {
      case "SUBSCRIBE":
      case "UNSUBSCRIBE":
        {
          if (params == null || !params.isArray()) {
            return error(2, "Invalid request: missing field params", id);
          }
          Set<String> names = new LinkedHashSet<>();
          for (JsonNode p : params) {
            if (!p.isTextual()) {
              return error(2, "Invalid request: params must be stream names (strings)", id);
            }
            if (!STREAM.matcher(p.asText()).matches()) {
              return error(2, "Invalid request: invalid stream name " + p.asText(), id);
            }
            names.add(p.asText());
          }
          Set<String> next = new LinkedHashSet<>(c.streams);
          if (method.asText().equals("SUBSCRIBE")) {
            next.addAll(names);
          } else {
            next.removeAll(names);
          }
          if (next.size() > MAX_STREAMS) {
            return error(2, "Invalid request: too many streams (at most " + MAX_STREAMS + " per connection)", id);
          }
          c.streams = Collections.unmodifiableSet(next);
          return result(null, id);
        }
      case "LIST_SUBSCRIPTIONS":
        {
          if (params != null && !(params.isArray() && params.isEmpty())) {
            return error(2, "Invalid request: too many parameters", id);
          }
          ArrayNode list = JSON.createArrayNode();
          c.streams.forEach(list::add);
          return result(list, id);
        }
      case "SET_PROPERTY":
      case "GET_PROPERTY":
        {
          boolean set = method.asText().equals("SET_PROPERTY");
          if (params == null || !params.isArray() || params.isEmpty()) {
            return error(2, "Invalid request: missing field params", id);
          }
          if (params.size() > (set ? 2 : 1)) {
            return error(2, "Invalid request: too many parameters", id);
          }
          if (!params.get(0).isTextual()) {
            return error(2, "Invalid request: property name must be a string", id);
          }
          if (!params.get(0).asText().equals("combined")) {
            return error(0, "Unknown property", id);
          }
          if (!set) {
            return result(JSON.getNodeFactory().booleanNode(c.combined), id);
          }
          if (params.size() < 2 || !params.get(1).isBoolean()) {
            return error(1, "Invalid value type: expected Boolean", id);
          }
          c.combined = params.get(1).asBoolean();
          return result(null, id);
        }
      default:
        return error(2, "Invalid request: unknown variant " + method.asText() + ", expected one of " + METHODS
            + " at line 1 column " + text.length(), id);
    }
  }

  // ---------------------------------------------------------------- streams

  /**
   * Sends a model update (already on the market's grid) to the connections that subscribed to its streams: a book change
   * as {@code bookTicker}, a trade as {@code trade} and {@code aggTrade}, a ticker as {@code miniTicker} and
   * {@code ticker}. Pump thread.
   */
  void publish(MarketUpdate u, boolean waitForSlowClients, Sender sender) {
    CoinMarket m = byCoin.get(u.coin());
    if (m == null) {
      return;
    }
    switch (u.kind()) {
      case BOOK, DEPTH -> {
        Book b = m.book();
        send(m.bookTickerStream, () -> BinanceWire.bookTicker(m.symbol, b.updateId(), b.bestBid(), b.bidQty()[0],
            b.bestAsk(), b.askQty()[0]), waitForSlowClients, sender);
      }
      case TRADE -> {
        Trade t = m.lastTrade();
        send(m.tradeStream, () -> BinanceWire.trade(m.symbol, t, u.ts()), waitForSlowClients, sender);
        send(m.aggTradeStream, () -> BinanceWire.aggTrade(m.symbol, t, u.ts()), waitForSlowClients, sender);
      }
      case TICKER -> {
        Stats s = stats(m, u);
        send(m.miniTickerStream, () -> BinanceWire.miniTicker(m.symbol, u.ts(), s, m.volume24hQuote()),
            waitForSlowClients, sender);
        send(m.tickerStream, () -> BinanceWire.ticker(m.symbol, u.ts(), s, m.volume24hQuote(), m.book()),
            waitForSlowClients, sender);
      }
    }
  }

  /** The market's figures; before its first trade, the ticker's price stands in for the last price. */
  private static Stats stats(CoinMarket m, MarketUpdate u) {
    Stats s = m.stats();
    if (s.count() > 0) {
      return s;
    }
    double p = u.price();
    return new Stats(p, p, p, p, 0, 0, 0, 0, -1, -1, s.openTime(), 0, false);
  }

  /** How a frame reaches one connection (the simulator's send, which may wait for slow clients). */
  interface Sender {
    void send(SimConnection c, byte[] frame, boolean waitForSlowClients);
  }

  private void send(String stream, Supplier<String> payload, boolean wait, Sender sender) {
    BinanceSockets.send(connections, stream, payload, wait, sender);
  }

  /**
   * The timed depth streams, called often by the pump: every 100 ms the {@code @100ms} ones, every 1000 ms the others; a
   * partial book each time, a diff only when the book changed. Pump thread.
   */
  void tick(long now, Sender sender) {
    if (now < nextTick100) {
      return;
    }
    nextTick100 = now - Math.floorMod(now, 100L) + 100;
    boolean second = ticks++ % 10 == 0;
    Set<String> wanted = new HashSet<>();
    for (SimConnection c : connections) {
      wanted.addAll(c.streams);
    }
    for (CoinMarket m : byCoin.values()) {
      String sym = m.streamSymbol;
      DiffWindow[] w = diffWindows.get(m.coin);
      diff(sym + "@depth@100ms", w[0], now, wanted, sender);
      if (second) {
        diff(sym + "@depth", w[1], now, wanted, sender);
      }
      Book b = m.book();
      for (int n : new int[] {5, 10, 20}) {
        String fast = sym + "@depth" + n + "@100ms";
        if (wanted.contains(fast)) {
          send(fast, () -> BinanceWire.partialDepth(b, n), false, sender);
        }
        if (second) {
          for (String slow : new String[] {sym + "@depth" + n, sym + "@depth" + n + "@1000ms"}) {
            if (wanted.contains(slow)) {
              send(slow, () -> BinanceWire.partialDepth(b, n), false, sender);
            }
          }
        }
      }
    }
  }

  private void diff(String stream, DiffWindow w, long now, Set<String> wanted, Sender sender) {
    boolean slowAlias = stream.endsWith("@depth") && wanted.contains(stream + "@1000ms");
    if (!wanted.contains(stream) && !slowAlias) {
      w.idle();
      return;
    }
    String d = w.drain(now);
    if (d != null) {
      send(stream, () -> d, false, sender);
      if (slowAlias) {
        send(stream + "@1000ms", () -> d, false, sender);
      }
    }
  }

  // ---------------------------------------------------------------- REST

  /** A public REST request, or null when {@code path} is none of Binance's. */
  Reply rest(QueryStringDecoder uri, long now) {
    String path = uri.path();
    int cost;
    switch (path) {
      case "/api/v3/ping", "/api/v3/time" -> cost = 1;
      case "/api/v3/exchangeInfo" -> cost = 20;
      case "/api/v3/depth" -> cost = depthWeight(param(uri, "limit"));
      case "/api/v3/ticker/24hr" -> cost = param(uri, "symbol") != null ? 2 : param(uri, "symbols") != null ? 40 : 80;
      case "/api/v3/ticker/bookTicker" -> cost = param(uri, "symbol") != null ? 2 : 4;
      case "/api/v3/klines" -> cost = 2;
      case "/api/v3/trades" -> cost = 25;
      case "/api/v3/aggTrades" -> cost = 4;
      default -> {
        return null;
      }
    }
    if (now < throttledUntil.getAsLong()) {
      return tooMany(now, weight.used(now), (throttledUntil.getAsLong() - now + 999) / 1000);
    }
    int used = weight.add(now, cost);
    if (used < 0) {
      return tooMany(now, weight.used(now), weight.secondsLeft(now));
    }
    Map<String, String> headers = Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(used));
    try {
      String body =
          switch (path) {
            case "/api/v3/ping" -> "{}";
            case "/api/v3/time" -> "{\"serverTime\":" + now + "}";
            case "/api/v3/exchangeInfo" -> exchangeInfo(uri, now);
            case "/api/v3/depth" -> depth(uri);
            case "/api/v3/ticker/24hr" -> perSymbol(uri, m -> BinanceWire.ticker24hr(m.symbol, m.stats(),
                m.volume24hQuote(), m.book(), now));
            case "/api/v3/ticker/bookTicker" -> perSymbol(uri, m -> BinanceWire.restBookTicker(m.symbol, m.book()));
            case "/api/v3/trades" -> trades(uri, false);
            case "/api/v3/aggTrades" -> trades(uri, true);
            default -> klines(uri, now);
          };
      return new Respond(HttpResponseStatus.OK, JSON_TYPE, body, headers);
    } catch (BadRequest e) {
      return new Respond(HttpResponseStatus.BAD_REQUEST, JSON_TYPE, BinanceWire.error(e.code, e.getMessage()), headers);
    }
  }

  private Respond tooMany(long now, int used, long retryAfter) {
    return new Respond(HttpResponseStatus.TOO_MANY_REQUESTS, JSON_TYPE,
        BinanceWire.error(-1003, "Too many requests; current limit of IP(127.0.0.1) request weight is "
            + weight.limit() + " per minute. Please use WebSocket Streams for live updates to avoid polling the API."),
        Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(used), "Retry-After", Long.toString(retryAfter)));
  }

  /** A parameter Binance refuses: {@code code} and message as Binance words them. */
  static final class BadRequest extends Exception {
    final int code;

    BadRequest(int code, String msg) {
      super(msg);
      this.code = code;
    }
  }

  private static String param(QueryStringDecoder uri, String name) {
    List<String> v = uri.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static int depthWeight(String limit) {
    int l = 100;
    try {
      l = limit == null ? 100 : Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      return 1;
    }
    return l <= 100 ? 5 : l <= 500 ? 25 : l <= 1000 ? 50 : 250;
  }

  private CoinMarket symbol(QueryStringDecoder uri) throws BadRequest {
    String s = param(uri, "symbol");
    if (s == null || s.isBlank()) {
      throw new BadRequest(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    }
    CoinMarket m = bySymbol.get(s);
    if (m == null) {
      throw new BadRequest(-1121, "Invalid symbol.");
    }
    return m;
  }

  private List<CoinMarket> symbols(QueryStringDecoder uri) throws BadRequest {
    String one = param(uri, "symbol");
    String many = param(uri, "symbols");
    if (one != null && many != null) {
      throw new BadRequest(-1101, "Combination of optional parameters invalid.");
    }
    if (one != null) {
      return List.of(symbol(uri));
    }
    if (many == null) {
      return new ArrayList<>(bySymbol.values());
    }
    List<CoinMarket> out = new ArrayList<>();
    try {
      for (JsonNode n : JSON.readTree(many)) {
        CoinMarket m = bySymbol.get(n.asText());
        if (m == null) {
          throw new BadRequest(-1121, "Invalid symbol.");
        }
        out.add(m);
      }
    } catch (JsonProcessingException e) {
      throw new BadRequest(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
    }
    return out;
  }

  private interface Body {
    String of(CoinMarket m);
  }

  /** One object for {@code symbol}, an array for {@code symbols} or for all. */
  private String perSymbol(QueryStringDecoder uri, Body body) throws BadRequest {
    List<CoinMarket> ms = symbols(uri);
    if (param(uri, "symbol") != null) {
      return body.of(ms.get(0));
    }
    StringBuilder b = new StringBuilder("[");
    for (CoinMarket m : ms) {
      b.append(b.length() > 1 ? "," : "").append(body.of(m));
    }
    return b.append(']').toString();
  }

  private String depth(QueryStringDecoder uri) throws BadRequest {
    CoinMarket m = symbol(uri);
    int limit = intParam(uri, "limit", 100);
    if (limit < 1 || limit > 5000) {
      throw new BadRequest(-1100, "Illegal characters found in parameter 'limit'; legal range is '1' to '5000'.");
    }
    return BinanceWire.partialDepth(m.book(), limit);
  }

  private static int intParam(QueryStringDecoder uri, String name, int dflt) throws BadRequest {
    long v = longParam(uri, name, dflt);
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  private static long longParam(QueryStringDecoder uri, String name, long dflt) throws BadRequest {
    String v = param(uri, name);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new BadRequest(-1100, "Illegal characters found in parameter '" + name + "'; legal range is '^[0-9]{1,20}$'.");
    }
  }

  /** {@code /api/v3/trades} and {@code /api/v3/aggTrades} (one trade per aggregate here): the newest, oldest first. */
  private String trades(QueryStringDecoder uri, boolean aggregated) throws BadRequest {
    CoinMarket m = symbol(uri);
    int limit = intParam(uri, "limit", 500);
    if (limit < 1 || limit > 1000) {
      throw new BadRequest(-1100, "Illegal characters found in parameter 'limit'; legal range is '1' to '1000'.");
    }
    List<Trade> ts = m.trades(limit, 0);
    StringBuilder b = new StringBuilder("[");
    for (int i = ts.size() - 1; i >= 0; i--) {
      Trade t = ts.get(i);
      b.append(b.length() > 1 ? "," : "");
      if (aggregated) {
        b.append("{\"a\":").append(t.id()).append(",\"p\":\"");
        Decimals.append(b, t.price(), 8).append("\",\"q\":\"");
        Decimals.append(b, t.qty(), 8).append("\",\"f\":").append(t.id()).append(",\"l\":").append(t.id())
            .append(",\"T\":").append(t.ts()).append(",\"m\":").append(t.buyerMaker()).append(",\"M\":true}");
      } else {
        b.append("{\"id\":").append(t.id()).append(",\"price\":\"");
        Decimals.append(b, t.price(), 8).append("\",\"qty\":\"");
        Decimals.append(b, t.qty(), 8).append("\",\"quoteQty\":\"");
        Decimals.append(b, t.price() * t.qty(), 8).append("\",\"time\":").append(t.ts()).append(",\"isBuyerMaker\":")
            .append(t.buyerMaker()).append(",\"isBestMatch\":true}");
      }
    }
    return b.append(']').toString();
  }

  private String klines(QueryStringDecoder uri, long now) throws BadRequest {
    CoinMarket m = symbol(uri);
    String interval = param(uri, "interval");
    if (interval == null) {
      throw new BadRequest(-1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.");
    }
    Long minutes = INTERVALS.get(interval);
    if (minutes == null) {
      throw new BadRequest(-1120, "Invalid interval.");
    }
    int limit = intParam(uri, "limit", 500);
    if (limit < 1 || limit > 1000) {
      throw new BadRequest(-1100, "Illegal characters found in parameter 'limit'; legal range is '1' to '1000'.");
    }
    long end = longParam(uri, "endTime", now);
    long start = longParam(uri, "startTime", 0);
    List<Candle> cs = m.candles(minutes.intValue(), start, end, true);
    int from = param(uri, "startTime") != null ? 0 : Math.max(0, cs.size() - limit);
    StringBuilder b = new StringBuilder("[");
    for (int i = from; i < Math.min(cs.size(), from + limit); i++) {
      if (b.length() > 1) {
        b.append(',');
      }
      BinanceWire.kline(b, cs.get(i), minutes * 60_000L);
    }
    return b.append(']').toString();
  }

  private String exchangeInfo(QueryStringDecoder uri, long now) throws BadRequest {
    List<CoinMarket> ms = symbols(uri);
    ObjectNode root = JSON.createObjectNode();
    root.put("timezone", "UTC").put("serverTime", now);
    ArrayNode limits = root.putArray("rateLimits");
    limits.addObject().put("rateLimitType", "REQUEST_WEIGHT").put("interval", "MINUTE").put("intervalNum", 1)
        .put("limit", weight.limit());
    limits.addObject().put("rateLimitType", "ORDERS").put("interval", "SECOND").put("intervalNum", 10)
        .put("limit", 100);
    limits.addObject().put("rateLimitType", "ORDERS").put("interval", "DAY").put("intervalNum", 1).put("limit", 200000);
    limits.addObject().put("rateLimitType", "RAW_REQUESTS").put("interval", "MINUTE").put("intervalNum", 5)
        .put("limit", 61000);
    root.putArray("exchangeFilters");
    ArrayNode symbols = root.putArray("symbols");
    for (CoinMarket m : ms) {
      String quote = m.symbol.substring(m.coin.length());
      ObjectNode s = symbols.addObject();
      s.put("symbol", m.symbol).put("status", listingStatus.get(m.symbol)).put("baseAsset", m.coin)
          .put("baseAssetPrecision", 8).put("quoteAsset", quote).put("quotePrecision", 8)
          .put("quoteAssetPrecision", 8).put("baseCommissionPrecision", 8).put("quoteCommissionPrecision", 8);
      ArrayNode types = s.putArray("orderTypes");
      for (String t : new String[] {"LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"}) {
        types.add(t);
      }
      s.put("icebergAllowed", true).put("ocoAllowed", true).put("otoAllowed", true)
          .put("quoteOrderQtyMarketAllowed", true).put("allowTrailingStop", true).put("cancelReplaceAllowed", true)
          .put("isSpotTradingAllowed", true).put("isMarginTradingAllowed", false);
      ArrayNode filters = s.putArray("filters");
      filters.addObject().put("filterType", "PRICE_FILTER").put("minPrice", fixed(m.tick))
          .put("maxPrice", "1000000.00000000").put("tickSize", fixed(m.tick));
      filters.addObject().put("filterType", "LOT_SIZE").put("minQty", fixed(m.step)).put("maxQty", "9000000.00000000")
          .put("stepSize", fixed(m.step));
      filters.addObject().put("filterType", "MARKET_LOT_SIZE").put("minQty", "0.00000000")
          .put("maxQty", "9000000.00000000").put("stepSize", "0.00000000");
      filters.addObject().put("filterType", "NOTIONAL").put("minNotional", "5.00000000").put("applyMinToMarket", true)
          .put("maxNotional", "9000000.00000000").put("applyMaxToMarket", false).put("avgPriceMins", 5);
      filters.addObject().put("filterType", "MAX_NUM_ORDERS").put("maxNumOrders", 200);
      s.putArray("permissions");
      s.putArray("permissionSets").addArray().add("SPOT");
      s.put("defaultSelfTradePreventionMode", "EXPIRE_MAKER");
      s.putArray("allowedSelfTradePreventionModes").add("EXPIRE_TAKER").add("EXPIRE_MAKER").add("EXPIRE_BOTH");
    }
    return root.toString();
  }

  /** Binance's eight-decimal filter numbers. */
  private static String fixed(double v) {
    return String.format(Locale.ROOT, "%.8f", v);
  }
}
