package io.kimp.simulator.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.simulator.account.Matching.Fill;
import io.kimp.simulator.account.Transfers.Side;
import io.kimp.simulator.account.Transfers.Transfer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * Binance's private spot and wallet REST as documented (developers.binance.com: "Request security", "Trading endpoints",
 * "Account endpoints", Wallet "Capital"), on the simulated account.
 *
 * <p>Authentication, checked by {@link BinanceSignatures} (from the docs, not with kimp's signer): the {@code X-MBX-APIKEY} header ({@code -2014}
 * when malformed, {@code -2015} when unknown); {@code signature} = HMAC-SHA256 hex, keyed with the secret, of the query
 * string followed by the body, exactly as sent less the {@code signature} pair ({@code -1022}); {@code timestamp} at most
 * 1 s ahead of the server and no older than {@code recvWindow} (default 5000 ms, at most 60000: {@code -1131}) or
 * {@code -1021}.
 *
 * <p>Limits, as the docs' "/api/* and /sapi/* Limit Introduction" (General Info) and each endpoint's page give them;
 * the two families are counted apart:
 * <ul>
 *   <li>{@code /api/*}: every endpoint's weight counts against the one request weight per minute per IP ("all
 *       endpoints share 6,000 per minute per IP"; the window the public endpoints count on too unless
 *       {@link #limits} sets one; header {@code X-MBX-USED-WEIGHT-1M}), orders against 100 per 10 s and 200000 per day ({@code X-MBX-ORDER-COUNT-10S}/{@code -1D}, {@code -1015}). Past the weight: 429
 *       {@code -1003} with {@code Retry-After} to the end of the minute, and a request before that runs out is
 *       answered 418, the IP banned for 2 minutes ("failing to back off after receiving 429s will result in an
 *       automated IP ban").
 *   <li>{@code /sapi/*}: "endpoints are marked according to IP or UID limit and their corresponding weight value";
 *       "each endpoint with IP limits has an independent 12000 per minute limit", "each endpoint with UID limits has an
 *       independent 180000 per minute limit" (the UID is the account), so each endpoint here has its own window.
 *       Replies carry {@code X-SAPI-USED-IP-WEIGHT-1M} (IP-limited) or {@code X-SAPI-USED-UID-WEIGHT-1M} (UID-limited):
 *       that endpoint's weight used in the window. Weights: {@code capital/config/getall} IP 10,
 *       {@code capital/deposit/address} IP 10, {@code capital/deposit/hisrec} IP 1, {@code account/apiRestrictions}
 *       IP 1, {@code capital/withdraw/apply} UID 900 (200 a minute), {@code asset/transfer} UID 900 (answered by
 *       {@link BinanceFuturesAccount}); {@code capital/withdraw/history} UID 18000 on a per-second UID limit of 180000
 *       ("Request Limit: 10 requests per second"; header {@code X-SAPI-USED-UID-WEIGHT-1S}); any other {@code /sapi}
 *       path (which the simulator answers 404) IP 1, a choice of the simulator's. Past a window: 429 {@code -1003}
 *       with {@code Retry-After} to the end of the window and the endpoint's header, always: the 418 escalation is the
 *       {@code /api} one only ("IP bans (/api/* only)"), a {@code /sapi} 429 does not lead to it and an {@code /api}
 *       ban does not refuse {@code /sapi} (the docs say nothing of that).
 * </ul>
 * A request counts when it arrives, before its signature is checked; one refused 429 counts too. A throttle fault
 * ({@code throttledUntil}) answers 429 to both families.
 *
 * <p>Orders: MARKET (by {@code quantity}, or a buy by {@code quoteOrderQty}) fill at once against the book's levels, what
 * the book cannot fill expires ({@code EXPIRED}); LIMIT fills what crosses at once and rests the remainder (status
 * {@code NEW} / {@code PARTIALLY_FILLED}, its funds locked) until the book's touch reaches its price, when the rest fills
 * at the limit price, or until cancelled. Commission 0.1 % of what is received (the coin on a buy, USDT on a sell).
 * {@code newClientOrderId} must not be an open order's ({@code -2010 Duplicate order sent.}); lookups by
 * {@code origClientOrderId} find the newest order with it. Withdrawals ({@code withdrawOrderId} unique) take
 * {@code amount} from the balance and send {@code amount − fee}.
 */
final class BinanceAccount {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter APPLY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  /** {@code /api} weights, counted on the one request weight per minute per IP that every {@code /api} endpoint shares. */
  private static final Map<String, Integer> WEIGHTS = Map.ofEntries(
      Map.entry("GET /api/v3/account", 20), Map.entry("POST /api/v3/order", 1), Map.entry("GET /api/v3/order", 4),
      Map.entry("DELETE /api/v3/order", 1), Map.entry("GET /api/v3/openOrders", 6),
      Map.entry("GET /api/v3/myTrades", 20));

  /**
   * How a {@code /sapi} endpoint is limited, as its doc page marks it: its weight, counted per IP ({@code Weight(IP)}) or
   * per UID, the account ({@code Weight(UID)}), on its own window of a minute or (where the page says so) a second.
   */
  private record Sapi(boolean uid, int weight, boolean perSecond) {
    String header() {
      return "X-SAPI-USED-" + (uid ? "UID" : "IP") + "-WEIGHT-" + (perSecond ? "1S" : "1M");
    }
  }

  private static final Map<String, Sapi> SAPI = Map.of(
      "GET /sapi/v1/capital/config/getall", new Sapi(false, 10, false),
      "GET /sapi/v1/capital/deposit/address", new Sapi(false, 10, false),
      "GET /sapi/v1/capital/deposit/hisrec", new Sapi(false, 1, false),
      "GET /sapi/v1/account/apiRestrictions", new Sapi(false, 1, false),
      "POST /sapi/v1/capital/withdraw/apply", new Sapi(true, 900, false),
      // "This endpoint specifically uses per second UID rate limit, user's total second level UID rate limit is
      // 180000/second" (header X-SAPI-USED-UID-WEIGHT-1S); Weight(UID) 18000: "Request Limit: 10 requests per second"
      "GET /sapi/v1/capital/withdraw/history", new Sapi(true, 18_000, true),
      // the universal transfer (spot <-> USDT-M futures wallet), answered by the futures account when it is open
      "POST /sapi/v1/asset/transfer", new Sapi(true, 900, false));
  /** A {@code /sapi} endpoint the simulator does not serve (answered 404): not from the docs, IP weight 1. */
  private static final Sapi OTHER_SAPI = new Sapi(false, 1, false);
  /** Binance's per-second UID limit of the endpoints that count per second (withdraw history): 180000 per second. */
  private static final int SAPI_UID_PER_SECOND = 180_000;

  private final SimAccounts accounts;
  private final Ledger ledger;
  private RateLimit apiWeight;
  /** Each {@code /sapi} endpoint's own window (by endpoint), made on first use with the limits below. */
  private final Map<String, RateLimit> sapiWindows = new java.util.HashMap<>();
  private int sapiIpPerMinute = 12_000;
  private int sapiUidPerMinute = 180_000;
  private RateLimit orders10s;
  private RateLimit ordersDay;
  /**
   * Until when an {@code /api} 429's Retry-After runs (an {@code /api} request before then is banned), and until when
   * the IP is banned (418) from {@code /api}.
   */
  private long retryAfterUntil;
  private long bannedUntil;
  private final LongSupplier throttledUntil;
  private final List<Order> orders = new ArrayList<>();
  private final List<Withdrawal> withdrawals = new ArrayList<>();
  private long nextOrderId = 1;
  private long nextTradeId = 1;

  private static final class Order {
    long orderId;
    String symbol;
    String coin;
    String clientOrderId;
    boolean buy;
    String type;
    String status;
    BigDecimal origQty = BigDecimal.ZERO;
    BigDecimal origQuote;
    BigDecimal price = BigDecimal.ZERO;
    BigDecimal executedQty = BigDecimal.ZERO;
    BigDecimal quote = BigDecimal.ZERO;
    BigDecimal lockedLeft = BigDecimal.ZERO;
    final List<Object[]> trades = new ArrayList<>(); // {tradeId, price, qty, commission, asset, time, maker}
    long time;
    long updateTime;

    boolean open() {
      return status.equals("NEW") || status.equals("PARTIALLY_FILLED");
    }
  }

  private static final class Withdrawal {
    String id;
    String withdrawOrderId;
    String coin;
    String network;
    String address;
    String tag;
    BigDecimal amount;
    BigDecimal fee;
    Transfer transfer;
    long applyTime;
  }

  BinanceAccount(SimAccounts accounts, Ledger ledger, RateLimit apiWeight, LongSupplier throttledUntil) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.apiWeight = apiWeight;
    this.orders10s = SimAccounts.window(10_000, 100);
    this.ordersDay = SimAccounts.window(86_400_000, 200_000);
    this.throttledUntil = throttledUntil;
  }

  /**
   * Sets the request weight per minute of {@code /api}, each IP-limited {@code /sapi} endpoint's weight per minute (the
   * UID-limited ones keep 180000), and the order limits per 10 s and per day.
   */
  void limits(RateLimit api, int sapiIpPerMinute, int ordersPer10s, int ordersPerDay) {
    limits(api, sapiIpPerMinute, 180_000, ordersPer10s, ordersPerDay);
  }

  /**
   * Sets the request weight per minute of {@code /api}, each IP-limited and each UID-limited {@code /sapi} endpoint's
   * weight per minute, and the order limits per 10 s and per day. The {@code /sapi} windows start again empty.
   */
  void limits(RateLimit api, int sapiIpPerMinute, int sapiUidPerMinute, int ordersPer10s, int ordersPerDay) {
    this.apiWeight = api;
    this.sapiIpPerMinute = sapiIpPerMinute;
    this.sapiUidPerMinute = sapiUidPerMinute;
    this.sapiWindows.clear();
    this.orders10s = SimAccounts.window(10_000, ordersPer10s);
    this.ordersDay = SimAccounts.window(86_400_000, ordersPerDay);
  }

  static boolean isPrivate(String path) {
    return path.equals("/api/v3/order") || path.equals("/api/v3/openOrders") || path.equals("/api/v3/account")
        || path.equals("/api/v3/myTrades") || path.startsWith("/sapi/");
  }

  // ---------------------------------------------------------------- dispatch

  PrivateReply handle(PrivateRequest r, long now) {
    return handle(r, now, null);
  }

  /**
   * Answers {@code r} at {@code now}; {@code transfer}, when not null, answers {@code /sapi/v1/asset/transfer} (the
   * futures account's wallet transfer) once its {@code /sapi} limit let it through.
   */
  PrivateReply handle(PrivateRequest r, long now, BiFunction<PrivateRequest, Long, PrivateReply> transfer) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (r.path().startsWith("/sapi/")) {
      PrivateReply limited = sapiLimit(r.endpoint(), now, headers);
      if (limited != null) {
        return limited;
      }
      if (transfer != null && r.path().equals(BinanceFuturesAccount.TRANSFER)) {
        return transfer.apply(r, now).withHeaders(headers);
      }
    } else {
      RateLimit w = apiWeight;
      if (now < throttledUntil.getAsLong()) {
        return tooMany(w, now, (throttledUntil.getAsLong() - now + 999) / 1000);
      }
      if (now < bannedUntil || now < retryAfterUntil) {
        // still inside a 429's Retry-After (or a ban): the IP is banned, 2 minutes (Binance: "failing to back off after
        // receiving 429s will result in an automated IP ban (HTTP status 418)")
        if (now >= bannedUntil) {
          bannedUntil = now + 120_000;
        }
        return new PrivateReply(418, error(418, -1003, "Way too much request weight used; IP banned until "
            + bannedUntil + ". Please use WebSocket Streams for live updates to avoid bans.").body(),
            Map.of("Retry-After", Long.toString(Math.max(1, (bannedUntil - now + 999) / 1000))));
      }
      int used = w.add(now, WEIGHTS.getOrDefault(r.endpoint(), 1));
      if (used < 0) {
        retryAfterUntil = now + w.secondsLeft(now) * 1000;
        return tooMany(w, now, w.secondsLeft(now));
      }
      headers.put("X-MBX-USED-WEIGHT-1M", Integer.toString(used));
    }
    Map<String, String> p = new LinkedHashMap<>(r.query());
    PrivateRequest.form(r.body()).forEach(p::putIfAbsent);
    PrivateReply refused = authenticate(r, p, now);
    if (refused != null) {
      return refused.withHeaders(headers);
    }
    if (r.endpoint().equals("POST /api/v3/order")) {
      int n = orders10s.add(now, 1);
      int d = ordersDay.add(now, 1);
      headers.put("X-MBX-ORDER-COUNT-10S", Integer.toString(Math.max(n, orders10s.used(now))));
      headers.put("X-MBX-ORDER-COUNT-1D", Integer.toString(Math.max(d, ordersDay.used(now))));
      if (n < 0 || d < 0) {
        return error(429, -1015, "Too many new orders; current limit is " + (d < 0 ? ordersDay.limit() + " orders per DAY."
            : orders10s.limit() + " orders per TEN_SECONDS.")).withHeaders(headers);
      }
    }
    try {
      return route(r.endpoint(), p, now).withHeaders(headers);
    } catch (Refused e) {
      return error(e.status, e.code, e.getMessage()).withHeaders(headers);
    }
  }

  private PrivateReply route(String endpoint, Map<String, String> p, long now) throws Refused {
    switch (endpoint) {
      case "POST /api/v3/order":
        return ok(newOrder(p, now));
      case "GET /api/v3/order":
        return ok(orderJson(find(p)));
      case "DELETE /api/v3/order":
        return ok(cancel(p, now));
      case "GET /api/v3/openOrders":
        return ok(openOrders(p));
      case "GET /api/v3/myTrades":
        return ok(myTrades(p));
      case "GET /api/v3/account":
        return ok(account(p, now));
      case "GET /sapi/v1/capital/config/getall":
        return ok(coinConfig());
      case "GET /sapi/v1/capital/deposit/address":
        return ok(depositAddress(p));
      case "POST /sapi/v1/capital/withdraw/apply":
        return ok(withdraw(p, now));
      case "GET /sapi/v1/capital/withdraw/history":
        return ok(withdrawHistory(p, now));
      case "GET /sapi/v1/capital/deposit/hisrec":
        return ok(depositHistory(p));
      case "GET /sapi/v1/account/apiRestrictions":
        return ok(JSON.createObjectNode().put("ipRestrict", false).put("createTime", accounts.startedAt())
            .put("enableReading", true).put("enableWithdrawals", true).put("enableInternalTransfer", false)
            .put("enableMargin", false).put("enableFutures", false).put("permitsUniversalTransfer", false)
            .put("enableVanillaOptions", false).put("enableSpotAndMarginTrading", true)
            .put("enablePortfolioMarginTrading", false).put("enableFixApiTrade", false)
            .put("enableFixReadOnly", false));
      default:
        return error(404, -1000, "Unknown endpoint " + endpoint + ".");
    }
  }

  /**
   * Counts a {@code /sapi} request on its endpoint's own window: puts the weight header into {@code headers} and returns
   * null, or returns the 429 when the window is spent (or the venue is throttled). Never a 418, and never the
   * {@code /api} Retry-After that leads to one.
   */
  private PrivateReply sapiLimit(String endpoint, long now, Map<String, String> headers) {
    Sapi s = SAPI.getOrDefault(endpoint, OTHER_SAPI);
    RateLimit w = sapiWindows.computeIfAbsent(endpoint, e -> s.perSecond()
        ? SimAccounts.window(1_000, SAPI_UID_PER_SECOND)
        : SimAccounts.window(60_000, s.uid() ? sapiUidPerMinute : sapiIpPerMinute));
    if (now < throttledUntil.getAsLong()) {
      return sapiTooMany(s, w, now, (throttledUntil.getAsLong() - now + 999) / 1000);
    }
    int used = w.add(now, s.weight());
    if (used < 0) {
      return sapiTooMany(s, w, now, w.secondsLeft(now));
    }
    headers.put(s.header(), Integer.toString(used));
    return null;
  }

  // ---------------------------------------------------------------- authentication

  private PrivateReply authenticate(PrivateRequest r, Map<String, String> p, long now) {
    try {
      BinanceSignatures.checkApiKey(r, accounts.keys().binanceApiKey());
      if (accounts.binanceKeyRefused()) {
        return error(401, -2015, "Invalid API-key, IP, or permissions for action.");
      }
      BinanceSignatures.checkSigned(r, p, accounts.keys().binanceSecretKey(), now + accounts.binanceClockOffset());
      return null;
    } catch (BinanceSignatures.Refused e) {
      return error(e.status, e.code, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- orders

  private String coinOf(Map<String, String> p) throws Refused {
    String symbol = p.get("symbol");
    if (symbol == null || symbol.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    }
    if (!symbol.endsWith("USDT") || accounts.binanceBook(symbol.substring(0, symbol.length() - 4)) == null) {
      throw new Refused(400, -1121, "Invalid symbol.");
    }
    return symbol.substring(0, symbol.length() - 4);
  }

  private static BigDecimal decimal(Map<String, String> p, String name) throws Refused {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    try {
      BigDecimal d = new BigDecimal(v);
      if (d.signum() < 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new Refused(400, -1100, "Illegal characters found in parameter '" + name + "'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
    }
  }

  private ObjectNode newOrder(Map<String, String> p, long now) throws Refused {
    String coin = coinOf(p);
    Ladder book = accounts.binanceBook(coin);
    String side = p.get("side");
    if (!"BUY".equals(side) && !"SELL".equals(side)) {
      throw new Refused(400, -1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    }
    String type = p.get("type");
    if (type == null) {
      throw new Refused(400, -1102, "Mandatory parameter 'type' was not sent, was empty/null, or malformed.");
    }
    String clientId = p.get("newClientOrderId");
    if (clientId == null) {
      clientId = "sim" + UUID.randomUUID().toString().replace("-", "").substring(0, 19);
    } else if (!clientId.matches("^[\\.A-Z\\:/a-z0-9_-]{1,36}$")) {
      throw new Refused(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is "
          + "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
    }
    for (Order o : orders) {
      if (o.open() && o.clientOrderId.equals(clientId)) {
        throw new Refused(400, -2010, "Duplicate order sent.");
      }
    }
    boolean buy = side.equals("BUY");
    BigDecimal step = BigDecimal.valueOf(book.step()).stripTrailingZeros();
    BigDecimal tick = BigDecimal.valueOf(book.tick()).stripTrailingZeros();
    BigDecimal qty = decimal(p, "quantity");
    BigDecimal quoteQty = decimal(p, "quoteOrderQty");
    Order o = new Order();
    o.symbol = coin + "USDT";
    o.coin = coin;
    o.clientOrderId = clientId;
    o.buy = buy;
    o.type = type;
    o.time = now;
    o.updateTime = now;
    List<Fill> fills;
    if (type.equals("MARKET")) {
      if ((qty == null) == (quoteQty == null)) {
        throw new Refused(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
      }
      if (qty != null && qty.remainder(step).signum() != 0) {
        throw new Refused(400, -1013, "Filter failure: LOT_SIZE");
      }
      fills = Matching.walk(book, buy, null, qty, quoteQty, step);
      BigDecimal filledQuote = Matching.quote(fills);
      if (filledQuote.compareTo(accounts.binanceMinNotional()) < 0) {
        throw new Refused(400, -1013, "Filter failure: NOTIONAL");
      }
      if (buy ? ledger.free("USDT").compareTo(filledQuote) < 0 : ledger.free(coin).compareTo(Matching.qty(fills)) < 0) {
        throw new Refused(400, -2010, "Account has insufficient balance for requested action.");
      }
      o.origQty = qty != null ? qty : Matching.qty(fills);
      o.origQuote = quoteQty;
    } else if (type.equals("LIMIT")) {
      BigDecimal price = decimal(p, "price");
      if (qty == null || price == null || p.get("timeInForce") == null) {
        throw new Refused(400, -1102, "Mandatory parameter '" + (qty == null ? "quantity" : price == null ? "price"
            : "timeInForce") + "' was not sent, was empty/null, or malformed.");
      }
      if (qty.signum() <= 0 || qty.remainder(step).signum() != 0) {
        throw new Refused(400, -1013, "Filter failure: LOT_SIZE");
      }
      if (price.signum() <= 0 || price.remainder(tick).signum() != 0) {
        throw new Refused(400, -1013, "Filter failure: PRICE_FILTER");
      }
      if (price.multiply(qty).compareTo(accounts.binanceMinNotional()) < 0) {
        throw new Refused(400, -1013, "Filter failure: NOTIONAL");
      }
      o.origQty = qty;
      o.price = price;
      BigDecimal lock = buy ? qty.multiply(price) : qty;
      if (!ledger.lock(buy ? "USDT" : coin, lock)) {
        throw new Refused(400, -2010, "Account has insufficient balance for requested action.");
      }
      o.lockedLeft = lock;
      fills = Matching.walk(book, buy, price, qty, null, step);
    } else {
      throw new Refused(400, -1116, "Invalid orderType.");
    }
    o.orderId = nextOrderId++;
    o.status = "NEW";
    orders.add(o);
    ArrayNode replyFills = JSON.createArrayNode();
    for (Fill f : fills) {
      Object[] t = fill(o, f.price(), f.qty(), now, false);
      replyFills.addObject().put("price", plain(f.price())).put("qty", plain(f.qty()))
          .put("commission", plain((BigDecimal) t[3])).put("commissionAsset", (String) t[4])
          .put("tradeId", (Long) t[0]);
    }
    if (type.equals("MARKET")) {
      // what the book could not fill expires; a buy by quote amount is filled when less than a lot's worth is left
      boolean filled = o.origQuote == null ? o.executedQty.compareTo(o.origQty) >= 0
          : o.origQuote.subtract(o.quote).compareTo(
              BigDecimal.valueOf(book.askPx()[book.askPx().length - 1]).multiply(step)) < 0;
      o.status = filled ? "FILLED" : "EXPIRED";
    }
    ObjectNode json = orderJson(o);
    json.put("transactTime", now).remove("time");
    json.set("fills", replyFills);
    return json;
  }

  /**
   * Books one fill of {@code o}: the balances (from the locked funds of a limit order), the commission on what is
   * received, and the trade. Returns the trade {tradeId, price, qty, commission, asset, time, maker}.
   */
  private Object[] fill(Order o, BigDecimal price, BigDecimal qty, long now, boolean maker) {
    BigDecimal quote = price.multiply(qty);
    BigDecimal fee = accounts.binanceFee();
    BigDecimal commission;
    String asset;
    if (o.buy) {
      commission = qty.multiply(fee).setScale(8, RoundingMode.UP);
      asset = o.coin;
      spend(o, "USDT", quote);
      ledger.credit(o.coin, qty.subtract(commission));
    } else {
      commission = quote.multiply(fee).setScale(8, RoundingMode.UP);
      asset = "USDT";
      spend(o, o.coin, qty);
      ledger.credit("USDT", quote.subtract(commission));
    }
    o.executedQty = o.executedQty.add(qty);
    o.quote = o.quote.add(quote);
    o.updateTime = now;
    o.status = o.executedQty.compareTo(o.origQty) >= 0 && o.type.equals("LIMIT") ? "FILLED"
        : o.type.equals("LIMIT") ? "PARTIALLY_FILLED" : o.status;
    Object[] t = {nextTradeId++, price, qty, commission, asset, now, maker};
    o.trades.add(t);
    if (o.type.equals("LIMIT") && o.status.equals("FILLED") && o.lockedLeft.signum() > 0) {
      // a buy that filled below its limit price: what it locked and did not spend is free again
      ledger.release(o.buy ? "USDT" : o.coin, o.lockedLeft, false);
      o.lockedLeft = BigDecimal.ZERO;
    }
    return t;
  }

  private void spend(Order o, String asset, BigDecimal amount) {
    if (o.type.equals("LIMIT")) {
      BigDecimal fromLock = amount.min(o.lockedLeft);
      ledger.release(asset, fromLock, true);
      o.lockedLeft = o.lockedLeft.subtract(fromLock);
    } else {
      ledger.apply(Map.of(asset, amount.negate()));
    }
  }

  /** Resting limit orders whose price the book's touch has reached fill their remainder at their price (maker). */
  void matchResting(long now) {
    for (Order o : orders) {
      if (!o.open() || !o.type.equals("LIMIT")) {
        continue;
      }
      Ladder book = accounts.binanceBook(o.coin);
      if (book == null) {
        continue;
      }
      boolean crossed = o.buy ? book.bestAsk() > 0 && BigDecimal.valueOf(book.bestAsk()).compareTo(o.price) <= 0
          : BigDecimal.valueOf(book.bestBid()).compareTo(o.price) >= 0;
      if (crossed) {
        fill(o, o.price, o.origQty.subtract(o.executedQty), now, true);
      }
    }
  }

  private Order find(Map<String, String> p) throws Refused {
    String coin = coinOf(p);
    String clientId = p.get("origClientOrderId");
    String orderId = p.get("orderId");
    if (clientId == null && orderId == null) {
      throw new Refused(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    for (int i = orders.size() - 1; i >= 0; i--) {
      Order o = orders.get(i);
      if (o.coin.equals(coin) && (orderId != null ? String.valueOf(o.orderId).equals(orderId)
          : o.clientOrderId.equals(clientId))) {
        return o;
      }
    }
    throw new Refused(400, -2013, "Order does not exist.");
  }

  private ObjectNode cancel(Map<String, String> p, long now) throws Refused {
    Order o;
    try {
      o = find(p);
    } catch (Refused e) {
      throw e.code == -2013 ? new Refused(400, -2011, "Unknown order sent.") : e;
    }
    if (!o.open()) {
      throw new Refused(400, -2011, "Unknown order sent.");
    }
    o.status = "CANCELED";
    o.updateTime = now;
    if (o.lockedLeft.signum() > 0) {
      ledger.release(o.buy ? "USDT" : o.coin, o.lockedLeft, false);
      o.lockedLeft = BigDecimal.ZERO;
    }
    ObjectNode n = orderJson(o);
    n.remove("time");
    n.remove("updateTime");
    n.remove("isWorking");
    n.remove("workingTime");
    n.put("origClientOrderId", o.clientOrderId);
    n.put("clientOrderId", p.getOrDefault("newClientOrderId",
        "sim" + UUID.randomUUID().toString().replace("-", "").substring(0, 19)));
    n.put("transactTime", now);
    return n;
  }

  private ArrayNode openOrders(Map<String, String> p) throws Refused {
    String coin = p.containsKey("symbol") ? coinOf(p) : null;
    ArrayNode out = JSON.createArrayNode();
    for (Order o : orders) {
      if (o.open() && (coin == null || o.coin.equals(coin))) {
        out.add(orderJson(o));
      }
    }
    return out;
  }

  private ArrayNode myTrades(Map<String, String> p) throws Refused {
    String coin = coinOf(p);
    String orderId = p.get("orderId");
    ArrayNode out = JSON.createArrayNode();
    for (Order o : orders) {
      if (!o.coin.equals(coin) || orderId != null && !String.valueOf(o.orderId).equals(orderId)) {
        continue;
      }
      for (Object[] t : o.trades) {
        BigDecimal price = (BigDecimal) t[1];
        BigDecimal qty = (BigDecimal) t[2];
        out.addObject().put("symbol", o.symbol).put("id", (Long) t[0]).put("orderId", o.orderId)
            .put("orderListId", -1).put("price", plain(price)).put("qty", plain(qty))
            .put("quoteQty", plain(price.multiply(qty))).put("commission", plain((BigDecimal) t[3]))
            .put("commissionAsset", (String) t[4]).put("time", (Long) t[5]).put("isBuyer", o.buy)
            .put("isMaker", (Boolean) t[6]).put("isBestMatch", true);
      }
    }
    return out;
  }

  private ObjectNode orderJson(Order o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("symbol", o.symbol).put("orderId", o.orderId).put("orderListId", -1).put("clientOrderId", o.clientOrderId)
        .put("price", o.type.equals("MARKET") ? "0.00000000" : plain(o.price)).put("origQty", plain(o.origQty))
        .put("executedQty", plain(o.executedQty)).put("origQuoteOrderQty", plain(
            o.origQuote == null ? BigDecimal.ZERO : o.origQuote))
        .put("cummulativeQuoteQty", plain(o.quote)).put("status", o.status)
        .put("timeInForce", "GTC").put("type", o.type).put("side", o.buy ? "BUY" : "SELL")
        .put("stopPrice", "0.00000000").put("icebergQty", "0.00000000").put("time", o.time)
        .put("updateTime", o.updateTime).put("isWorking", true).put("workingTime", o.time)
        .put("selfTradePreventionMode", "EXPIRE_MAKER");
    return n;
  }

  // ---------------------------------------------------------------- account and wallet

  private ObjectNode account(Map<String, String> p, long now) {
    ObjectNode root = JSON.createObjectNode();
    root.put("makerCommission", 10).put("takerCommission", 10).put("buyerCommission", 0).put("sellerCommission", 0)
        .put("canTrade", true).put("canWithdraw", true).put("canDeposit", true).put("brokered", false)
        .put("requireSelfTradePrevention", false).put("preventSor", false).put("updateTime", now)
        .put("accountType", "SPOT");
    boolean omitZero = "true".equalsIgnoreCase(p.get("omitZeroBalances"));
    ArrayNode b = root.putArray("balances");
    ledger.all().forEach((asset, fl) -> {
      if (!omitZero || fl[0].signum() > 0 || fl[1].signum() > 0) {
        b.addObject().put("asset", asset).put("free", plain(fl[0])).put("locked", plain(fl[1]));
      }
    });
    root.putArray("permissions").add("SPOT");
    root.put("uid", 354937868);
    return root;
  }

  private ArrayNode coinConfig() {
    ArrayNode out = JSON.createArrayNode();
    for (CoinWallet w : List.copyOf(accounts.wallets().values())) {
      if (accounts.binanceBook(w.coin()) == null) {
        continue; // a coin Binance does not list
      }
      boolean in = accounts.depositOpen(Side.BINANCE, w.coin());
      boolean outOpen = accounts.withdrawOpen(Side.BINANCE, w.coin());
      ObjectNode c = out.addObject().put("coin", w.coin()).put("depositAllEnable", in).put("withdrawAllEnable", outOpen)
          .put("name", w.coin()).put("free", plain(ledger.free(w.coin()))).put("locked", plain(ledger.locked(w.coin())))
          .put("freeze", "0").put("withdrawing", "0").put("ipoing", "0").put("ipoable", "0").put("storage", "0")
          .put("isLegalMoney", false).put("trading", true);
      c.putArray("networkList").addObject().put("network", w.network()).put("coin", w.coin())
          .put("withdrawIntegerMultiple", BigDecimal.ONE.movePointLeft(w.decimals()).toPlainString())
          .put("isDefault", true).put("depositEnable", in).put("withdrawEnable", outOpen)
          .put("depositDesc", "").put("withdrawDesc", "").put("name", w.network())
          .put("resetAddressStatus", false).put("withdrawFee", plain(w.binanceFee()))
          .put("withdrawMin", plain(w.minimum())).put("withdrawMax", "9999999999")
          .put("minConfirm", 1).put("unLockConfirm", 0).put("sameAddress", w.tagRequired())
          .put("estimatedArrivalTime", Math.max(1, accounts.transfers().delayMillis() / 60_000))
          .put("busy", false);
    }
    return out;
  }

  private CoinWallet wallet(Map<String, String> p) throws Refused {
    String coin = p.get("coin");
    if (coin == null || coin.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'coin' was not sent, was empty/null, or malformed.");
    }
    CoinWallet w = accounts.wallet(coin);
    if (w == null) {
      throw new Refused(400, -4003, "This coin does not exist in the wallet.");
    }
    String network = p.get("network");
    if (network != null && !network.isEmpty() && !network.equals(w.network())) {
      throw new Refused(400, -4019, "The network " + network + " is not supported for " + coin + ".");
    }
    return w;
  }

  private ObjectNode depositAddress(Map<String, String> p) throws Refused {
    CoinWallet w = wallet(p);
    String tag = accounts.transfers().tag(Side.BINANCE, w.coin());
    return JSON.createObjectNode().put("address", accounts.transfers().address(Side.BINANCE, w.coin()))
        .put("coin", w.coin()).put("tag", tag == null ? "" : tag).put("url", "");
  }

  private ObjectNode withdraw(Map<String, String> p, long now) throws Refused {
    CoinWallet w = wallet(p);
    String address = p.get("address");
    BigDecimal amount = decimal(p, "amount");
    if (address == null || amount == null) {
      throw new Refused(400, -1102, "Mandatory parameter '" + (address == null ? "address" : "amount")
          + "' was not sent, was empty/null, or malformed.");
    }
    String clientId = p.get("withdrawOrderId");
    if (clientId != null) {
      for (Withdrawal x : withdrawals) {
        if (clientId.equals(x.withdrawOrderId)) {
          throw new Refused(400, -4000, "Duplicate withdrawOrderId.");
        }
      }
    }
    Side to = accounts.transfers().owner(address);
    if (to != Side.UPBIT) {
      throw new Refused(400, -4005, "Invalid address.");
    }
    if (!accounts.withdrawOpen(Side.BINANCE, w.coin())) {
      throw new Refused(400, -4019, "Current asset is not open for withdrawal.");
    }
    String tag = p.get("addressTag");
    if (w.tagRequired() && (tag == null || tag.isBlank())) {
      throw new Refused(400, -4007, "Address tag is required for " + w.coin() + ".");
    }
    if (amount.stripTrailingZeros().scale() > w.decimals()) {
      throw new Refused(400, -4018, "The amount precision of " + w.coin() + " is " + w.decimals() + " decimals.");
    }
    if (amount.compareTo(w.minimum()) < 0) {
      throw new Refused(400, -4022, "The withdrawal amount is below the minimum " + plain(w.minimum()) + ".");
    }
    if (amount.compareTo(w.binanceFee()) <= 0) {
      throw new Refused(400, -4006, "Withdrawal amount must be greater than the fee.");
    }
    if (!ledger.apply(Map.of(w.coin(), amount.negate()))) {
      throw new Refused(400, -4026, "User has insufficient balance");
    }
    Withdrawal x = new Withdrawal();
    x.id = UUID.nameUUIDFromBytes(("binance-withdrawal" + withdrawals.size() + now).getBytes()).toString()
        .replace("-", "");
    x.withdrawOrderId = clientId;
    x.coin = w.coin();
    x.network = w.network();
    x.address = address;
    x.tag = tag;
    x.amount = amount;
    x.fee = w.binanceFee();
    x.applyTime = now;
    x.transfer = accounts.transfers().send(Side.BINANCE, w.coin(), w.network(), amount.subtract(x.fee), address, tag,
        now);
    withdrawals.add(x);
    return JSON.createObjectNode().put("id", x.id);
  }

  private ArrayNode withdrawHistory(Map<String, String> p, long now) {
    ArrayNode out = JSON.createArrayNode();
    long start = parseLong(p.get("startTime"), 0);
    for (int i = withdrawals.size() - 1; i >= 0; i--) {
      Withdrawal w = withdrawals.get(i);
      if (p.containsKey("coin") && !p.get("coin").equals(w.coin)
          || p.containsKey("withdrawOrderId") && !p.get("withdrawOrderId").equals(w.withdrawOrderId)
          || w.applyTime < start) {
        continue;
      }
      boolean arrived = w.transfer.arrived(now);
      ObjectNode n = out.addObject();
      n.put("id", w.id).put("amount", plain(w.amount)).put("transactionFee", plain(w.fee)).put("coin", w.coin)
          .put("status", arrived ? 6 : 4).put("address", w.address).put("txId", w.transfer.txId)
          .put("applyTime", APPLY_TIME.format(Instant.ofEpochMilli(w.applyTime))).put("network", w.network)
          .put("transferType", 0).put("info", "").put("confirmNo", arrived ? 1 : 0).put("walletType", 0)
          .put("txKey", "");
      if (w.tag != null) {
        n.put("addressTag", w.tag);
      }
      if (w.withdrawOrderId != null) {
        n.put("withdrawOrderId", w.withdrawOrderId);
      }
      if (arrived) {
        n.put("completeTime", APPLY_TIME.format(Instant.ofEpochMilli(w.transfer.arrivesAt)));
      }
    }
    return out;
  }

  private ArrayNode depositHistory(Map<String, String> p) {
    ArrayNode out = JSON.createArrayNode();
    long start = parseLong(p.get("startTime"), 0);
    List<Transfer> in = new ArrayList<>(accounts.transfers().depositsTo(Side.BINANCE));
    java.util.Collections.reverse(in);
    for (Transfer t : in) {
      if (p.containsKey("coin") && !p.get("coin").equals(t.coin) || t.sentAt < start) {
        continue;
      }
      out.addObject().put("id", t.depositId).put("amount", plain(t.amount)).put("coin", t.coin)
          .put("network", t.network).put("status", t.credited ? 1 : 0).put("address", t.address)
          .put("addressTag", t.tag == null ? "" : t.tag).put("txId", t.txId).put("insertTime", t.sentAt)
          .put("transferType", 0).put("confirmTimes", t.credited ? "1/1" : "0/1").put("unlockConfirm", 0)
          .put("walletType", 0);
    }
    return out;
  }

  private static long parseLong(String v, long dflt) {
    try {
      return v == null ? dflt : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  // ---------------------------------------------------------------- replies

  private PrivateReply tooMany(RateLimit w, long now, long retryAfter) {
    return new PrivateReply(429, "{\"code\":-1003,\"msg\":\"Too many requests; current limit of IP(127.0.0.1) request "
        + "weight is " + w.limit() + " per minute. Please use WebSocket Streams for live updates to avoid polling the "
        + "API.\"}", Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(w.used(now)), "Retry-After",
            Long.toString(retryAfter)));
  }

  private static PrivateReply sapiTooMany(Sapi s, RateLimit w, long now, long retryAfter) {
    return new PrivateReply(429, error(429, -1003, "Too much request weight used; current limit of "
        + (s.uid() ? "UID" : "IP(127.0.0.1)") + " request weight is " + w.limit() + " per "
        + (s.perSecond() ? "SECOND" : "MINUTE") + " on this endpoint. Please use WebSocket Streams for live updates to "
        + "avoid polling the API.").body(), Map.of(s.header(), Integer.toString(w.used(now)), "Retry-After",
            Long.toString(Math.max(1, retryAfter))));
  }

  private static PrivateReply ok(Object json) {
    return new PrivateReply(200, json.toString());
  }

  /** Binance's body of a 429 (too much weight) or a 418 (the IP banned for not backing off). */
  static String rateLimitBody(int status) {
    return error(status, -1003, status == 418
        ? "Way too much request weight used; IP banned until later. Please use WebSocket Streams for live updates to "
            + "avoid bans."
        : "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket "
            + "Streams for live updates to avoid polling the API.").body();
  }

  static PrivateReply error(int status, int code, String msg) {
    ObjectNode n = JSON.createObjectNode().put("code", code).put("msg", msg);
    return new PrivateReply(status, n.toString());
  }

  static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  /** A request Binance refuses, with its HTTP status, code and message. */
  static final class Refused extends Exception {
    final int status;
    final int code;

    Refused(int status, int code, String msg) {
      super(msg, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  // ---------------------------------------------------------------- for tests and the report

  int orderCount() {
    return orders.size();
  }

  /**
   * What the account's trades, withdrawals and credited deposits add up to per asset, from their own records (not the
   * ledger): the ledger's totals less the starting balances must equal it.
   */
  Map<String, BigDecimal> flows() {
    Map<String, BigDecimal> out = new java.util.TreeMap<>();
    for (Order o : orders) {
      for (Object[] t : o.trades) {
        BigDecimal quote = ((BigDecimal) t[1]).multiply((BigDecimal) t[2]);
        BigDecimal qty = (BigDecimal) t[2];
        BigDecimal commission = (BigDecimal) t[3];
        out.merge("USDT", o.buy ? quote.negate() : quote.subtract(commission), BigDecimal::add);
        out.merge(o.coin, o.buy ? qty.subtract(commission) : qty.negate(), BigDecimal::add);
      }
    }
    for (Withdrawal w : withdrawals) {
      out.merge(w.coin, w.amount.negate(), BigDecimal::add);
    }
    for (Transfer t : accounts.transfers().depositsTo(Side.BINANCE)) {
      if (t.credited) {
        out.merge(t.coin, t.amount, BigDecimal::add);
      }
    }
    return out;
  }

  int withdrawalCount() {
    return withdrawals.size();
  }

  /** Orders created per client order id. */
  Map<String, Integer> ordersByClientId() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (Order o : orders) {
      out.merge(o.clientOrderId, 1, Integer::sum);
    }
    return out;
  }

  /** Withdrawals created per {@code withdrawOrderId} (those sent without one are not counted). */
  Map<String, Integer> withdrawalsByClientId() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (Withdrawal w : withdrawals) {
      if (w.withdrawOrderId != null) {
        out.merge(w.withdrawOrderId, 1, Integer::sum);
      }
    }
    return out;
  }
}
