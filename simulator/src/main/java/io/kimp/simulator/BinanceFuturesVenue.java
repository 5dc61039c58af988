package io.kimp.simulator;

import static io.kimp.simulator.BinanceSockets.error;
import static io.kimp.simulator.BinanceSockets.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.simulator.SimHttpServer.Reply;
import io.kimp.simulator.SimHttpServer.Respond;
import io.kimp.simulator.SimHttpServer.Upgrade;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Binance USDT-M futures public market data as documented (developers.binance.com, derivatives / usds-margined-futures):
 * the WebSocket paths {@code /ws}, {@code /ws/<stream>[/<stream>…]}, {@code /stream} and {@code /stream?streams=…} with
 * live {@code SUBSCRIBE}, {@code UNSUBSCRIBE} and {@code LIST_SUBSCRIPTIONS}; the streams {@code <symbol>@bookTicker}
 * ({@code e u E T s b B a A}) and {@code <symbol>@markPrice} / {@code @markPrice@1s} ({@code e E s p i P r T}, every 3 s
 * or every second); public REST {@code /fapi/v1/exchangeInfo} (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL),
 * {@code /fapi/v1/premiumIndex}, {@code /fapi/v1/ticker/bookTicker}, {@code /fapi/v1/time} and {@code /fapi/v1/ping},
 * with their weight counted per minute in {@code X-MBX-USED-WEIGHT-1M}.
 *
 * <p>The perpetual of each traded coin follows the simulator's Binance spot book: its mid is the spot mid times (1 +
 * basis), a basis of a few basis points per coin that swings slowly; its funding rate is a per-coin level (between
 * -0.01 % and +0.03 % per 8 h) with a slow swing. Levels and phases come from the simulator's seed, so a run is
 * repeatable. Coins named unlisted get no perpetual (the hedge's "no perpetual" case); a quarterly delivery contract is
 * listed beside the perpetuals, as on Binance, and must not be taken for one.
 */
final class BinanceFuturesVenue {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";
  static final int MAX_STREAMS = 1024;
  private static final Pattern STREAM = Pattern.compile("([a-z0-9]+)@(bookTicker|markPrice|markPrice@1s)");
  private static final long EIGHT_HOURS = 8 * 3_600_000L;
  private static final long SWING_PERIOD = 10 * 60_000L;
  static final String QUARTERLY = "BTCUSDT_261225";

  /** One perpetual's newest figures, immutable (the pump writes, REST and the streams read). */
  record Quote(long updateId, long ts, double bid, double bidQty, double ask, double askQty, double mark, double index,
      double fundingRate) {}

  /** A perpetual: its contract and its newest quote. */
  static final class Perp {
    final String coin;
    final String symbol;
    final String bookTickerStream;
    final String markStream;
    final String markStream1s;
    final double tick;
    final double step;
    final double basisBp;
    final double fundingLevel;
    final double phase;
    volatile Quote quote;
    /** The spot book moved while no client was connected: the quote is recomputed when it is next read. */
    volatile boolean stale;

    Perp(String coin, double referencePrice, SplittableRandom random) {
      this.coin = coin;
      this.symbol = coin + "USDT";
      String s = symbol.toLowerCase(Locale.ROOT);
      this.bookTickerStream = s + "@bookTicker";
      this.markStream = s + "@markPrice";
      this.markStream1s = s + "@markPrice@1s";
      this.tick = CoinMarket.binanceTick(referencePrice);
      this.step = futuresStep(referencePrice);
      this.basisBp = -5 + random.nextDouble() * 15; // -5 .. +10 bp
      this.fundingLevel = -0.0001 + random.nextDouble() * 0.0004; // -0.01 % .. +0.03 % per 8 h
      this.phase = random.nextDouble() * 2 * Math.PI;
    }
  }

  private final Map<String, Perp> byCoin = new LinkedHashMap<>();
  private final Map<String, Perp> bySymbol = new LinkedHashMap<>();
  private final Set<SimConnection> connections = ConcurrentHashMap.newKeySet();
  private final Function<String, CoinMarket> spot;
  private final RateWindow weight = new RateWindow(60_000, 2400);
  private final AtomicLong updateIds = new AtomicLong(5_000_000);
  private final AtomicLong accepted = new AtomicLong();
  private final long startMillis;
  private long nextSecond;
  private long seconds;

  /**
   * @param coins the simulator's coins with their reference USDT prices
   * @param unlisted coins that have no perpetual
   * @param spot the Binance spot market of a coin, which the perpetual follows
   */
  BinanceFuturesVenue(Map<String, Double> coins, Set<String> unlisted, Function<String, CoinMarket> spot, long seed,
      long now) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5eed_f07L);
    for (Map.Entry<String, Double> e : coins.entrySet()) {
      Perp p = new Perp(e.getKey(), e.getValue(), random); // drawn for every coin: listing one more changes no other
      if (unlisted.contains(e.getKey())) {
        continue;
      }
      byCoin.put(p.coin, p);
      bySymbol.put(p.symbol, p);
    }
    this.spot = spot;
    this.startMillis = now;
    for (Perp p : byCoin.values()) {
      update(p, now);
    }
  }

  Set<SimConnection> connections() {
    return connections;
  }

  /** The coins with a perpetual. */
  Set<String> coins() {
    return Collections.unmodifiableSet(byCoin.keySet());
  }

  /** The requests' weight per minute, which the private endpoints count on too. */
  RateWindow weight() {
    return weight;
  }

  /** The perpetual's book as the futures account fills against it (its one level a side), or null: no perpetual. */
  io.kimp.simulator.account.Ladder ladder(String coin) {
    Perp p = byCoin.get(coin);
    if (p == null) {
      return null;
    }
    Quote q = current(p, System.currentTimeMillis());
    if (q == null) {
      return new io.kimp.simulator.account.Ladder(new double[0], new double[0], new double[0], new double[0], p.tick,
          p.step);
    }
    return new io.kimp.simulator.account.Ladder(new double[] {q.bid()}, new double[] {q.bidQty()},
        new double[] {q.ask()}, new double[] {q.askQty()}, p.tick, p.step);
  }

  /** The perpetual's mark price (0 before its first quote). */
  double mark(String coin) {
    Quote q = quote(coin);
    return q == null ? 0 : q.mark();
  }

  Quote quote(String coin) {
    Perp p = byCoin.get(coin);
    return p == null ? null : current(p, System.currentTimeMillis());
  }

  /** {@code p}'s quote, recomputed first if its spot book moved while nobody was connected. */
  private Quote current(Perp p, long now) {
    if (p.stale) {
      p.stale = false;
      update(p, now);
    }
    return p.quote;
  }

  /** The basis of {@code p} at {@code now}, a fraction: its level and a ± 2 bp swing over ten minutes. */
  private double basis(Perp p, long now) {
    return (p.basisBp + 2 * Math.sin(p.phase + 2 * Math.PI * (now - startMillis) / SWING_PERIOD)) / 10_000;
  }

  /** The funding rate of {@code p} at {@code now}: its level and a ± 0.005 % swing. */
  private double fundingRate(Perp p, long now) {
    double r = p.fundingLevel + 0.00005 * Math.sin(p.phase + 2 * Math.PI * (now - startMillis) / (3 * SWING_PERIOD));
    return Math.round(r * 1e8) / 1e8;
  }

  /** Recomputes {@code p} from its spot book; false when the spot book has no two sides yet. */
  private boolean update(Perp p, long now) {
    CoinMarket m = spot.apply(p.coin);
    if (m == null) {
      return false;
    }
    CoinMarket.Book b = m.book();
    if (b.bidPx().length == 0 || b.askPx().length == 0) {
      return false;
    }
    double index = (b.bestBid() + b.bestAsk()) / 2;
    double mid = index * (1 + basis(p, now));
    double half = Math.max(p.tick / 2, mid * 2e-5);
    double bid = Math.floor((mid - half) / p.tick) * p.tick;
    double ask = Math.max(bid + p.tick, Math.ceil((mid + half) / p.tick) * p.tick);
    double size = 5e4 / mid;
    p.quote = new Quote(updateIds.incrementAndGet(), now, round(bid, p.tick), round(size, p.step),
        round(ask, p.tick), round(size * 1.3, p.step), round8(mid), round8(index), fundingRate(p, now));
    return true;
  }

  private static double round(double v, double unit) {
    return Math.round(v / unit) * unit;
  }

  private static double round8(double v) {
    return Math.round(v * 1e8) / 1e8;
  }

  /** Binance futures' quantity steps are coarser than spot's: BTC 0.001, SOL 0.01, XRP 0.1, DOGE 1. */
  static double futuresStep(double price) {
    return price >= 1000 ? 0.001 : price >= 10 ? 0.01 : price >= 1 ? 0.1 : 1;
  }

  /** The next funding time after {@code now}: 00:00, 08:00 and 16:00 UTC. */
  static long nextFundingTime(long now) {
    return now - Math.floorMod(now, EIGHT_HOURS) + EIGHT_HOURS;
  }

  // ---------------------------------------------------------------- streams (pump thread)

  /** The coin's spot book changed: the perpetual follows, and its book ticker goes out. */
  void onSpotBook(String coin, long now, boolean waitForSlowClients, BinanceVenue.Sender sender) {
    Perp p = byCoin.get(coin);
    if (p == null) {
      return;
    }
    if (connections.isEmpty()) {
      // nobody streams the futures market (e.g. the hedge is off): the perpetual follows when it is next read,
      // instead of costing every spot update of the pump a quote of its own
      p.stale = true;
      return;
    }
    if (!update(p, now)) {
      return;
    }
    Quote q = p.quote;
    send(p.bookTickerStream, () -> bookTicker(p, q, now), waitForSlowClients, sender);
  }

  /** The mark-price streams: every second {@code @markPrice@1s}, every third second {@code @markPrice}. */
  void tick(long now, BinanceVenue.Sender sender) {
    if (now < nextSecond) {
      return;
    }
    nextSecond = now - Math.floorMod(now, 1000L) + 1000;
    boolean third = seconds++ % 3 == 0;
    for (Perp p : byCoin.values()) {
      Quote q = connections.isEmpty() ? p.quote : current(p, now);
      if (q == null) {
        continue;
      }
      Quote withRate = new Quote(q.updateId(), q.ts(), q.bid(), q.bidQty(), q.ask(), q.askQty(), q.mark(), q.index(),
          fundingRate(p, now));
      p.quote = withRate;
      send(p.markStream1s, () -> markPrice(p, withRate, now), false, sender);
      if (third) {
        send(p.markStream, () -> markPrice(p, withRate, now), false, sender);
      }
    }
  }

  private void send(String stream, Supplier<String> payload, boolean wait, BinanceVenue.Sender sender) {
    BinanceSockets.send(connections, stream, payload, wait, sender);
  }

  static String bookTicker(Perp p, Quote q, long now) {
    StringBuilder b = new StringBuilder(200);
    b.append("{\"e\":\"bookTicker\",\"u\":").append(q.updateId()).append(",\"E\":").append(now).append(",\"T\":")
        .append(q.ts()).append(",\"s\":\"").append(p.symbol).append("\",\"b\":\"");
    Decimals.append(b, q.bid(), 8).append("\",\"B\":\"");
    Decimals.append(b, q.bidQty(), 8).append("\",\"a\":\"");
    Decimals.append(b, q.ask(), 8).append("\",\"A\":\"");
    Decimals.append(b, q.askQty(), 8).append("\"}");
    return b.toString();
  }

  static String markPrice(Perp p, Quote q, long now) {
    StringBuilder b = new StringBuilder(200);
    b.append("{\"e\":\"markPriceUpdate\",\"E\":").append(now).append(",\"s\":\"").append(p.symbol)
        .append("\",\"p\":\"");
    Decimals.append(b, q.mark(), 8).append("\",\"i\":\"");
    Decimals.append(b, q.index(), 8).append("\",\"P\":\"");
    Decimals.append(b, q.index(), 8).append("\",\"r\":\"");
    Decimals.append(b, q.fundingRate(), 8).append("\",\"T\":").append(nextFundingTime(now)).append('}');
    return b.toString();
  }

  // ---------------------------------------------------------------- WebSocket

  /** The upgrade for a stream path, or null when {@code path} is none. */
  Reply upgrade(QueryStringDecoder uri) {
    BinanceSockets.StreamPath sp = BinanceSockets.streams(uri, STREAM, MAX_STREAMS, JSON_TYPE);
    if (sp == null || sp.refusal() != null) {
      return sp == null ? null : sp.refusal();
    }
    Set<String> streams = sp.streams();
    boolean combined = sp.combined();
    // text frames, like spot Binance's (the transport's BINANCE kind); kept in this venue's own set, never the spot
    // venue's: the two share stream names (btcusdt@bookTicker) but not their frames
    return new Upgrade(ch -> register(new SimConnection(SimVenue.BINANCE, ch, streams, combined, this::received)));
  }

  private SimConnection register(SimConnection c) {
    connections.add(c);
    accepted.incrementAndGet();
    c.closed().addListener(f -> connections.remove(c));
    return c;
  }

  /** Connections accepted since the start. */
  long acceptedConnections() {
    return accepted.get();
  }

  /** Closes every connection cleanly (close frame 1000); returns how many. */
  int dropConnections() {
    int n = 0;
    for (SimConnection c : connections) {
      c.close();
      n++;
    }
    return n;
  }

  /** Cuts every connection without a close frame (the client sees 1006); returns how many. */
  int abortConnections() {
    int n = 0;
    for (SimConnection c : connections) {
      c.fail();
      n++;
    }
    return n;
  }

  /** Sends {@code n} malformed futures frames to every connection (bad JSON, crossed book, bad funding, unknown type). */
  void sendGarbage(int n) {
    Perp p = byCoin.values().iterator().next();
    String sym = p.symbol;
    String stream = p.bookTickerStream;
    List<String> garbage = List.of(
        "<html>502 Bad Gateway</html>",
        BinanceWire.wrapped(stream, "{\"e\":\"bookTicker\",\"u\":1,\"s\":\"" + sym + "\",\"b\":"),
        BinanceWire.wrapped(stream, "{\"e\":\"bookTicker\",\"u\":1,\"E\":1,\"s\":\"" + sym
            + "\",\"b\":\"2\",\"B\":\"1\",\"a\":\"1\",\"A\":\"1\"}"),
        BinanceWire.wrapped(p.markStream1s, "{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"" + sym
            + "\",\"p\":\"1\",\"r\":\"\",\"T\":0}"),
        BinanceWire.wrapped(stream, "{\"e\":\"kline\",\"s\":\"" + sym + "\"}"));
    for (SimConnection c : connections) {
      for (int i = 0; i < n; i++) {
        c.send(garbage.get(i % garbage.size()));
      }
    }
  }

  /** A live request: SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, answered on the same connection. Event loop. */
  void received(SimConnection c, String text) {
    c.send(answer(c, text));
  }

  String answer(SimConnection c, String text) {
    JsonNode req;
    try {
      req = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return error(3, "Invalid JSON: " + e.getOriginalMessage(), null);
    }
    if (req == null || !req.isObject()) {
      return error(2, "Invalid request: expected a JSON object", null);
    }
    JsonNode id = req.get("id");
    if (id == null || !(id.isNull() || id.canConvertToLong() && id.asLong() >= 0)) {
      return error(2, "Invalid request: request ID must be an unsigned integer", null);
    }
    String method = req.path("method").asText("");
    JsonNode params = req.get("params");
    switch (method) {
      case "SUBSCRIBE", "UNSUBSCRIBE" -> {
        if (params == null || !params.isArray()) {
          return error(2, "Invalid request: missing field params", id);
        }
        Set<String> next = new LinkedHashSet<>(c.streams);
        for (JsonNode p : params) {
          if (!p.isTextual() || !STREAM.matcher(p.asText()).matches()) {
            return error(2, "Invalid request: invalid stream name " + p, id);
          }
          if (method.equals("SUBSCRIBE")) {
            next.add(p.asText());
          } else {
            next.remove(p.asText());
          }
        }
        if (next.size() > MAX_STREAMS) {
          return error(2, "Invalid request: too many streams", id);
        }
        c.streams = Collections.unmodifiableSet(next);
        return result(null, id);
      }
      case "LIST_SUBSCRIPTIONS" -> {
        ArrayNode list = JSON.createArrayNode();
        c.streams.forEach(list::add);
        return result(list, id);
      }
      default -> {
        return error(2, "Invalid request: unknown method " + method, id);
      }
    }
  }

  // ---------------------------------------------------------------- REST

  /** A public REST request, or null when {@code path} is none of Binance futures'. */
  Reply rest(QueryStringDecoder uri, long now) {
    String path = uri.path();
    String symbol = param(uri, "symbol");
    int cost;
    switch (path) {
      case "/fapi/v1/ping", "/fapi/v1/time", "/fapi/v1/premiumIndex" -> cost = 1;
      case "/fapi/v1/exchangeInfo" -> cost = 1;
      case "/fapi/v1/ticker/bookTicker" -> cost = symbol != null ? 2 : 5;
      default -> {
        return null;
      }
    }
    int used = weight.add(now, cost);
    if (used < 0) {
      return new Respond(HttpResponseStatus.TOO_MANY_REQUESTS, JSON_TYPE,
          BinanceWire.error(-1003, "Too many requests; please use the websocket for live updates."),
          Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(weight.used(now)), "Retry-After",
              Long.toString(weight.secondsLeft(now))));
    }
    Map<String, String> headers = Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(used));
    List<Perp> perps;
    if (symbol != null) {
      Perp p = bySymbol.get(symbol);
      if (p == null) {
        return new Respond(HttpResponseStatus.BAD_REQUEST, JSON_TYPE, BinanceWire.error(-1121, "Invalid symbol."),
            headers);
      }
      perps = List.of(p);
    } else {
      perps = new ArrayList<>(byCoin.values());
    }
    String body =
        switch (path) {
          case "/fapi/v1/ping" -> "{}";
          case "/fapi/v1/time" -> "{\"serverTime\":" + now + "}";
          case "/fapi/v1/exchangeInfo" -> exchangeInfo(now);
          case "/fapi/v1/premiumIndex" -> perSymbol(symbol != null, perps, p -> premiumIndex(p, now));
          default -> perSymbol(symbol != null, perps, p -> restBookTicker(p, now));
        };
    return new Respond(HttpResponseStatus.OK, JSON_TYPE, body, headers);
  }

  private static String param(QueryStringDecoder uri, String name) {
    List<String> v = uri.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static String perSymbol(boolean one, List<Perp> perps, Function<Perp, ObjectNode> body) {
    if (one) {
      return body.apply(perps.get(0)).toString();
    }
    ArrayNode a = JSON.createArrayNode();
    perps.forEach(p -> a.add(body.apply(p)));
    return a.toString();
  }

  private ObjectNode premiumIndex(Perp p, long now) {
    Quote q = current(p, now);
    ObjectNode n = JSON.createObjectNode();
    n.put("symbol", p.symbol).put("markPrice", dec(q == null ? 0 : q.mark()))
        .put("indexPrice", dec(q == null ? 0 : q.index())).put("estimatedSettlePrice", dec(q == null ? 0 : q.index()))
        .put("lastFundingRate", dec(fundingRate(p, now))).put("interestRate", "0.00010000")
        .put("nextFundingTime", nextFundingTime(now)).put("time", now);
    return n;
  }

  private ObjectNode restBookTicker(Perp p, long now) {
    Quote q = current(p, now);
    ObjectNode n = JSON.createObjectNode();
    n.put("symbol", p.symbol).put("bidPrice", dec(q == null ? 0 : q.bid())).put("bidQty", dec(q == null ? 0 : q.bidQty()))
        .put("askPrice", dec(q == null ? 0 : q.ask())).put("askQty", dec(q == null ? 0 : q.askQty()))
        .put("time", q == null ? now : q.ts()).put("lastUpdateId", q == null ? 0 : q.updateId());
    return n;
  }

  private String exchangeInfo(long now) {
    List<FuturesExchangeInfo.Contract> contracts = new ArrayList<>();
    for (Perp p : byCoin.values()) {
      contracts.add(FuturesExchangeInfo.Contract.perpetual(p.coin, p.tick, p.step));
    }
    if (byCoin.containsKey("BTC")) {
      Perp btc = byCoin.get("BTC");
      contracts.add(new FuturesExchangeInfo.Contract(QUARTERLY, "BTC", "CURRENT_QUARTER", 1798185600000L, btc.tick,
          btc.step, btc.step, 5));
    }
    return FuturesExchangeInfo.json(now, weight.limit(), 1200, 300, contracts).toString();
  }

  /** A plain decimal string, at most eight places, no exponent. */
  private static String dec(double v) {
    return new java.math.BigDecimal(Double.toString(v)).setScale(8, java.math.RoundingMode.HALF_EVEN)
        .stripTrailingZeros().toPlainString();
  }
}
