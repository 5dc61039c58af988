package io.kimp.simulator.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.simulator.account.BinanceAccount.Refused;
import io.kimp.simulator.account.Matching.Fill;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Binance's private USDT-M futures REST ({@code /fapi}) as documented (developers.binance.com, derivatives /
 * usds-margined-futures: "Trade", "Account", "Position"), and the spot wallet's universal transfer
 * ({@code POST /sapi/v1/asset/transfer}, {@code MAIN_UMFUTURE} / {@code UMFUTURE_MAIN}) that funds it, on one USDT
 * futures wallet apart from the spot account's balances.
 *
 * <p>Authentication as for spot ({@link BinanceSignatures}, the same key). Weights count against the futures venue's
 * request weight per minute (the one its public endpoints count on, 2400); orders weigh 0 there and count against 300
 * per 10 s and 1200 per minute ({@code -1015}).
 *
 * <p>The account is in One-way Mode (positionSide {@code BOTH}; {@code LONG}/{@code SHORT} are refused with
 * {@code -4061}) with cross margin, unless switched to Hedge Mode ({@link SimAccounts#setFuturesHedgeMode}, shown by
 * {@code GET /fapi/v1/positionSide/dual}): then positionRisk lists a {@code LONG} and a {@code SHORT} row per symbol,
 * an order with {@code reduceOnly} is refused {@code -1106} and one without {@code positionSide} (or {@code BOTH})
 * {@code -4061}; the simulator keeps no hedge positions, so {@code LONG}/{@code SHORT} orders are refused
 * {@code -4061} too. A key refused ({@link SimAccounts#refuseBinanceKey}) or without the futures permission
 * ({@link SimAccounts#disableFutures}, on {@code /fapi} only) is answered {@code -2015}; the signature's timestamp is
 * checked against Binance's clock ({@link SimAccounts#setBinanceClockOffset}). Orders are MARKET only ({@code -1116} for other types): they fill at once against the
 * simulated futures book (the futures venue's quotes), what the book cannot fill expires ({@code EXPIRED}); the taker
 * commission (0.05 %) is charged in USDT on the wallet. A position keeps its average entry price; reducing it realises
 * (fill − entry) × quantity on the wallet. The quantity must be a multiple of the contract's step ({@code -1111}) and
 * positive ({@code -4003}) and at least the minimum quantity when one is set ({@link SimAccounts#setFuturesMinQty},
 * {@code -4004}); an order that does not only reduce must be worth at least the contract's minimum notional (5
 * USDT) at the mark price ({@code -4164}); a reduce-only order with no position to reduce, on the position's side or
 * larger than the position is refused ({@code -2022}); an order whose new exposure needs more initial margin (notional
 * / leverage) plus commission than the available balance is refused ({@code -2019}). {@code newClientOrderId} is taken
 * once ({@code -4116}) and must match {@code ^[\.A-Z\:/a-z0-9_-]{1,36}$} ({@code -4015}); an order is found by
 * {@code orderId} or {@code origClientOrderId} ({@code -2013}). Unknown symbols are {@code -1121}.
 *
 * <p>Balances, as {@code /fapi/v2/account} shows them: wallet balance (transfers, realised PnL, commissions), unrealised
 * PnL at the mark price, initial margin of the positions at the mark price over their leverage (20 until set), and the
 * available balance = wallet + unrealised PnL − initial margin. The liquidation price is the mark at which the wallet's
 * loss on that position alone would use the whole wallet (maintenance margin and other positions left out). No funding
 * is charged.
 */
final class BinanceFuturesAccount {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final BigDecimal TAKER = new BigDecimal("0.0005");
  static final BigDecimal MAKER = new BigDecimal("0.0002");
  private static final BigDecimal MIN_NOTIONAL = new BigDecimal("5");
  private static final int DEFAULT_LEVERAGE = 20;
  static final String TRANSFER = "/sapi/v1/asset/transfer";
  private static final Map<String, Integer> WEIGHTS = Map.of(
      "POST /fapi/v1/order", 0, "GET /fapi/v1/order", 1, "GET /fapi/v1/userTrades", 5,
      "GET /fapi/v1/commissionRate", 20, "POST /fapi/v1/leverage", 1, "GET /fapi/v2/positionRisk", 5,
      "GET /fapi/v2/account", 5, "GET /fapi/v2/balance", 5, "GET /fapi/v1/positionSide/dual", 30);

  private final Ledger spot;
  private final FuturesQuotes quotes;
  private final SimAccounts accounts;
  private volatile RateLimit weight;
  private volatile RateLimit orders10s = SimAccounts.window(10_000, 300);
  private volatile RateLimit orders1m = SimAccounts.window(60_000, 1200);
  private volatile BigDecimal taker = TAKER;
  private volatile BigDecimal minNotional = MIN_NOTIONAL;
  private volatile BigDecimal minQty = BigDecimal.ZERO; // LOT_SIZE minQty beyond the step (none until set)
  private volatile boolean hedgeMode;
  private volatile boolean futuresDisabled;
  private final LongSupplier throttledUntil;
  private BigDecimal startWallet;
  private BigDecimal wallet;
  private final Map<String, Position> positions = new TreeMap<>();
  private final List<Order> orders = new ArrayList<>();
  private final List<BigDecimal> transfers = new ArrayList<>(); // into the futures wallet: + in, − out
  private long nextOrderId = 8_389_765_000L;
  private long nextTradeId = 1;
  private long nextTranId = 13_526_853_623L;

  private static final class Position {
    BigDecimal amount = BigDecimal.ZERO; // + long, − short
    BigDecimal entry = BigDecimal.ZERO;
    int leverage = DEFAULT_LEVERAGE;
    long updateTime;
  }

  private static final class Order {
    long orderId;
    String symbol;
    String coin;
    String clientOrderId;
    boolean buy;
    boolean reduceOnly;
    String status;
    BigDecimal origQty;
    BigDecimal executedQty = BigDecimal.ZERO;
    BigDecimal quote = BigDecimal.ZERO;
    final List<Trade> trades = new ArrayList<>();
    long time;
    long updateTime;
  }

  private record Trade(long id, BigDecimal price, BigDecimal qty, BigDecimal commission, BigDecimal realizedPnl,
      long time) {}

  BinanceFuturesAccount(Ledger spot, FuturesQuotes quotes, SimAccounts accounts, RateLimit weight,
      LongSupplier throttledUntil, BigDecimal startWallet) {
    this.spot = spot;
    this.quotes = quotes;
    this.accounts = accounts;
    this.weight = weight;
    this.throttledUntil = throttledUntil;
    this.startWallet = startWallet;
    this.wallet = startWallet;
  }

  static boolean isPrivate(String path) {
    return path.equals("/fapi/v1/order") || path.equals("/fapi/v1/userTrades")
        || path.equals("/fapi/v1/commissionRate") || path.equals("/fapi/v1/leverage")
        || path.equals("/fapi/v2/positionRisk") || path.equals("/fapi/v2/account") || path.equals("/fapi/v2/balance")
        || path.equals("/fapi/v1/positionSide/dual");
  }

  // ---------------------------------------------------------------- dispatch

  PrivateReply handle(PrivateRequest r, long now) {
    if (now < throttledUntil.getAsLong()) {
      return tooMany(weight, now, (throttledUntil.getAsLong() - now + 999) / 1000);
    }
    int used = weight.add(now, WEIGHTS.getOrDefault(r.endpoint(), 1));
    if (used < 0) {
      return tooMany(weight, now, weight.secondsLeft(now));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-MBX-USED-WEIGHT-1M", Integer.toString(used));
    Map<String, String> p = params(r);
    PrivateReply refused = authenticate(r, p, now);
    if (refused == null && futuresDisabled) {
      refused = BinanceAccount.error(401, -2015, "Invalid API-key, IP, or permissions for action, request ip: "
          + "127.0.0.1");
    }
    if (refused != null) {
      return refused.withHeaders(headers);
    }
    if (r.endpoint().equals("POST /fapi/v1/order")) {
      int n10 = orders10s.add(now, 1);
      int n1m = orders1m.add(now, 1);
      headers.put("X-MBX-ORDER-COUNT-10S", Integer.toString(Math.max(n10, orders10s.used(now))));
      headers.put("X-MBX-ORDER-COUNT-1M", Integer.toString(Math.max(n1m, orders1m.used(now))));
      if (n10 < 0 || n1m < 0) {
        return BinanceAccount.error(429, -1015, "Too many new orders; current limit is "
            + (n10 < 0 ? orders10s.limit() + " orders per TEN_SECONDS." : orders1m.limit() + " orders per MINUTE."))
            .withHeaders(headers);
      }
    }
    try {
      return ok(route(r.endpoint(), p, now)).withHeaders(headers);
    } catch (Refused e) {
      return BinanceAccount.error(e.status, e.code, e.getMessage()).withHeaders(headers);
    }
  }

  /**
   * {@code POST /sapi/v1/asset/transfer}, on the spot API: {@link BinanceAccount} counts it on its {@code /sapi} limit
   * (Weight(UID) 900) and adds the weight header, then calls this.
   */
  PrivateReply transfer(PrivateRequest r, long now) {
    Map<String, String> p = params(r);
    PrivateReply refused = authenticate(r, p, now);
    if (refused != null) {
      return refused;
    }
    if (!r.method().equals("POST")) {
      return BinanceAccount.error(404, -1000, "Unknown endpoint " + r.endpoint() + ".");
    }
    try {
      return ok(transfer(p));
    } catch (Refused e) {
      return BinanceAccount.error(e.status, e.code, e.getMessage());
    }
  }

  private static Map<String, String> params(PrivateRequest r) {
    Map<String, String> p = new LinkedHashMap<>(r.query());
    PrivateRequest.form(r.body()).forEach(p::putIfAbsent);
    return p;
  }

  private Object route(String endpoint, Map<String, String> p, long now) throws Refused {
    return switch (endpoint) {
      case "POST /fapi/v1/order" -> newOrder(p, now);
      case "GET /fapi/v1/order" -> orderJson(find(p));
      case "GET /fapi/v1/userTrades" -> userTrades(p);
      case "GET /fapi/v1/commissionRate" -> JSON.createObjectNode().put("symbol", symbolOf(coinOf(p)))
          .put("makerCommissionRate", plain(MAKER)).put("takerCommissionRate", plain(taker));
      case "GET /fapi/v1/positionSide/dual" -> JSON.createObjectNode().put("dualSidePosition", hedgeMode);
      case "POST /fapi/v1/leverage" -> leverage(p);
      case "GET /fapi/v2/positionRisk" -> positionRisk(p);
      case "GET /fapi/v2/account" -> account(now);
      case "GET /fapi/v2/balance" -> JSON.createArrayNode().add(balance(now));
      default -> throw new Refused(404, -1000, "Unknown endpoint " + endpoint + ".");
    };
  }

  private PrivateReply authenticate(PrivateRequest r, Map<String, String> p, long now) {
    try {
      BinanceSignatures.checkApiKey(r, accounts.keys().binanceApiKey());
      if (accounts.binanceKeyRefused()) {
        return BinanceAccount.error(401, -2015, "Invalid API-key, IP, or permissions for action.");
      }
      BinanceSignatures.checkSigned(r, p, accounts.keys().binanceSecretKey(), now + accounts.binanceClockOffset());
      return null;
    } catch (BinanceSignatures.Refused e) {
      return BinanceAccount.error(e.status, e.code, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- orders

  private String coinOf(Map<String, String> p) throws Refused {
    String symbol = p.get("symbol");
    if (symbol == null || symbol.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    }
    if (!symbol.endsWith("USDT") || quotes.book(symbol.substring(0, symbol.length() - 4)) == null) {
      throw new Refused(400, -1121, "Invalid symbol.");
    }
    return symbol.substring(0, symbol.length() - 4);
  }

  private static String symbolOf(String coin) {
    return coin + "USDT";
  }

  private Position position(String coin) {
    return positions.computeIfAbsent(coin, c -> new Position());
  }

  private ObjectNode newOrder(Map<String, String> p, long now) throws Refused {
    String coin = coinOf(p);
    Ladder book = quotes.book(coin);
    String side = p.get("side");
    if (side == null || side.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed.");
    }
    if (!side.equals("BUY") && !side.equals("SELL")) {
      throw new Refused(400, -1117, "Invalid side.");
    }
    String type = p.get("type");
    if (type == null || type.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'type' was not sent, was empty/null, or malformed.");
    }
    if (!type.equals("MARKET")) {
      throw new Refused(400, -1116, "Invalid orderType.");
    }
    if (hedgeMode && p.containsKey("reduceOnly")) {
      throw new Refused(400, -1106, "Parameter 'reduceOnly' sent when not required.");
    }
    String positionSide = p.getOrDefault("positionSide", "BOTH");
    if (hedgeMode || !positionSide.equals("BOTH")) {
      throw new Refused(400, -4061, "Order's position side does not match user's setting.");
    }
    String respType = p.getOrDefault("newOrderRespType", "ACK");
    if (!respType.equals("ACK") && !respType.equals("RESULT")) {
      throw new Refused(400, -1100, "Illegal characters found in parameter 'newOrderRespType'.");
    }
    String clientId = p.get("newClientOrderId");
    if (clientId == null) {
      clientId = "sim" + UUID.randomUUID().toString().replace("-", "").substring(0, 19);
    } else if (!clientId.matches("^[\\.A-Z\\:/a-z0-9_-]{1,36}$")) {
      throw new Refused(400, -4015, "Client order id is not valid.");
    }
    for (Order o : orders) {
      if (o.clientOrderId.equals(clientId)) {
        throw new Refused(400, -4116, "ClientOrderId is duplicated.");
      }
    }
    BigDecimal qty;
    String q = p.get("quantity");
    if (q == null || q.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    }
    try {
      qty = new BigDecimal(q);
    } catch (NumberFormatException e) {
      throw new Refused(400, -1100, "Illegal characters found in parameter 'quantity'; legal range is "
          + "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'.");
    }
    BigDecimal step = BigDecimal.valueOf(book.step()).stripTrailingZeros();
    if (qty.signum() <= 0) {
      throw new Refused(400, -4003, "Quantity less than or equal to zero.");
    }
    if (qty.remainder(step).signum() != 0) {
      throw new Refused(400, -1111, "Precision is over the maximum defined for this asset.");
    }
    if (qty.compareTo(minQty) < 0) {
      throw new Refused(400, -4004, "Quantity less than min quantity.");
    }
    boolean buy = side.equals("BUY");
    boolean reduceOnly = "true".equalsIgnoreCase(p.get("reduceOnly"));
    Position pos = position(coin);
    BigDecimal mark = BigDecimal.valueOf(quotes.mark(coin));
    if (reduceOnly) {
      boolean reduces = buy ? pos.amount.signum() < 0 : pos.amount.signum() > 0;
      if (!reduces || qty.compareTo(pos.amount.abs()) > 0) {
        throw new Refused(400, -2022, "ReduceOnly Order is rejected.");
      }
    } else {
      if (qty.multiply(mark).compareTo(minNotional) < 0) {
        throw new Refused(400, -4164, "Order's notional must be no smaller than " + plain(minNotional)
            + " (unless you choose reduce only).");
      }
      // the part that opens or adds to a position needs its initial margin, and the order its commission
      BigDecimal signed = buy ? qty : qty.negate();
      BigDecimal after = pos.amount.add(signed);
      BigDecimal opening = after.abs().subtract(pos.amount.abs()).max(BigDecimal.ZERO);
      if (pos.amount.signum() != 0 && after.signum() != 0 && pos.amount.signum() != after.signum()) {
        opening = after.abs(); // flips: the new side's whole size
      }
      BigDecimal price = BigDecimal.valueOf(buy ? book.bestAsk() : book.bestBid());
      BigDecimal need = opening.multiply(price).divide(BigDecimal.valueOf(pos.leverage), 8, RoundingMode.UP)
          .add(qty.multiply(price).multiply(taker));
      if (opening.signum() > 0 && need.compareTo(available()) > 0) {
        throw new Refused(400, -2019, "Margin is insufficient.");
      }
    }
    Order o = new Order();
    o.orderId = nextOrderId++;
    o.symbol = symbolOf(coin);
    o.coin = coin;
    o.clientOrderId = clientId;
    o.buy = buy;
    o.reduceOnly = reduceOnly;
    o.origQty = qty;
    o.time = now;
    o.updateTime = now;
    o.status = "NEW";
    orders.add(o);
    ObjectNode ack = orderJson(o);
    BigDecimal tick = BigDecimal.valueOf(book.tick()).stripTrailingZeros();
    for (Fill f : Matching.walk(book, buy, null, qty, null, step)) {
      // the book's prices are doubles: a fill is at the tick they stand for
      BigDecimal px = f.price().divide(tick, 0, RoundingMode.HALF_EVEN).multiply(tick).stripTrailingZeros();
      fill(o, pos, new Fill(px, f.qty()), now);
    }
    o.status = o.executedQty.compareTo(o.origQty) >= 0 ? "FILLED" : "EXPIRED";
    ObjectNode json = respType.equals("RESULT") ? orderJson(o) : ack;
    json.remove("time");
    return json;
  }

  /** Books one fill: the position (entry price, realised PnL on what it reduces), the commission, the trade. */
  private void fill(Order o, Position pos, Fill f, long now) {
    BigDecimal signed = o.buy ? f.qty() : f.qty().negate();
    BigDecimal realized = BigDecimal.ZERO;
    BigDecimal before = pos.amount;
    BigDecimal after = before.add(signed);
    if (before.signum() == 0 || before.signum() == signed.signum()) {
      // opens or adds: the entry is the average of the two
      pos.entry = pos.entry.multiply(before.abs()).add(f.price().multiply(f.qty()))
          .divide(after.abs(), MathContext.DECIMAL64);
    } else {
      BigDecimal closed = f.qty().min(before.abs());
      realized = f.price().subtract(pos.entry).multiply(closed).multiply(BigDecimal.valueOf(before.signum()));
      if (after.signum() == 0) {
        pos.entry = BigDecimal.ZERO;
      } else if (after.signum() != before.signum()) {
        pos.entry = f.price(); // flipped: the rest opens at this fill
      }
    }
    pos.amount = after.stripTrailingZeros();
    pos.updateTime = now;
    BigDecimal commission = f.quote().multiply(taker).setScale(8, RoundingMode.UP);
    wallet = wallet.add(realized).subtract(commission);
    o.executedQty = o.executedQty.add(f.qty());
    o.quote = o.quote.add(f.quote());
    o.updateTime = now;
    o.trades.add(new Trade(nextTradeId++, f.price(), f.qty(), commission, realized, now));
  }

  private Order find(Map<String, String> p) throws Refused {
    String coin = coinOf(p);
    String clientId = p.get("origClientOrderId");
    String orderId = p.get("orderId");
    if (clientId == null && orderId == null) {
      throw new Refused(400, -1102, "Either orderId or origClientOrderId must be sent.");
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

  private ObjectNode orderJson(Order o) {
    BigDecimal avg = o.executedQty.signum() > 0 ? o.quote.divide(o.executedQty, 8, RoundingMode.HALF_EVEN)
        : BigDecimal.ZERO;
    ObjectNode n = JSON.createObjectNode();
    n.put("orderId", o.orderId).put("symbol", o.symbol).put("status", o.status)
        .put("clientOrderId", o.clientOrderId).put("price", "0").put("avgPrice", plain(avg))
        .put("origQty", plain(o.origQty)).put("executedQty", plain(o.executedQty))
        .put("cumQty", plain(o.executedQty)).put("cumQuote", plain(o.quote)).put("timeInForce", "GTC")
        .put("type", "MARKET").put("reduceOnly", o.reduceOnly).put("closePosition", false)
        .put("side", o.buy ? "BUY" : "SELL").put("positionSide", "BOTH").put("stopPrice", "0")
        .put("workingType", "CONTRACT_PRICE").put("priceProtect", false).put("origType", "MARKET")
        .put("priceMatch", "NONE").put("selfTradePreventionMode", "EXPIRE_MAKER").put("goodTillDate", 0)
        .put("time", o.time).put("updateTime", o.updateTime);
    return n;
  }

  private ArrayNode userTrades(Map<String, String> p) throws Refused {
    String coin = coinOf(p);
    String orderId = p.get("orderId");
    ArrayNode out = JSON.createArrayNode();
    for (Order o : orders) {
      if (!o.coin.equals(coin) || orderId != null && !String.valueOf(o.orderId).equals(orderId)) {
        continue;
      }
      for (Trade t : o.trades) {
        out.addObject().put("buyer", o.buy).put("commission", plain(t.commission())).put("commissionAsset", "USDT")
            .put("id", t.id()).put("maker", false).put("orderId", o.orderId).put("price", plain(t.price()))
            .put("qty", plain(t.qty())).put("quoteQty", plain(t.price().multiply(t.qty())))
            .put("realizedPnl", plain(t.realizedPnl())).put("side", o.buy ? "BUY" : "SELL")
            .put("positionSide", "BOTH").put("symbol", o.symbol).put("time", t.time());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- leverage, positions, balances

  private ObjectNode leverage(Map<String, String> p) throws Refused {
    String coin = coinOf(p);
    String v = p.get("leverage");
    if (v == null || v.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'leverage' was not sent, was empty/null, or malformed.");
    }
    int lev;
    try {
      lev = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new Refused(400, -1100, "Illegal characters found in parameter 'leverage'; legal range is '^[0-9]+$'.");
    }
    if (lev < 1 || lev > 125) {
      throw new Refused(400, -4028, "Leverage " + v + " is not valid");
    }
    Position pos = position(coin);
    int was = pos.leverage;
    pos.leverage = lev;
    if (available().signum() < 0) {
      pos.leverage = was;
      throw new Refused(400, -2027, "Exceeded the maximum allowable position at current leverage.");
    }
    return JSON.createObjectNode().put("leverage", lev).put("maxNotionalValue", maxNotional(lev))
        .put("symbol", symbolOf(coin));
  }

  private static String maxNotional(int leverage) {
    return leverage > 50 ? "50000" : leverage > 20 ? "250000" : leverage > 10 ? "1000000" : "20000000";
  }

  private BigDecimal mark(String coin) {
    return BigDecimal.valueOf(quotes.mark(coin));
  }

  private BigDecimal unrealized(String coin, Position pos) {
    return pos.amount.signum() == 0 ? BigDecimal.ZERO : mark(coin).subtract(pos.entry).multiply(pos.amount);
  }

  private BigDecimal initialMargin(String coin, Position pos) {
    return mark(coin).multiply(pos.amount.abs()).divide(BigDecimal.valueOf(pos.leverage), 8, RoundingMode.UP);
  }

  private BigDecimal totalUnrealized() {
    BigDecimal s = BigDecimal.ZERO;
    for (Map.Entry<String, Position> e : positions.entrySet()) {
      s = s.add(unrealized(e.getKey(), e.getValue()));
    }
    return s;
  }

  private BigDecimal totalInitialMargin() {
    BigDecimal s = BigDecimal.ZERO;
    for (Map.Entry<String, Position> e : positions.entrySet()) {
      s = s.add(initialMargin(e.getKey(), e.getValue()));
    }
    return s;
  }

  /** Wallet + unrealised PnL − initial margin: what a new position or a transfer out may use. */
  private BigDecimal available() {
    return wallet.add(totalUnrealized()).subtract(totalInitialMargin());
  }

  private ArrayNode positionRisk(Map<String, String> p) throws Refused {
    List<String> coins = new ArrayList<>();
    if (p.containsKey("symbol")) {
      coins.add(coinOf(p));
    } else {
      coins.addAll(positions.keySet());
    }
    ArrayNode out = JSON.createArrayNode();
    for (String coin : coins) {
      Position pos = position(coin);
      BigDecimal mark = mark(coin);
      BigDecimal liq = BigDecimal.ZERO;
      if (pos.amount.signum() != 0) {
        liq = pos.entry.subtract(wallet.divide(pos.amount, 8, RoundingMode.HALF_EVEN)).max(BigDecimal.ZERO);
      }
      out.addObject().put("entryPrice", plain(pos.entry)).put("breakEvenPrice", plain(pos.entry))
          .put("marginType", "cross").put("isAutoAddMargin", "false").put("isolatedMargin", "0.00000000")
          .put("leverage", Integer.toString(pos.leverage)).put("liquidationPrice", plain(liq))
          .put("markPrice", plain(mark)).put("maxNotionalValue", maxNotional(pos.leverage))
          .put("positionAmt", plain(pos.amount)).put("notional", plain(pos.amount.multiply(mark)))
          .put("isolatedWallet", "0").put("symbol", symbolOf(coin))
          .put("unRealizedProfit", plain(unrealized(coin, pos).setScale(8, RoundingMode.HALF_EVEN)))
          .put("positionSide", "BOTH").put("updateTime", pos.updateTime);
    }
    if (hedgeMode) { // a LONG and a SHORT row per symbol, both flat (no hedge positions are kept)
      ArrayNode dual = JSON.createArrayNode();
      out.forEach(row -> {
        for (String side : new String[] {"LONG", "SHORT"}) {
          ObjectNode n = ((ObjectNode) row).deepCopy();
          n.put("positionSide", side).put("positionAmt", "0").put("notional", "0").put("unRealizedProfit", "0")
              .put("liquidationPrice", "0");
          dual.add(n);
        }
      });
      return dual;
    }
    return out;
  }

  private ObjectNode balance(long now) {
    BigDecimal avail = available().setScale(8, RoundingMode.DOWN);
    BigDecimal upnl = totalUnrealized().setScale(8, RoundingMode.HALF_EVEN);
    return JSON.createObjectNode().put("accountAlias", "SgsR").put("asset", "USDT").put("balance", plain(wallet))
        .put("crossWalletBalance", plain(wallet)).put("crossUnPnl", plain(upnl))
        .put("availableBalance", plain(avail)).put("maxWithdrawAmount", plain(avail.min(wallet).max(BigDecimal.ZERO)))
        .put("marginAvailable", true).put("updateTime", now);
  }

  private ObjectNode account(long now) {
    BigDecimal upnl = totalUnrealized().setScale(8, RoundingMode.HALF_EVEN);
    BigDecimal im = totalInitialMargin();
    BigDecimal avail = available().setScale(8, RoundingMode.DOWN);
    BigDecimal maxWithdraw = avail.min(wallet).max(BigDecimal.ZERO);
    ObjectNode root = JSON.createObjectNode();
    root.put("feeTier", 0).put("feeBurn", false).put("canTrade", true).put("canDeposit", true)
        .put("canWithdraw", true).put("updateTime", 0).put("multiAssetsMargin", false).put("tradeGroupId", -1)
        .put("totalInitialMargin", plain(im)).put("totalMaintMargin", "0").put("totalWalletBalance", plain(wallet))
        .put("totalUnrealizedProfit", plain(upnl)).put("totalMarginBalance", plain(wallet.add(upnl)))
        .put("totalPositionInitialMargin", plain(im)).put("totalOpenOrderInitialMargin", "0")
        .put("totalCrossWalletBalance", plain(wallet)).put("totalCrossUnPnl", plain(upnl))
        .put("availableBalance", plain(avail)).put("maxWithdrawAmount", plain(maxWithdraw));
    root.putArray("assets").addObject().put("asset", "USDT").put("walletBalance", plain(wallet))
        .put("unrealizedProfit", plain(upnl)).put("marginBalance", plain(wallet.add(upnl)))
        .put("maintMargin", "0").put("initialMargin", plain(im)).put("positionInitialMargin", plain(im))
        .put("openOrderInitialMargin", "0").put("crossWalletBalance", plain(wallet)).put("crossUnPnl", plain(upnl))
        .put("availableBalance", plain(avail)).put("maxWithdrawAmount", plain(maxWithdraw))
        .put("marginAvailable", true).put("updateTime", now);
    ArrayNode ps = root.putArray("positions");
    positions.forEach((coin, pos) -> ps.addObject().put("symbol", symbolOf(coin))
        .put("initialMargin", plain(initialMargin(coin, pos))).put("maintMargin", "0")
        .put("unrealizedProfit", plain(unrealized(coin, pos).setScale(8, RoundingMode.HALF_EVEN)))
        .put("positionInitialMargin", plain(initialMargin(coin, pos))).put("openOrderInitialMargin", "0")
        .put("leverage", Integer.toString(pos.leverage)).put("isolated", false).put("entryPrice", plain(pos.entry))
        .put("maxNotional", maxNotional(pos.leverage)).put("positionSide", "BOTH")
        .put("positionAmt", plain(pos.amount)).put("updateTime", pos.updateTime));
    return root;
  }

  // ---------------------------------------------------------------- the wallet transfer

  private ObjectNode transfer(Map<String, String> p) throws Refused {
    String type = p.get("type");
    if (type == null || type.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'type' was not sent, was empty/null, or malformed.");
    }
    if (!type.equals("MAIN_UMFUTURE") && !type.equals("UMFUTURE_MAIN")) {
      throw new Refused(400, -1100, "Illegal characters found in parameter 'type'; the simulator moves USDT between "
          + "MAIN and UMFUTURE only.");
    }
    String asset = p.get("asset");
    if (asset == null || asset.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'asset' was not sent, was empty/null, or malformed.");
    }
    if (!asset.equals("USDT")) {
      throw new Refused(400, -5013, "Asset transfer failed: insufficient balance");
    }
    BigDecimal amount;
    try {
      amount = new BigDecimal(p.getOrDefault("amount", ""));
    } catch (NumberFormatException e) {
      throw new Refused(400, -1102, "Mandatory parameter 'amount' was not sent, was empty/null, or malformed.");
    }
    if (amount.signum() <= 0) {
      throw new Refused(400, -1102, "Mandatory parameter 'amount' was not sent, was empty/null, or malformed.");
    }
    if (type.equals("MAIN_UMFUTURE")) {
      if (!spot.apply(Map.of("USDT", amount.negate()))) {
        throw new Refused(400, -5013, "Asset transfer failed: insufficient balance");
      }
      wallet = wallet.add(amount);
      transfers.add(amount);
    } else {
      if (amount.compareTo(available().min(wallet)) > 0) {
        throw new Refused(400, -5013, "Asset transfer failed: insufficient balance");
      }
      wallet = wallet.subtract(amount);
      spot.credit("USDT", amount);
      transfers.add(amount.negate());
    }
    return JSON.createObjectNode().put("tranId", nextTranId++);
  }

  // ---------------------------------------------------------------- replies

  private static PrivateReply tooMany(RateLimit w, long now, long retryAfter) {
    return new PrivateReply(429, "{\"code\":-1003,\"msg\":\"Too many requests; current limit is " + w.limit()
        + " requests per minute. Please use the websocket for live updates to avoid polling the API.\"}",
        Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(w.used(now)), "Retry-After", Long.toString(retryAfter)));
  }

  private static PrivateReply ok(Object json) {
    return new PrivateReply(200, json.toString());
  }

  private static String plain(BigDecimal d) {
    return BinanceAccount.plain(d);
  }

  // ---------------------------------------------------------------- settings

  void setTaker(BigDecimal fee) {
    this.taker = fee;
  }

  void setMinQty(BigDecimal qty) {
    this.minQty = qty;
  }

  void setMinNotional(BigDecimal usdt) {
    this.minNotional = usdt;
  }

  void disable(boolean disabled) {
    this.futuresDisabled = disabled;
  }

  /** Switches Hedge Mode; like Binance ({@code -4068}), not while a position is open. */
  void setHedgeMode(boolean on) {
    if (on != hedgeMode && !openPositions().isEmpty()) {
      throw new IllegalStateException("-4068: the position side cannot be changed while a position is open");
    }
    this.hedgeMode = on;
  }

  void limits(int weightPerMinute, int ordersPerMinute, int ordersPer10s) {
    this.weight = SimAccounts.window(60_000, weightPerMinute);
    this.orders1m = SimAccounts.window(60_000, ordersPerMinute);
    this.orders10s = SimAccounts.window(10_000, ordersPer10s);
  }

  /** Sets the wallet's USDT (the audit counts the change as a deposit from outside). */
  void setWallet(BigDecimal usdt) {
    BigDecimal delta = usdt.subtract(wallet);
    wallet = usdt;
    startWallet = startWallet.add(delta);
  }

  // ---------------------------------------------------------------- for tests and the audit

  int leverage(String coin) {
    Position pos = positions.get(coin);
    return pos == null ? DEFAULT_LEVERAGE : pos.leverage;
  }

  /** Orders created per client order id. */
  Map<String, Integer> ordersByClientId() {
    Map<String, Integer> out = new TreeMap<>();
    orders.forEach(o -> out.merge(o.clientOrderId, 1, Integer::sum));
    return out;
  }

  /** Every order that executed, oldest first, as the venue booked it. */
  List<FuturesFill> fills() {
    List<FuturesFill> out = new ArrayList<>();
    for (Order o : orders) {
      if (o.executedQty.signum() == 0) {
        continue;
      }
      BigDecimal commission = BigDecimal.ZERO;
      BigDecimal pnl = BigDecimal.ZERO;
      for (Trade t : o.trades) {
        commission = commission.add(t.commission());
        pnl = pnl.add(t.realizedPnl());
      }
      out.add(new FuturesFill(o.clientOrderId, o.symbol, o.buy ? "BUY" : "SELL", o.reduceOnly, o.executedQty,
          o.quote.divide(o.executedQty, 8, RoundingMode.HALF_EVEN), commission, pnl));
    }
    return out;
  }

  /** Executed wallet transfers, signed: + into the futures wallet, − out of it. */
  List<BigDecimal> transfers() {
    return List.copyOf(transfers);
  }

  /** The coin's position: + long, − short, 0 flat. */
  BigDecimal positionAmount(String coin) {
    Position pos = positions.get(coin);
    return pos == null ? BigDecimal.ZERO : pos.amount;
  }

  /** Every coin's position that is not flat. */
  Map<String, BigDecimal> openPositions() {
    Map<String, BigDecimal> out = new TreeMap<>();
    positions.forEach((coin, pos) -> {
      if (pos.amount.signum() != 0) {
        out.put(coin, pos.amount);
      }
    });
    return out;
  }

  BigDecimal wallet() {
    return wallet;
  }

  int orderCount() {
    return orders.size();
  }

  /** The spot USDT the transfers moved: − into the futures wallet, + back. */
  BigDecimal spotFlow() {
    BigDecimal s = BigDecimal.ZERO;
    for (BigDecimal t : transfers) {
      s = s.subtract(t);
    }
    return s;
  }

  /**
   * The futures wallet less its start less what the transfers, the trades' realised PnL and their commissions add up to,
   * from their own records: zero when nothing was lost or made up.
   */
  BigDecimal audit() {
    BigDecimal s = wallet.subtract(startWallet).add(spotFlow());
    for (Order o : orders) {
      for (Trade t : o.trades) {
        s = s.subtract(t.realizedPnl()).add(t.commission());
      }
    }
    return s;
  }
}
