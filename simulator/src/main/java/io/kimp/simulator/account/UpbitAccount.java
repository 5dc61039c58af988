package io.kimp.simulator.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.simulator.account.Matching.Fill;
import io.kimp.simulator.account.Transfers.Side;
import io.kimp.simulator.account.Transfers.Transfer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Upbit's exchange REST API as documented (docs.upbit.com / global-docs.upbit.com: "Authentication", "Exchange API"), on
 * the simulated account.
 *
 * <p>Authentication, checked by {@link UpbitTokens} (from the docs, not with kimp's signer): {@code Authorization: Bearer <JWT>}, signed
 * HS512 (or HS256) with the secret key, claims {@code access_key} ({@code invalid_access_key}), {@code nonce} (never
 * reusable: {@code nonce_used}) and, when the request has parameters, {@code query_hash} = SHA-512 hex of the query
 * string before URL encoding (a JSON body as {@code k=v&…} in the order written) with {@code query_hash_alg=SHA512}
 * ({@code invalid_query_payload}); anything else wrong with the token is {@code jwt_verification}. Requests count per
 * second and group ({@code order} 8, {@code default} 30) with {@code Remaining-Req} on every reply and 429
 * {@code too_many_requests} beyond.
 *
 * <p>Orders: {@code ord_type=price} (market buy of a KRW amount, the fee reserved on top), {@code market} (market sell of
 * a volume) and {@code limit}. The creation reply says {@code wait} with nothing executed, as Upbit answers before
 * matching; market orders are matched at once against the book's levels, a market buy ends {@code cancel} when a
 * remainder of KRW smaller than a lot came back, {@code done} otherwise; limit orders fill what crosses and rest until the
 * touch reaches their price (then the rest fills at it) or a cancel. Fee 0.05 % in KRW. An {@code identifier} can never
 * be used again, even when its order was refused. Withdrawals go only to registered addresses
 * ({@code /v1/withdraws/coin_addresses}: the Binance deposit addresses), the fee charged on top of the amount.
 */
final class UpbitAccount {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ZoneOffset KST = ZoneOffset.ofHours(9);
  private static final Map<String, Integer> BUDGETS = Map.of("order", 8, "default", 30);

  private final SimAccounts accounts;
  private final Ledger ledger;
  private final LongSupplier throttledUntil;
  private final Map<String, RateLimit> groups = new LinkedHashMap<>();
  private final Set<String> nonces = new HashSet<>();
  private final Set<String> identifiers = new HashSet<>();
  private final List<Order> orders = new ArrayList<>();
  private final List<Withdrawal> withdrawals = new ArrayList<>();
  private int tooManyRequests;

  private static final class Order {
    String uuid;
    String identifier;
    String coin;
    boolean bid;
    String ordType;
    BigDecimal price;
    BigDecimal volume;
    String state;
    BigDecimal executed = BigDecimal.ZERO;
    BigDecimal paidFee = BigDecimal.ZERO;
    BigDecimal locked = BigDecimal.ZERO;
    final List<Object[]> trades = new ArrayList<>(); // {uuid, price, volume, funds, time}
    long createdAt;
  }

  private static final class Withdrawal {
    String uuid;
    String currency;
    String netType;
    BigDecimal amount;
    BigDecimal fee;
    Transfer transfer;
    long createdAt;
  }

  UpbitAccount(SimAccounts accounts, Ledger ledger, LongSupplier throttledUntil) {
    this.accounts = accounts;
    this.ledger = ledger;
    this.throttledUntil = throttledUntil;
    BUDGETS.forEach((g, n) -> groups.put(g, SimAccounts.window(1000, n)));
  }

  static boolean isPrivate(String path) {
    return path.equals("/v1/accounts") || path.equals("/v1/orders") || path.startsWith("/v1/orders/")
        || path.equals("/v1/order") || path.startsWith("/v1/withdraw") || path.startsWith("/v1/deposit");
  }

  // ---------------------------------------------------------------- dispatch

  PrivateReply handle(PrivateRequest r, long now) {
    String group = r.endpoint().equals("POST /v1/orders") || r.endpoint().equals("DELETE /v1/order") ? "order"
        : "default";
    RateLimit w = groups.get(group);
    boolean throttled = now < throttledUntil.getAsLong();
    int used = throttled ? -1 : w.add(now, 1);
    if (used < 0 && !throttled) {
      if (accounts.upbitRateLimited()) {
        tooManyRequests++;
      } else {
        used = w.limit(); // counted, not enforced
      }
    }
    Map<String, String> headers = Map.of("Remaining-Req", "group=" + group + "; min=" + (w.limit() * 60) + "; sec="
        + Math.max(0, w.limit() - (used < 0 ? w.limit() : used)));
    if (used < 0) {
      return error(429, "too_many_requests", "Too many API requests.").withHeaders(headers);
    }
    JsonNode body = null;
    if (r.method().equals("POST")) {
      try {
        body = JSON.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
        if (body == null || !body.isObject()) {
          throw new IOException("not an object");
        }
      } catch (IOException e) {
        return error(400, "validation_error", "The request body must be a JSON object.").withHeaders(headers);
      }
    }
    PrivateReply refused = authenticate(r);
    if (refused != null) {
      return refused.withHeaders(headers);
    }
    Map<String, String> q = r.query();
    try {
      return route(r.endpoint(), q, body, now).withHeaders(headers);
    } catch (Refused e) {
      return error(e.status, e.name, e.getMessage()).withHeaders(headers);
    }
  }

  private PrivateReply route(String endpoint, Map<String, String> q, JsonNode b, long now) throws Refused {
    switch (endpoint) {
      case "GET /v1/accounts":
        return ok(accountsJson());
      case "GET /v1/orders/chance":
        return ok(chance(q));
      case "POST /v1/orders":
        return new PrivateReply(201, newOrder(b, now).toString());
      case "GET /v1/order":
        return ok(orderJson(find(q), true));
      case "DELETE /v1/order":
        return ok(cancel(q));
      case "GET /v1/orders":
      case "GET /v1/orders/open":
        return ok(openOrders(q));
      case "GET /v1/withdraws/chance":
        return ok(withdrawChance(q));
      case "GET /v1/withdraws/coin_addresses":
        return ok(withdrawAddresses());
      case "POST /v1/withdraws/coin":
        return new PrivateReply(201, withdraw(b, now).toString());
      case "GET /v1/withdraw":
        return ok(withdrawalJson(findWithdrawal(q), now));
      case "GET /v1/withdraws":
        return ok(withdrawList(q, now));
      case "GET /v1/deposits":
        return ok(depositList(q));
      case "GET /v1/deposit":
        return ok(deposit(q));
      case "GET /v1/deposits/coin_addresses":
        return ok(depositAddresses());
      case "GET /v1/deposits/coin_address":
        return ok(depositAddress(wallet(q.get("currency"), q.get("net_type"))));
      case "POST /v1/deposits/generate_coin_address":
        wallet(b.path("currency").asText(null), b.path("net_type").asText(null));
        return new PrivateReply(201, JSON.createObjectNode().put("success", true)
            .put("message", "The deposit address exists already.").toString());
      default:
        return error(404, "not_found", "Upbit does not serve " + endpoint);
    }
  }

  // ---------------------------------------------------------------- authentication

  private PrivateReply authenticate(PrivateRequest r) {
    try {
      com.fasterxml.jackson.databind.JsonNode claims =
          UpbitTokens.claims(r, accounts.keys().upbitAccessKey(), accounts.keys().upbitSecretKey());
      String refusal = accounts.upbitKeyRefusal();
      if (refusal != null) {
        return error(401, refusal, switch (refusal) {
          case "no_authorization_ip" -> "This is not a verified IP.";
          case "expired_access_key" -> "서버의 API 키가 만료되었습니다.";
          case "out_of_scope" -> "권한이 부족합니다.";
          default -> "잘못된 엑세스 키입니다.";
        });
      }
      UpbitTokens.checkNonce(claims, nonces);
      UpbitTokens.checkQueryHash(claims, r);
      return null;
    } catch (UpbitTokens.Refused e) {
      return error(e.status, e.name, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- orders

  private String coinOf(String market) throws Refused {
    if (market == null || !market.startsWith("KRW-") || accounts.upbitBook(market.substring(4)) == null) {
      throw new Refused(404, "market_does_not_exist", "마켓 정보가 없습니다.");
    }
    return market.substring(4);
  }

  private static BigDecimal decimal(JsonNode b, String name) throws Refused {
    JsonNode v = b.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    try {
      BigDecimal d = new BigDecimal(v.asText());
      if (d.signum() <= 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new Refused(400, "validation_error", name + " is invalid");
    }
  }

  private ObjectNode newOrder(JsonNode b, long now) throws Refused {
    String identifier = b.path("identifier").asText(null);
    if (identifier != null && !identifiers.add(identifier)) {
      throw new Refused(400, "duplicate_identifier", "identifier는 중복해서 사용할 수 없습니다.");
    }
    String coin = coinOf(b.path("market").asText(null));
    Ladder book = accounts.upbitBook(coin);
    String side = b.path("side").asText("");
    if (!side.equals("bid") && !side.equals("ask")) {
      throw new Refused(400, "validation_error", "side is invalid");
    }
    String type = b.path("ord_type").asText("");
    BigDecimal fee = accounts.upbitFee();
    BigDecimal step = new BigDecimal("0.00000001");
    BigDecimal price = decimal(b, "price");
    BigDecimal volume = decimal(b, "volume");
    Order o = new Order();
    o.uuid = UUID.randomUUID().toString();
    o.identifier = identifier;
    o.coin = coin;
    o.bid = side.equals("bid");
    o.ordType = type;
    o.createdAt = now;
    o.state = "wait";
    List<Fill> fills;
    switch (type) {
      case "price" -> {
        if (!o.bid || price == null || volume != null) {
          throw new Refused(400, "create_bid_error", "시장가 매수는 price만 입력합니다.");
        }
        if (price.compareTo(accounts.upbitMinOrder()) < 0) {
          throw new Refused(400, "under_min_total_bid", "최소주문금액 이상으로 주문해주세요");
        }
        BigDecimal reserve = price.add(price.multiply(fee)).setScale(8, RoundingMode.UP);
        if (!ledger.lock("KRW", reserve)) {
          throw new Refused(400, "insufficient_funds_bid", "주문가능한 금액(KRW)이 부족합니다.");
        }
        o.price = price;
        o.locked = reserve;
        fills = Matching.walk(book, true, null, null, price, step);
      }
      case "market" -> {
        if (o.bid || volume == null || price != null) {
          throw new Refused(400, "create_ask_error", "시장가 매도는 volume만 입력합니다.");
        }
        if (volume.multiply(BigDecimal.valueOf(book.bestBid())).compareTo(accounts.upbitMinOrder()) < 0) {
          throw new Refused(400, "under_min_total_ask", "최소주문금액 이상으로 주문해주세요");
        }
        if (!ledger.lock(coin, volume)) {
          throw new Refused(400, "insufficient_funds_ask", "매도가능 잔고가 부족합니다.");
        }
        o.volume = volume;
        o.locked = volume;
        fills = Matching.walk(book, false, null, volume, null, step);
      }
      case "limit" -> {
        if (price == null || volume == null) {
          throw new Refused(400, "validation_error", "limit orders need price and volume");
        }
        if (price.multiply(volume).compareTo(accounts.upbitMinOrder()) < 0) {
          throw new Refused(400, o.bid ? "under_min_total_bid" : "under_min_total_ask", "최소주문금액 이상으로 주문해주세요");
        }
        BigDecimal tick = BigDecimal.valueOf(book.tick()).stripTrailingZeros();
        if (price.remainder(tick).signum() != 0) {
          throw new Refused(400, "invalid_price_bid".replace("bid", o.bid ? "bid" : "ask"),
              "주문가격 단위를 잘못 입력하셨습니다.");
        }
        BigDecimal reserve = o.bid ? price.multiply(volume).multiply(BigDecimal.ONE.add(fee)).setScale(8, RoundingMode.UP)
            : volume;
        if (!ledger.lock(o.bid ? "KRW" : coin, reserve)) {
          throw new Refused(400, o.bid ? "insufficient_funds_bid" : "insufficient_funds_ask", "잔고가 부족합니다.");
        }
        o.price = price;
        o.volume = volume;
        o.locked = reserve;
        fills = Matching.walk(book, o.bid, price, volume, null, step);
      }
      default -> throw new Refused(400, "validation_error", "ord_type is invalid");
    }
    orders.add(o);
    ObjectNode reply = orderJson(o, false); // Upbit answers before matching: waiting, nothing executed
    for (Fill f : fills) {
      fill(o, f.price(), f.qty(), now);
    }
    if (!type.equals("limit")) {
      o.state = type.equals("market") && o.executed.compareTo(o.volume) >= 0 ? "done"
          : type.equals("price") && o.price.subtract(funds(o)).compareTo(BigDecimal.ONE) < 0 ? "done" : "cancel";
      if (o.locked.signum() > 0) {
        ledger.release(o.bid ? "KRW" : coin, o.locked, false); // what was not used comes back
        o.locked = BigDecimal.ZERO;
      }
    }
    return reply;
  }

  /** Books one fill: KRW and the coin change hands, the fee in KRW (on top of a buy, off a sell's proceeds). */
  private void fill(Order o, BigDecimal price, BigDecimal qty, long now) {
    BigDecimal funds = price.multiply(qty);
    BigDecimal fee = funds.multiply(accounts.upbitFee()).setScale(8, RoundingMode.UP);
    if (o.bid) {
      BigDecimal cost = funds.add(fee);
      BigDecimal fromLock = cost.min(o.locked);
      ledger.release("KRW", fromLock, true);
      o.locked = o.locked.subtract(fromLock);
      if (cost.compareTo(fromLock) > 0) {
        ledger.apply(Map.of("KRW", fromLock.subtract(cost)));
      }
      ledger.credit(o.coin, qty);
    } else {
      BigDecimal fromLock = qty.min(o.locked);
      ledger.release(o.coin, fromLock, true);
      o.locked = o.locked.subtract(fromLock);
      ledger.credit("KRW", funds.subtract(fee));
    }
    o.executed = o.executed.add(qty);
    o.paidFee = o.paidFee.add(fee);
    o.trades.add(new Object[] {UUID.randomUUID().toString(), price, qty, funds, now, fee});
    if (o.ordType.equals("limit") && o.executed.compareTo(o.volume) >= 0) {
      o.state = "done";
      if (o.locked.signum() > 0) {
        ledger.release(o.bid ? "KRW" : o.coin, o.locked, false);
        o.locked = BigDecimal.ZERO;
      }
    }
  }

  private static BigDecimal funds(Order o) {
    BigDecimal s = BigDecimal.ZERO;
    for (Object[] t : o.trades) {
      s = s.add((BigDecimal) t[3]);
    }
    return s;
  }

  /** Resting limit orders whose price the book's touch has reached fill their remainder at their price. */
  void matchResting(long now) {
    for (Order o : orders) {
      if (!o.state.equals("wait") || !o.ordType.equals("limit")) {
        continue;
      }
      Ladder book = accounts.upbitBook(o.coin);
      if (book == null) {
        continue;
      }
      boolean crossed = o.bid ? book.bestAsk() > 0 && BigDecimal.valueOf(book.bestAsk()).compareTo(o.price) <= 0
          : BigDecimal.valueOf(book.bestBid()).compareTo(o.price) >= 0;
      if (crossed) {
        fill(o, o.price, o.volume.subtract(o.executed), now);
      }
    }
  }

  private Order find(Map<String, String> q) throws Refused {
    String uuid = q.get("uuid");
    String identifier = q.get("identifier");
    if (uuid == null && identifier == null) {
      throw new Refused(400, "validation_error", "uuid 또는 identifier 중 하나는 필수입니다.");
    }
    for (Order o : orders) {
      if (uuid != null ? o.uuid.equals(uuid) : identifier.equals(o.identifier)) {
        return o;
      }
    }
    throw new Refused(404, "order_not_found", "주문을 찾지 못했습니다.");
  }

  private ObjectNode cancel(Map<String, String> q) throws Refused {
    Order o = find(q);
    if (!o.state.equals("wait")) {
      throw new Refused(400, "order_not_found", "주문을 찾지 못했습니다.");
    }
    o.state = "cancel";
    if (o.locked.signum() > 0) {
      ledger.release(o.bid ? "KRW" : o.coin, o.locked, false);
      o.locked = BigDecimal.ZERO;
    }
    return orderJson(o, false);
  }

  private ArrayNode openOrders(Map<String, String> q) throws Refused {
    String coin = q.containsKey("market") ? coinOf(q.get("market")) : null;
    String state = q.getOrDefault("state", "wait");
    ArrayNode out = JSON.createArrayNode();
    for (Order o : orders) {
      if (o.state.equals(state) && (coin == null || o.coin.equals(coin))) {
        out.add(orderJson(o, false));
      }
    }
    return out;
  }

  private ObjectNode orderJson(Order o, boolean withTrades) {
    ObjectNode n = JSON.createObjectNode();
    n.put("uuid", o.uuid).put("side", o.bid ? "bid" : "ask").put("ord_type", o.ordType)
        .put("price", o.price == null ? null : plain(o.price)).put("state", o.state).put("market", "KRW-" + o.coin)
        .put("created_at", kst(o.createdAt)).put("volume", o.volume == null ? null : plain(o.volume))
        .put("remaining_volume", o.volume == null ? null : plain(o.volume.subtract(o.executed)))
        .put("reserved_fee", plain(o.paidFee)).put("remaining_fee", "0").put("paid_fee", plain(o.paidFee))
        .put("locked", plain(o.locked)).put("executed_volume", plain(o.executed)).put("trades_count", o.trades.size());
    if (o.identifier != null) {
      n.put("identifier", o.identifier);
    }
    if (withTrades) {
      ArrayNode trades = n.putArray("trades");
      for (Object[] t : o.trades) {
        trades.addObject().put("market", "KRW-" + o.coin).put("uuid", (String) t[0])
            .put("price", plain((BigDecimal) t[1])).put("volume", plain((BigDecimal) t[2]))
            .put("funds", plain((BigDecimal) t[3])).put("side", o.bid ? "bid" : "ask")
            .put("created_at", kst((Long) t[4]));
      }
    }
    return n;
  }

  private ObjectNode chance(Map<String, String> q) throws Refused {
    String coin = coinOf(q.get("market"));
    String fee = plain(accounts.upbitFee());
    ObjectNode root = JSON.createObjectNode().put("bid_fee", fee).put("ask_fee", fee).put("maker_bid_fee", fee)
        .put("maker_ask_fee", fee);
    ObjectNode m = root.putObject("market").put("id", "KRW-" + coin).put("name", coin + "/KRW");
    m.putArray("order_types").add("limit");
    m.putArray("order_sides").add("ask").add("bid");
    m.putArray("bid_types").add("limit").add("price");
    m.putArray("ask_types").add("limit").add("market");
    m.putObject("bid").put("currency", "KRW").put("min_total", plain(accounts.upbitMinOrder()));
    m.putObject("ask").put("currency", coin).put("min_total", plain(accounts.upbitMinOrder()));
    m.put("max_total", "1000000000").put("state", "active");
    root.putObject("bid_account").put("currency", "KRW").put("balance", plain(ledger.free("KRW")))
        .put("locked", plain(ledger.locked("KRW"))).put("avg_buy_price", "0").put("avg_buy_price_modified", false)
        .put("unit_currency", "KRW");
    root.putObject("ask_account").put("currency", coin).put("balance", plain(ledger.free(coin)))
        .put("locked", plain(ledger.locked(coin))).put("avg_buy_price", "0").put("avg_buy_price_modified", false)
        .put("unit_currency", "KRW");
    return root;
  }

  private ArrayNode accountsJson() {
    ArrayNode out = JSON.createArrayNode();
    ledger.all().forEach((c, fl) -> {
      if (fl[0].signum() > 0 || fl[1].signum() > 0) {
        out.addObject().put("currency", c).put("balance", plain(fl[0])).put("locked", plain(fl[1]))
            .put("avg_buy_price", "0").put("avg_buy_price_modified", false).put("unit_currency", "KRW");
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- wallet

  private CoinWallet wallet(String currency, String netType) throws Refused {
    if (currency == null || currency.isEmpty()) {
      throw new Refused(400, "validation_error", "currency is required");
    }
    CoinWallet w = accounts.wallet(currency);
    if (w == null) {
      throw new Refused(404, "coin_address_not_found", "해당 화폐를 찾지 못했습니다.");
    }
    if (netType != null && !netType.isEmpty() && !netType.equals(w.network())) {
      throw new Refused(400, "invalid_net_type", "net_type " + netType + " is not " + currency + "'s network.");
    }
    return w;
  }

  private ObjectNode depositAddress(CoinWallet w) {
    String tag = accounts.transfers().tag(Side.UPBIT, w.coin());
    ObjectNode n = JSON.createObjectNode().put("currency", w.coin()).put("net_type", w.network())
        .put("deposit_address", accounts.transfers().address(Side.UPBIT, w.coin()));
    if (tag == null) {
      n.putNull("secondary_address");
    } else {
      n.put("secondary_address", tag);
    }
    return n;
  }

  private ArrayNode depositAddresses() {
    ArrayNode out = JSON.createArrayNode();
    for (CoinWallet w : accounts.wallets().values()) {
      out.add(depositAddress(w));
    }
    return out;
  }

  private ObjectNode withdrawChance(Map<String, String> q) throws Refused {
    CoinWallet w = wallet(q.get("currency"), q.get("net_type"));
    String c = w.coin();
    ObjectNode root = JSON.createObjectNode();
    root.putObject("member_level").put("security_level", 4).put("fee_level", 0).put("email_verified", true)
        .put("identity_auth_verified", true).put("bank_account_verified", true).put("two_factor_auth_verified", true)
        .put("locked", false).put("wallet_locked", false);
    ObjectNode cur = root.putObject("currency").put("code", c).put("withdraw_fee", plain(w.upbitFee()))
        .put("is_coin", true).put("wallet_state", walletState(c));
    ArrayNode support = cur.putArray("wallet_support");
    if (accounts.depositOpen(Side.UPBIT, c)) {
      support.add("deposit");
    }
    if (accounts.withdrawOpen(Side.UPBIT, c)) {
      support.add("withdraw");
    }
    root.putObject("account").put("currency", c).put("balance", plain(ledger.free(c)))
        .put("locked", plain(ledger.locked(c))).put("avg_buy_price", "0").put("avg_buy_price_modified", false)
        .put("unit_currency", "KRW");
    root.putObject("withdraw_limit").put("currency", c).put("minimum", plain(w.minimum())).put("onetime", "1000000")
        .put("daily", "10000000").put("remaining_daily", "10000000").put("remaining_daily_krw", "1000000000")
        .put("fixed", w.decimals()).put("can_withdraw", accounts.withdrawOpen(Side.UPBIT, c));
    return root;
  }

  /** {@code working}, {@code withdraw_only}, {@code deposit_only} or {@code paused}, as {@link SimAccounts#setUpbitWallet}. */
  private String walletState(String coin) {
    boolean in = accounts.depositOpen(Side.UPBIT, coin);
    boolean out = accounts.withdrawOpen(Side.UPBIT, coin);
    return in && out ? "working" : out ? "withdraw_only" : in ? "deposit_only" : "paused";
  }

  private ArrayNode withdrawAddresses() {
    ArrayNode out = JSON.createArrayNode();
    List<String[]> registered = accounts.upbitWithdrawalAddresses();
    if (registered != null) {
      for (String[] a : registered) {
        ObjectNode o = out.addObject().put("currency", a[0]).put("net_type", a[1]).put("network_name", a[1])
            .put("withdraw_address", a[2]);
        if (a[3] == null) {
          o.putNull("secondary_address");
        } else {
          o.put("secondary_address", a[3]);
        }
      }
      return out;
    }
    for (CoinWallet w : accounts.wallets().values()) {
      String tag = accounts.transfers().tag(Side.BINANCE, w.coin());
      ObjectNode o = out.addObject().put("currency", w.coin()).put("net_type", w.network())
          .put("network_name", w.network()).put("withdraw_address", accounts.transfers().address(Side.BINANCE, w.coin()));
      if (tag == null) {
        o.putNull("secondary_address");
      } else {
        o.put("secondary_address", tag);
      }
    }
    return out;
  }

  private ObjectNode withdraw(JsonNode b, long now) throws Refused {
    CoinWallet w = wallet(b.path("currency").asText(null), b.path("net_type").asText(null));
    if (!b.hasNonNull("net_type")) {
      throw new Refused(400, "validation_error", "net_type is required");
    }
    BigDecimal amount = decimal(b, "amount");
    if (amount == null) {
      throw new Refused(400, "validation_error", "amount is required");
    }
    String address = b.path("address").asText("");
    String tag = b.hasNonNull("secondary_address") ? b.path("secondary_address").asText() : null;
    String registered = accounts.transfers().address(Side.BINANCE, w.coin());
    String registeredTag = accounts.transfers().tag(Side.BINANCE, w.coin());
    if (!address.equals(registered) || !java.util.Objects.equals(tag, registeredTag)) {
      throw new Refused(400, "withdraw_address_not_registered", "허용되지 않은 출금 주소입니다.");
    }
    if (!accounts.withdrawOpen(Side.UPBIT, w.coin())) {
      // the name is the simulator's: Upbit's docs list no error for a suspended wallet
      throw new Refused(400, "withdraw_suspended", w.coin() + " 출금이 일시 중단되었습니다.");
    }
    if (amount.stripTrailingZeros().scale() > w.decimals()) {
      throw new Refused(400, "validation_error", "amount has more than " + w.decimals() + " decimals");
    }
    if (amount.compareTo(w.minimum()) < 0) {
      throw new Refused(400, "under_min_amount", "최소 출금 수량 이상으로 입력해주세요.");
    }
    if (!ledger.apply(Map.of(w.coin(), amount.add(w.upbitFee()).negate()))) {
      throw new Refused(400, "insufficient_funds_withdraw", "출금가능 금액이 부족합니다.");
    }
    Withdrawal x = new Withdrawal();
    x.uuid = UUID.randomUUID().toString();
    x.currency = w.coin();
    x.netType = w.network();
    x.amount = amount;
    x.fee = w.upbitFee();
    x.createdAt = now;
    x.transfer = accounts.transfers().send(Side.UPBIT, w.coin(), w.network(), amount, address, tag, now);
    withdrawals.add(x);
    ObjectNode reply = withdrawalJson(x, now);
    reply.put("state", "WAITING").putNull("txid").putNull("done_at");
    return reply;
  }

  private Withdrawal findWithdrawal(Map<String, String> q) throws Refused {
    for (Withdrawal w : withdrawals) {
      if (w.uuid.equals(q.get("uuid")) || w.transfer.txId.equals(q.get("txid"))) {
        return w;
      }
    }
    throw new Refused(404, "withdraw_not_found", "출금 정보를 찾지 못했습니다.");
  }

  private ObjectNode withdrawalJson(Withdrawal w, long now) {
    boolean arrived = w.transfer.arrived(now);
    ObjectNode n = JSON.createObjectNode();
    n.put("type", "withdraw").put("uuid", w.uuid).put("currency", w.currency).put("net_type", w.netType)
        .put("txid", w.transfer.txId).put("state", arrived ? "DONE" : "PROCESSING")
        .put("created_at", kst(w.createdAt)).put("done_at", arrived ? kst(w.transfer.arrivesAt) : null)
        .put("amount", plain(w.amount)).put("fee", plain(w.fee)).put("transaction_type", "default")
        .put("is_cancelable", false);
    return n;
  }

  private ArrayNode withdrawList(Map<String, String> q, long now) {
    ArrayNode out = JSON.createArrayNode();
    int limit = limit(q);
    List<Withdrawal> list = new ArrayList<>(withdrawals);
    if (!"asc".equals(q.get("order_by"))) {
      Collections.reverse(list);
    }
    for (Withdrawal w : list) {
      if (out.size() >= limit) {
        break;
      }
      if (q.containsKey("currency") && !q.get("currency").equals(w.currency)) {
        continue;
      }
      out.add(withdrawalJson(w, now));
    }
    return out;
  }

  private static int limit(Map<String, String> q) {
    try {
      return Math.max(1, Math.min(100, Integer.parseInt(q.getOrDefault("limit", "100"))));
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  private ObjectNode depositJson(Transfer t) {
    return JSON.createObjectNode().put("type", "deposit").put("uuid", t.depositId).put("currency", t.coin)
        .put("net_type", t.network).put("txid", t.txId).put("state", t.credited ? "ACCEPTED" : "PROCESSING")
        .put("created_at", kst(t.sentAt)).put("done_at", t.credited ? kst(t.arrivesAt) : null)
        .put("amount", plain(t.amount)).put("fee", "0").put("transaction_type", "default");
  }

  private ArrayNode depositList(Map<String, String> q) {
    ArrayNode out = JSON.createArrayNode();
    int limit = limit(q);
    List<Transfer> list = new ArrayList<>(accounts.transfers().depositsTo(Side.UPBIT));
    if (!"asc".equals(q.get("order_by"))) {
      Collections.reverse(list);
    }
    for (Transfer t : list) {
      if (out.size() >= limit) {
        break;
      }
      if (q.containsKey("currency") && !q.get("currency").equals(t.coin)) {
        continue;
      }
      out.add(depositJson(t));
    }
    return out;
  }

  private ObjectNode deposit(Map<String, String> q) throws Refused {
    for (Transfer t : accounts.transfers().depositsTo(Side.UPBIT)) {
      if (t.depositId.equals(q.get("uuid")) || t.txId.equals(q.get("txid"))) {
        return depositJson(t);
      }
    }
    throw new Refused(404, "deposit_not_found", "입금 정보를 찾지 못했습니다.");
  }

  // ---------------------------------------------------------------- replies

  private static String kst(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), KST).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  private static PrivateReply ok(Object json) {
    return new PrivateReply(200, json.toString());
  }

  /** Upbit's body of a 429. */
  static String tooManyBody() {
    return error(429, "too_many_requests", "Too many API requests.").body();
  }

  static PrivateReply error(int status, String name, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("name", name).put("message", message);
    return new PrivateReply(status, n.toString());
  }

  static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  /** A request Upbit refuses: HTTP status, error name, message. */
  static final class Refused extends Exception {
    final int status;
    final String name;

    Refused(int status, String name, String message) {
      super(message, null, false, false);
      this.status = status;
      this.name = name;
    }
  }

  int orderCount() {
    return orders.size();
  }

  /** What the account's trades, withdrawals and credited deposits add up to per asset, from their own records. */
  Map<String, BigDecimal> flows() {
    Map<String, BigDecimal> out = new java.util.TreeMap<>();
    for (Order o : orders) {
      for (Object[] t : o.trades) {
        BigDecimal qty = (BigDecimal) t[2];
        BigDecimal funds = (BigDecimal) t[3];
        BigDecimal fee = (BigDecimal) t[5];
        out.merge("KRW", o.bid ? funds.add(fee).negate() : funds.subtract(fee), BigDecimal::add);
        out.merge(o.coin, o.bid ? qty : qty.negate(), BigDecimal::add);
      }
    }
    for (Withdrawal w : withdrawals) {
      out.merge(w.currency, w.amount.add(w.fee).negate(), BigDecimal::add);
    }
    for (Transfer t : accounts.transfers().depositsTo(Side.UPBIT)) {
      if (t.credited) {
        out.merge(t.coin, t.amount, BigDecimal::add);
      }
    }
    return out;
  }

  int withdrawalCount() {
    return withdrawals.size();
  }

  /** Orders created per identifier (a refused order's identifier is burnt but no order is created). */
  Map<String, Integer> ordersByIdentifier() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (Order o : orders) {
      if (o.identifier != null) {
        out.merge(o.identifier, 1, Integer::sum);
      }
    }
    return out;
  }

  /** The amounts of the withdrawals made (Upbit's carry no client id), oldest first. */
  List<BigDecimal> withdrawalAmounts() {
    return withdrawals.stream().map(w -> w.amount).toList();
  }

  /** Requests answered 429 because a group's budget for the second was spent. */
  int tooManyRequests() {
    return tooManyRequests;
  }
}
