package io.kimp.gateway.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.core.cycle.LatencyProbe;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.venue.Balance;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.OrderType;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import io.kimp.gateway.http.HttpReply;
import io.kimp.gateway.http.Json;
import io.kimp.gateway.http.QueryString;
import io.kimp.gateway.http.VenueBackoff;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.preflight.CoinCheck;
import io.kimp.gateway.preflight.KeyRejection;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live Binance spot and wallet API.
 *
 * <p>Idempotency: orders carry the intent's client id as {@code newClientOrderId} and withdrawals as {@code withdrawOrderId};
 * both are found again by that id. Failure classes follow Binance's own words: 5xx, {@code -1006} and {@code -1007} mean
 * "execution status unknown" ({@link FailureClass#UNKNOWN_OUTCOME}); 429/418 pause the whole venue for {@code Retry-After}
 * ({@link FailureClass#TRANSIENT}); a rejection such as {@code -2010} is {@link FailureClass#PERMANENT}. A {@code -1021}
 * (clock outside {@code recvWindow}) re-reads the server time and sends the request once more: Binance rejected it unseen.
 */
public final class BinanceGateway implements ExchangeGateway {
  private static final Logger log = LoggerFactory.getLogger(BinanceGateway.class);
  private static final String QUOTE = Venue.BINANCE.quoteCurrency();
  private static final DateTimeFormatter APPLY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final BinanceSettings settings;
  private final TradingCosts costs;
  private final Clock clock;
  private final BinanceLink link;
  private final Map<String, CachedRules> rules = new ConcurrentHashMap<>();

  private record CachedRules(BinanceSymbolRules rules, Instant fetchedAt) {}

  /** A gateway alone on its key (no other node shares its limits). */
  public BinanceGateway(BinanceSettings settings, VenueHttp http, TradingCosts costs, Clock clock) {
    this(settings, http, costs, clock, KeyLimits.standalone());
  }

  /** A gateway drawing on this node's share of the key's limits; its back-offs travel to the other nodes. */
  public BinanceGateway(BinanceSettings settings, VenueHttp http, TradingCosts costs, Clock clock, KeyLimits limits) {
    this.settings = settings;
    this.costs = costs;
    this.clock = clock;
    this.link = new BinanceLink(http, clock, limits, new BinanceThrottle(clock, limits));
  }

  @Override
  public Venue venue() {
    return Venue.BINANCE;
  }

  /** The latest {@code X-MBX-USED-WEIGHT-*} and {@code X-MBX-ORDER-COUNT-*} values by lower-case header name. */
  public Map<String, Long> usedWeight() {
    return link.usedWeight();
  }

  public VenueBackoff backoff() {
    return link.backoff();
  }

  /** The node's share of the key's limits and the watch that hears of a rejected key. */
  public KeyLimits limits() {
    return link.limits();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // orders

  @Override
  public CompletionStage<OrderResult> placeOrder(OrderRequest request) {
    String symbol = symbol(request.coin());
    return symbolRules(symbol)
        .thenCompose(
            r -> {
              QueryString q = new QueryString().add("symbol", symbol).add("side", request.side().name());
              if (request.type() == OrderType.MARKET) {
                q.add("type", "MARKET");
                if (request.side() == OrderSide.BUY && request.quoteAmount() != null) {
                  BigDecimal quote = r.quoteAmount(request.quoteAmount());
                  reject(r.quoteAmountViolation(quote));
                  q.add("quoteOrderQty", quote);
                } else {
                  BigDecimal qty = r.marketQuantity(request.quantity());
                  reject(r.marketQuantityViolation(qty));
                  q.add("quantity", qty);
                }
              } else {
                BigDecimal qty = BinanceSymbolRules.roundDown(request.quantity(), r.stepSize());
                reject(r.marketQuantityViolation(qty));
                q.add("type", "LIMIT").add("timeInForce", "GTC").add("quantity", qty).add("price", request.limitPrice());
              }
              q.add("newClientOrderId", request.clientId()).add("newOrderRespType", "FULL");
              return signed(HttpMethods.POST, "/api/v3/order", q, true, true, request.coin())
                  .thenApply(
                      json -> toOrder(json, fees(json.path("fills"), request.coin(), request.side()), request.coin()));
            });
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    String symbol = symbol(coin);
    QueryString q = new QueryString().add("symbol", symbol).add("origClientOrderId", clientId);
    return signed(HttpMethods.GET, "/api/v3/order", q, false)
        .thenCompose(json -> withTrades(json, coin).thenApply(Optional::of))
        .exceptionally(
            t -> {
              VenueException ve = VenueException.classify(Venue.BINANCE, t);
              if ("-2013".equals(ve.code())) {
                return Optional.empty();
              }
              throw new CompletionException(ve);
            });
  }

  @Override
  public CompletionStage<OrderResult> cancelOrder(String coin, String clientId) {
    QueryString q = new QueryString().add("symbol", symbol(coin)).add("origClientOrderId", clientId);
    return signed(HttpMethods.DELETE, "/api/v3/order", q, true)
        .thenCompose(json -> withTrades(json, coin))
        .handle(
            (order, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(order);
              }
              VenueException ve = VenueException.classify(Venue.BINANCE, t);
              if (!"-2011".equals(ve.code())) {
                return CompletableFuture.<OrderResult>failedFuture(ve);
              }
              // already filled, expired or canceled: the order as it stands is the answer
              return queryOrder(coin, clientId)
                  .thenApply(o -> o.orElseThrow(() -> ve))
                  .toCompletableFuture();
            })
        .thenCompose(f -> f);
  }

  /** Binance's order endpoints carry no commission: it comes from the order's trades. */
  private CompletionStage<OrderResult> withTrades(JsonNode order, String coin) {
    OrderSide side = "SELL".equals(order.path("side").asText()) ? OrderSide.SELL : OrderSide.BUY;
    BigDecimal executed = Json.decimalOrZero(order, "executedQty");
    if (executed.signum() == 0) {
      return CompletableFuture.completedFuture(toOrder(order, Fee.NONE, coin));
    }
    QueryString q =
        new QueryString().add("symbol", order.path("symbol").asText()).add("orderId", order.path("orderId").asText());
    return signed(HttpMethods.GET, "/api/v3/myTrades", q, false)
        .thenApply(trades -> toOrder(order, fees(trades, coin, side), coin));
  }

  private record Fee(BigDecimal amount, String asset) {
    static final Fee NONE = new Fee(BigDecimal.ZERO, null);
  }

  /**
   * Total commission of fills or trades. Binance charges a buy's commission in the coin and a sell's in USDT (or all in
   * BNB when the account pays fees in BNB); when fills disagree, the asset that changes the cycle's amounts wins.
   */
  private static Fee fees(JsonNode fills, String coin, OrderSide side) {
    Map<String, BigDecimal> byAsset = new LinkedHashMap<>();
    for (JsonNode f : fills) {
      String asset = f.path("commissionAsset").asText();
      byAsset.merge(asset, Json.decimalOrZero(f, "commission"), BigDecimal::add);
    }
    if (byAsset.isEmpty()) {
      return Fee.NONE;
    }
    String preferred = side == OrderSide.BUY ? coin : QUOTE;
    if (byAsset.size() == 1 || !byAsset.containsKey(preferred)) {
      Map.Entry<String, BigDecimal> first = byAsset.entrySet().iterator().next();
      return new Fee(first.getValue(), first.getKey());
    }
    return new Fee(byAsset.get(preferred), preferred);
  }

  private OrderResult toOrder(JsonNode o, Fee fee, String coin) {
    BigDecimal qty = Json.decimalOrZero(o, "executedQty");
    BigDecimal quote = Json.decimalOrZero(o, "cummulativeQuoteQty");
    BigDecimal avg = qty.signum() > 0 ? quote.divide(qty, MathContext.DECIMAL64) : null;
    long ts = o.path("updateTime").asLong(o.path("transactTime").asLong(clock.millis()));
    // a DELETE reply's clientOrderId is the cancel request's own id; the cancelled order's is origClientOrderId
    String clientId = o.hasNonNull("origClientOrderId") ? o.path("origClientOrderId").asText()
        : o.path("clientOrderId").asText();
    return new OrderResult(
        clientId,
        o.path("orderId").asText(),
        orderStatus(o.path("status").asText()),
        qty,
        avg,
        quote,
        fee.amount(),
        fee.asset() == null ? (o.path("side").asText().equals("SELL") ? QUOTE : coin) : fee.asset(),
        Instant.ofEpochMilli(ts));
  }

  static OrderStatus orderStatus(String s) {
    switch (s) {
      case "FILLED":
        return OrderStatus.FILLED;
      case "PARTIALLY_FILLED":
        return OrderStatus.PARTIALLY_FILLED;
      case "CANCELED":
        return OrderStatus.CANCELED;
      case "REJECTED":
        return OrderStatus.REJECTED;
      case "EXPIRED":
      case "EXPIRED_IN_MATCH":
        return OrderStatus.EXPIRED;
      default: // NEW, PENDING_NEW, PENDING_CANCEL: not final yet
        return OrderStatus.NEW;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // balances, addresses, transfers

  @Override
  public CompletionStage<Map<String, Balance>> balances() {
    return signed(HttpMethods.GET, "/api/v3/account", new QueryString().add("omitZeroBalances", "true"), false)
        .thenApply(
            json -> {
              Map<String, Balance> out = new LinkedHashMap<>();
              for (JsonNode b : json.path("balances")) {
                String asset = b.path("asset").asText();
                out.put(asset, new Balance(asset, Json.decimalOrZero(b, "free"), Json.decimalOrZero(b, "locked")));
              }
              return out;
            });
  }

  @Override
  public CompletionStage<DepositAddress> depositAddress(String coin, String network) {
    QueryString q = new QueryString().add("coin", coin).add("network", network);
    return signed(HttpMethods.GET, "/sapi/v1/capital/deposit/address", q, false)
        .thenApply(
            json -> new DepositAddress(coin, network, Json.text(json, "address"), Json.text(json, "tag")));
  }

  /**
   * Binance takes {@code amount} from the balance and sends {@code amount − fee}, which is the port's convention: the
   * request's amount is sent as is.
   */
  @Override
  public CompletionStage<WithdrawalResult> withdraw(WithdrawalRequest request) {
    QueryString q =
        new QueryString()
            .add("coin", request.coin())
            .add("withdrawOrderId", request.clientId())
            .add("network", request.network())
            .add("address", request.address())
            .add("addressTag", request.tag() == null || request.tag().isBlank() ? null : request.tag())
            .add("amount", request.amount());
    return signed(HttpMethods.POST, "/sapi/v1/capital/withdraw/apply", q, true)
        .thenCompose(
            json -> {
              String id = Json.text(json, "id");
              BigDecimal fee = costs.withdrawalFee(Venue.BINANCE, request.coin());
              WithdrawalResult accepted =
                  new WithdrawalResult(
                      request.clientId(), id, WithdrawalStatus.PENDING, request.coin(),
                      request.amount().subtract(fee), fee, null, clock.instant());
              // the history has Binance's real fee; if it is not there yet (or the key's budget has no room for the
              // look now) the configured fee stands in
              return peekWithdrawal(request, id)
                  .handle((found, t) -> found != null && found.isPresent() ? found.get() : accepted);
            });
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest request) {
    return signed(HttpMethods.GET, WITHDRAW_HISTORY, historyQuery(request), false)
        .thenApply(json -> findWithdrawal(json, request));
  }

  /**
   * A look at the withdrawal history that may be skipped is made only when the endpoint's window (18,000 a look, ten
   * looks a second for the whole cluster) has room now, else it is empty: a transfer's polls never queue behind the
   * budget that a reconciliation ({@link #queryWithdrawal}) waits for.
   */
  @Override
  public CompletionStage<Optional<WithdrawalResult>> peekWithdrawal(WithdrawalRequest request, String withdrawalId) {
    String what = "GET " + WITHDRAW_HISTORY;
    Supplier<HttpRequest> sign = link.signed(HttpMethods.GET, settings.baseUrl() + WITHDRAW_HISTORY,
        historyQuery(request), settings.credentials(), settings.recvWindow());
    return link.sendIfRoom(sign, what)
        .thenApply(reply -> findWithdrawal(interpret(reply, what, false), request))
        .exceptionally(t -> {
          if (BinanceLink.NO_ROOM.equals(VenueException.classify(Venue.BINANCE, t).code())) {
            return Optional.empty();
          }
          throw t instanceof CompletionException ce ? ce : new CompletionException(t);
        });
  }

  private static final String WITHDRAW_HISTORY = "/sapi/v1/capital/withdraw/history";

  private static QueryString historyQuery(WithdrawalRequest request) {
    return new QueryString().add("coin", request.coin()).add("withdrawOrderId", request.clientId());
  }

  private Optional<WithdrawalResult> findWithdrawal(JsonNode json, WithdrawalRequest request) {
    for (JsonNode w : json) {
      if (request.clientId().equals(Json.text(w, "withdrawOrderId"))) {
        return Optional.of(toWithdrawal(w, request.clientId()));
      }
    }
    return Optional.empty();
  }

  private WithdrawalResult toWithdrawal(JsonNode w, String clientId) {
    BigDecimal amount = Json.decimalOrZero(w, "amount");
    BigDecimal fee = Json.decimalOrZero(w, "transactionFee");
    String completed = Json.text(w, "completeTime");
    String applied = Json.text(w, "applyTime");
    return new WithdrawalResult(
        clientId,
        Json.text(w, "id"),
        withdrawalStatus(w.path("status").asInt(-1)),
        w.path("coin").asText(),
        amount.subtract(fee),
        fee,
        Json.text(w, "txId"),
        parseApplyTime(completed != null ? completed : applied));
  }

  static WithdrawalStatus withdrawalStatus(int s) {
    switch (s) {
      case 1:
        return WithdrawalStatus.CANCELED;
      case 3:
        return WithdrawalStatus.REJECTED;
      case 4:
        return WithdrawalStatus.PROCESSING;
      case 5:
        return WithdrawalStatus.FAILED;
      case 6:
        return WithdrawalStatus.COMPLETED;
      default: // 0 email sent, 2 awaiting approval
        return WithdrawalStatus.PENDING;
    }
  }

  private Instant parseApplyTime(String s) {
    if (s == null) {
      return clock.instant();
    }
    try {
      return LocalDateTime.parse(s, APPLY_TIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return clock.instant();
    }
  }

  @Override
  public CompletionStage<List<Deposit>> deposits(String coin, Instant since) {
    QueryString q = new QueryString().add("coin", coin).add("startTime", since.toEpochMilli());
    return signed(HttpMethods.GET, "/sapi/v1/capital/deposit/hisrec", q, false)
        .thenApply(
            json -> {
              List<Deposit> out = new ArrayList<>();
              for (JsonNode d : json) {
                Instant at = Instant.ofEpochMilli(d.path("insertTime").asLong());
                if (at.isBefore(since)) {
                  continue;
                }
                out.add(
                    new Deposit(
                        d.path("id").asText(), d.path("coin").asText(), Json.decimalOrZero(d, "amount"),
                        Json.text(d, "txId"), depositStatus(d.path("status").asInt(-1)), at));
              }
              return out;
            });
  }

  static DepositStatus depositStatus(int s) {
    switch (s) {
      case 1: // success
      case 6: // credited but cannot withdraw yet: tradeable
        return DepositStatus.CREDITED;
      case 2: // rejected
      case 7: // wrong deposit
        return DepositStatus.FAILED;
      default: // 0 pending, 8 waiting user confirm
        return DepositStatus.PENDING;
    }
  }

  /**
   * The coins' wallets by network ({@code GET /sapi/v1/capital/config/getall}: per coin its {@code networkList} with
   * {@code depositEnable} and {@code withdrawEnable}), for the pre-flight.
   */
  public CompletionStage<Map<String, Map<String, CoinCheck.Wallet>>> coinWallets() {
    return signed(HttpMethods.GET, "/sapi/v1/capital/config/getall", new QueryString(), false)
        .thenApply(
            json -> {
              Map<String, Map<String, CoinCheck.Wallet>> out = new LinkedHashMap<>();
              for (JsonNode c : json) {
                Map<String, CoinCheck.Wallet> networks = new LinkedHashMap<>();
                for (JsonNode n : c.path("networkList")) {
                  networks.put(n.path("network").asText(),
                      new CoinCheck.Wallet(n.path("depositEnable").asBoolean(false),
                          n.path("withdrawEnable").asBoolean(false)));
                }
                out.put(c.path("coin").asText(), networks);
              }
              return out;
            });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // exchangeInfo

  private CompletionStage<BinanceSymbolRules> symbolRules(String symbol) {
    CachedRules cached = rules.get(symbol);
    if (cached != null && cached.fetchedAt().plus(settings.symbolRulesTtl()).isAfter(clock.instant())) {
      return CompletableFuture.completedFuture(cached.rules());
    }
    String uri = settings.baseUrl() + "/api/v3/exchangeInfo?symbol=" + symbol;
    return call(HttpRequest.GET(uri), "GET /api/v3/exchangeInfo", false)
        .thenApply(
            json -> {
              for (JsonNode s : json.path("symbols")) {
                if (symbol.equals(s.path("symbol").asText())) {
                  BinanceSymbolRules r = BinanceSymbolRules.parse(s);
                  rules.put(symbol, new CachedRules(r, clock.instant()));
                  return r;
                }
              }
              throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "-1121", "unknown symbol " + symbol);
            });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // transport

  private CompletionStage<JsonNode> signed(HttpMethod method, String path, QueryString params, boolean mutating) {
    return signed(method, path, params, mutating, true, null);
  }

  /** @param orderCoin the coin of an order being placed (reported to the {@link LatencyProbe} once signed), else null */
  private CompletionStage<JsonNode> signed(
      HttpMethod method, String path, QueryString params, boolean mutating, boolean mayResync, String orderCoin) {
    Supplier<HttpRequest> sign =
        link.signed(method, settings.baseUrl() + path, params, settings.credentials(), settings.recvWindow());
    Supplier<HttpRequest> signedRequest =
        orderCoin == null
            ? sign
            : () -> {
              HttpRequest request = sign.get();
              LatencyProbe.current().reached(LatencyProbe.Stage.REQUEST_SIGNED, orderCoin);
              return request;
            };
    String what = method.value() + " " + path;
    return BinanceCalls.resyncOnce(call(signedRequest, what, mutating), mayResync, what, "Binance server time", log,
        this::syncServerTime, () -> signed(method, path, params, mutating, false, orderCoin));
  }

  /** Re-reads Binance's clock: later timestamps are local time plus the measured offset. */
  public CompletionStage<Long> syncServerTime() {
    long sent = clock.millis();
    return call(HttpRequest.GET(settings.baseUrl() + "/api/v3/time"), "GET /api/v3/time", false)
        .thenApply(
            json -> {
              long offset = link.serverTime(sent, json);
              log.info("Binance server time offset {} ms", offset);
              return offset;
            });
  }

  private CompletionStage<JsonNode> call(HttpRequest request, String what, boolean mutating) {
    return call(() -> request, what, mutating);
  }

  /** Waits for the rate limit's turn, then builds and sends the request. */
  private CompletionStage<JsonNode> call(Supplier<HttpRequest> request, String what, boolean mutating) {
    return link.send(request, what, mutating).thenApply(reply -> interpret(reply, what, mutating));
  }

  private JsonNode interpret(HttpReply reply, String what, boolean mutating) {
    if (reply.ok()) {
      return BinanceLink.body(reply, what, mutating);
    }
    BinanceLink.ApiError err = BinanceLink.ApiError.of(reply);
    if (reply.rateLimited()) {
      // one Binance back-off for the key, as the other nodes apply it: this node's futures gateway pauses too
      java.time.Duration wait = link.pauseRateLimited(reply, settings.defaultBackoff());
      log.warn("{}: Binance answered {} ({}); pausing all Binance calls on every node for {} s", what, reply.status(), err.msg(),
          wait.toSeconds());
      return fail(FailureClass.TRANSIENT, String.valueOf(err.code() != 0 ? err.code() : reply.status()),
          what + ": rate limited (" + reply.status() + "), retry after " + wait.toSeconds() + " s", wait);
    }
    String code = err.code() != 0 ? String.valueOf(err.code()) : "http-" + reply.status();
    if (KeyRejection.isKeyRejection(Venue.BINANCE, code)) {
      KeyRejection rejected = new KeyRejection(Venue.BINANCE, code, err.msg());
      link.limits().keyWatch().rejected(rejected);
      // refused before anything was done: a retry succeeds once the key is fixed (trading stops meanwhile)
      return fail(FailureClass.TRANSIENT, code, what + ": " + reply.status() + " " + err.msg() + " - "
          + rejected.message(), null);
    }
    if (reply.serverError() || err.code() == -1006 || err.code() == -1007) {
      return fail(mutating ? FailureClass.UNKNOWN_OUTCOME : FailureClass.TRANSIENT, code,
          what + ": " + reply.status() + " " + err.msg() + " (execution status unknown)", null);
    }
    if (err.code() == -1021 || err.code() == -1003 || err.code() == -1008 || err.code() == -1001) {
      // rejected before execution: timestamp, overload, disconnect
      return fail(FailureClass.TRANSIENT, code, what + ": " + err.msg(), null);
    }
    if (err.code() == -2010 && err.msg() != null && err.msg().toLowerCase().contains("duplicate")) {
      // an order with this client id exists already: find it rather than act again
      return fail(FailureClass.UNKNOWN_OUTCOME, code, what + ": " + err.msg(), null);
    }
    return fail(FailureClass.PERMANENT, code, what + ": " + reply.status() + " " + err.msg(), null);
  }

  private static JsonNode fail(FailureClass cls, String code, String message, java.time.Duration retryAfter) {
    throw new VenueException(Venue.BINANCE, cls, code, message, retryAfter, null);
  }

  private static void reject(String violation) {
    if (violation != null) {
      throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "filter", violation);
    }
  }

  static String symbol(String coin) {
    return coin + QUOTE;
  }

  @Override
  public String toString() {
    return "BinanceGateway[" + settings + "]";
  }
}
