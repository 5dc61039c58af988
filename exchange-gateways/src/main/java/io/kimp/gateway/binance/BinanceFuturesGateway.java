package io.kimp.gateway.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.PerpContract;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.PerpetualGateway;
import io.kimp.core.venue.VenueException;
import io.kimp.gateway.http.HttpReply;
import io.kimp.gateway.http.Json;
import io.kimp.gateway.http.QueryString;
import io.kimp.gateway.http.VenueBackoff;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.preflight.KeyRejection;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Live Binance USDT-M perpetual futures ({@code /fapi}) for the transfer hedge, on the spot key with futures enabled.
 *
 * <p>Idempotency: orders carry the intent's client id as {@code newClientOrderId} and are found again by
 * {@code origClientOrderId}; a {@code -4116} (client id used before) is an unknown outcome, so the caller looks the order
 * up instead of sending another. Orders are MARKET with {@code newOrderRespType=RESULT}, so the reply carries the fill;
 * the commission comes from the order's trades ({@code /fapi/v1/userTrades}), or, when those cannot be read after the
 * order went through, from the contract's taker fee (the order stands either way).
 *
 * <p>Failure classes as for spot: 5xx, {@code -1006}, {@code -1007} and timeouts on an order or a transfer are
 * {@link FailureClass#UNKNOWN_OUTCOME}; 429/418 pause every Binance call of every node for {@code Retry-After}
 * ({@link FailureClass#TRANSIENT}); a key refused by {@code /fapi} reaches the pre-flight's {@link KeyRejection} path with
 * a message that says to enable futures on the key; {@code -2019} (margin insufficient), {@code -2022} (reduce-only
 * rejected), {@code -4164} (notional below the minimum), {@code -4061} (Hedge Mode) are {@link FailureClass#PERMANENT}.
 * The hedge runs the account in One-way Mode: a position read that finds Hedge Mode fails with a clear error.
 */
public final class BinanceFuturesGateway implements PerpetualGateway {
  private static final Logger log = LoggerFactory.getLogger(BinanceFuturesGateway.class);
  private static final String QUOTE = "USDT";

  private final BinanceFuturesSettings settings;
  private final Clock clock;
  private final BinanceLink link;
  private final Map<String, Cached> contracts = new ConcurrentHashMap<>();

  /** A contract (or the venue's word that there is none), read or being read, and when the read started. */
  private record Cached(CompletableFuture<Optional<PerpContract>> contract, Instant fetchedAt) {}

  /** A gateway alone on its key. */
  public BinanceFuturesGateway(BinanceFuturesSettings settings, VenueHttp http, Clock clock) {
    this(settings, http, clock, KeyLimits.standalone());
  }

  /**
   * A gateway drawing on this node's share of the key's futures limits ({@code limits}, the one the node's spot gateway
   * uses): its back-offs pause the spot gateway and travel to the other nodes, and a rejected key reaches its
   * {@link KeyLimits#keyWatch()}.
   */
  public BinanceFuturesGateway(BinanceFuturesSettings settings, VenueHttp http, Clock clock, KeyLimits limits) {
    this.settings = settings;
    this.clock = clock;
    this.link = new BinanceLink(http, clock, limits, new BinanceFuturesThrottle(clock, limits));
  }

  @Override
  public Venue venue() {
    return Venue.BINANCE;
  }

  public VenueBackoff backoff() {
    return link.backoff();
  }

  public KeyLimits limits() {
    return link.limits();
  }

  /** The latest {@code X-MBX-USED-WEIGHT-1M} and {@code X-MBX-ORDER-COUNT-*} values of {@code /fapi}. */
  public Map<String, Long> usedWeight() {
    return link.usedWeight();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // contract

  @Override
  public CompletionStage<Optional<PerpContract>> contract(String coin) {
    Cached cached = contracts.get(coin);
    if (cached != null && cached.fetchedAt().plus(settings.contractTtl()).isAfter(clock.instant())
        && !cached.contract().isCompletedExceptionally()) {
      return cached.contract();
    }
    // one read at a time per coin: concurrent orders on a cold cache wait for the same exchangeInfo
    CompletableFuture<Optional<PerpContract>> read = new CompletableFuture<>();
    Cached mine = new Cached(read, clock.instant());
    Cached won = contracts.compute(coin, (k, v) -> v == cached ? mine : v);
    if (won != mine) {
      return won.contract();
    }
    fetchContract(coin).whenComplete((c, t) -> {
      if (t != null) {
        contracts.remove(coin, mine);
        read.completeExceptionally(t);
      } else {
        read.complete(c);
      }
    });
    return read;
  }

  private CompletionStage<Optional<PerpContract>> fetchContract(String coin) {
    String symbol = symbol(coin);
    return call(() -> HttpRequest.GET(settings.futuresUrl() + "/fapi/v1/exchangeInfo"), "GET /fapi/v1/exchangeInfo",
            false)
        .thenCompose(json -> {
          JsonNode found = null;
          for (JsonNode s : json.path("symbols")) {
            if (symbol.equals(s.path("symbol").asText()) && "PERPETUAL".equals(s.path("contractType").asText())
                && "TRADING".equals(s.path("status").asText())) {
              found = s;
            }
          }
          if (found == null) {
            return CompletableFuture.completedFuture(Optional.<PerpContract>empty());
          }
          JsonNode s = found;
          return takerFee(symbol).thenApply(fee -> Optional.of(parse(coin, s, fee)));
        });
  }

  /** The account's taker rate ({@code /fapi/v1/commissionRate}); the configured fee when it cannot be read. */
  private CompletionStage<BigDecimal> takerFee(String symbol) {
    return signed(HttpMethods.GET, settings.futuresUrl(), "/fapi/v1/commissionRate",
            new QueryString().add("symbol", symbol), false, true)
        .handle((json, t) -> {
          BigDecimal fee = json == null ? null : Json.decimal(json, "takerCommissionRate");
          if (fee == null) {
            log.info("{}: commission rate not read ({}); using the configured taker fee {}", symbol,
                t == null ? "no takerCommissionRate" : VenueException.classify(Venue.BINANCE, t).getMessage(),
                settings.takerFee().toPlainString());
            return settings.takerFee();
          }
          return fee;
        });
  }

  /** LOT_SIZE / MARKET_LOT_SIZE (the coarser step, the larger minimum) and MIN_NOTIONAL ({@code notional}). */
  static PerpContract parse(String coin, JsonNode s, BigDecimal takerFee) {
    BigDecimal step = BigDecimal.ZERO;
    BigDecimal minQty = BigDecimal.ZERO;
    BigDecimal minNotional = BigDecimal.ZERO;
    for (JsonNode f : s.path("filters")) {
      switch (f.path("filterType").asText()) {
        case "LOT_SIZE", "MARKET_LOT_SIZE" -> {
          step = step.max(Json.decimalOrZero(f, "stepSize"));
          minQty = minQty.max(Json.decimalOrZero(f, "minQty"));
        }
        case "MIN_NOTIONAL" -> minNotional =
            Json.decimal(f, "notional") != null ? Json.decimal(f, "notional") : Json.decimalOrZero(f, "minNotional");
        default -> { }
      }
    }
    return new PerpContract(coin, s.path("symbol").asText(), step.stripTrailingZeros(), minQty.stripTrailingZeros(),
        minNotional.stripTrailingZeros(), takerFee);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // orders

  @Override
  public CompletionStage<OrderResult> placeOrder(PerpOrderRequest request) {
    String what = "futures " + request.side() + " " + request.coin() + " " + request.clientId();
    return contract(request.coin())
        .thenCompose(found -> {
          PerpContract c = found.orElseThrow(() -> new VenueException(Venue.BINANCE, FailureClass.PERMANENT,
              "perp-not-listed", what + ": Binance lists no USDT-M perpetual " + symbol(request.coin())));
          BigDecimal qty = c.roundDown(request.quantity());
          if (qty.signum() <= 0 || qty.compareTo(c.minQuantity()) < 0) {
            throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "below-minimum",
                what + ": " + request.quantity().toPlainString() + " rounds down to " + qty.toPlainString()
                    + " with step " + c.quantityStep().toPlainString() + ", below the minimum "
                    + c.minQuantity().toPlainString());
          }
          QueryString q = new QueryString().add("symbol", c.symbol()).add("side", request.side().name())
              .add("type", "MARKET").add("quantity", qty);
          if (request.reduceOnly()) {
            q.add("reduceOnly", "true");
          }
          q.add("newClientOrderId", request.clientId()).add("newOrderRespType", "RESULT");
          return signed(HttpMethods.POST, settings.futuresUrl(), "/fapi/v1/order", q, true, true)
              .thenCompose(json -> withFee(json, c));
        });
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    QueryString q = new QueryString().add("symbol", symbol(coin)).add("origClientOrderId", clientId);
    return signed(HttpMethods.GET, settings.futuresUrl(), "/fapi/v1/order", q, false, true)
        .thenCompose(json -> contract(coin)
            .thenCompose(c -> withFee(json, c.orElse(new PerpContract(coin, symbol(coin), BigDecimal.ZERO,
                BigDecimal.ZERO, BigDecimal.ZERO, settings.takerFee())))))
        .thenApply(Optional::of)
        .exceptionally(t -> {
          VenueException ve = VenueException.classify(Venue.BINANCE, t);
          if ("-2013".equals(ve.code())) {
            return Optional.empty();
          }
          throw new CompletionException(ve);
        });
  }

  /** The order with its commission from its trades; the contract's taker fee on the quote when they cannot be read. */
  private CompletionStage<OrderResult> withFee(JsonNode order, PerpContract c) {
    BigDecimal executed = Json.decimalOrZero(order, "executedQty");
    BigDecimal quote = Json.decimalOrZero(order, "cumQuote");
    if (executed.signum() == 0) {
      return CompletableFuture.completedFuture(toOrder(order, BigDecimal.ZERO));
    }
    BigDecimal estimate = quote.multiply(c.takerFee()).setScale(8, RoundingMode.HALF_UP);
    QueryString q = new QueryString().add("symbol", order.path("symbol").asText())
        .add("orderId", order.path("orderId").asText());
    return signed(HttpMethods.GET, settings.futuresUrl(), "/fapi/v1/userTrades", q, false, true)
        .handle((trades, t) -> {
          if (t != null || trades == null || !trades.isArray() || trades.isEmpty()) {
            log.info("{}: the order's trades were not read; its fee is estimated at {} USDT",
                order.path("clientOrderId").asText(), estimate.toPlainString());
            return toOrder(order, estimate);
          }
          BigDecimal fee = BigDecimal.ZERO;
          for (JsonNode tr : trades) {
            fee = fee.add(Json.decimalOrZero(tr, "commission"));
          }
          return toOrder(order, fee);
        });
  }

  private OrderResult toOrder(JsonNode o, BigDecimal fee) {
    BigDecimal qty = Json.decimalOrZero(o, "executedQty");
    BigDecimal quote = Json.decimalOrZero(o, "cumQuote");
    BigDecimal avg = qty.signum() > 0 ? quote.divide(qty, MathContext.DECIMAL64) : null;
    long ts = o.path("updateTime").asLong(clock.millis());
    return new OrderResult(o.path("clientOrderId").asText(), o.path("orderId").asText(),
        BinanceGateway.orderStatus(o.path("status").asText()), qty, avg, quote, fee, QUOTE, Instant.ofEpochMilli(ts));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // position, leverage, margin

  @Override
  public CompletionStage<PerpPosition> position(String coin) {
    String symbol = symbol(coin);
    return signed(HttpMethods.GET, settings.futuresUrl(), "/fapi/v2/positionRisk",
            new QueryString().add("symbol", symbol), false, true)
        .thenApply(json -> {
          PerpPosition out = PerpPosition.flat(coin);
          for (JsonNode p : json) {
            if (!symbol.equals(p.path("symbol").asText())) {
              continue;
            }
            String side = p.path("positionSide").asText("BOTH");
            if (!"BOTH".equals(side)) {
              throw hedgeMode("GET /fapi/v2/positionRisk");
            }
            out = new PerpPosition(coin, Json.decimalOrZero(p, "positionAmt").stripTrailingZeros(),
                Json.decimalOrZero(p, "entryPrice"), Json.decimalOrZero(p, "markPrice"),
                Json.decimalOrZero(p, "liquidationPrice"), p.path("leverage").asInt(0));
          }
          return out;
        });
  }

  private static VenueException hedgeMode(String what) {
    return new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "hedge-mode",
        what + ": the futures account is in Hedge Mode (dualSidePosition); the transfer hedge needs One-way Mode: "
            + "switch Position Mode to One-way in the Binance futures preferences (with no position open)");
  }

  @Override
  public CompletionStage<Void> ensureLeverage(String coin, int leverage) {
    if (leverage < 1) {
      return CompletableFuture.failedFuture(new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "leverage",
          "leverage must be at least 1, not " + leverage));
    }
    QueryString q = new QueryString().add("symbol", symbol(coin)).add("leverage", leverage);
    return signed(HttpMethods.POST, settings.futuresUrl(), "/fapi/v1/leverage", q, false, true)
        .thenApply(json -> {
          int set = json.path("leverage").asInt(-1);
          if (set != leverage) {
            throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "leverage",
                symbol(coin) + ": asked for leverage " + leverage + ", Binance set " + set);
          }
          return null;
        });
  }

  @Override
  public CompletionStage<BigDecimal> availableMargin() {
    return signed(HttpMethods.GET, settings.futuresUrl(), "/fapi/v2/account", new QueryString(), false, true)
        .thenApply(json -> {
          for (JsonNode a : json.path("assets")) {
            if (QUOTE.equals(a.path("asset").asText())) {
              return Json.decimalOrZero(a, "availableBalance");
            }
          }
          return Json.decimalOrZero(json, "availableBalance");
        });
  }

  /**
   * The pre-flight's signed read of the futures API ({@code GET /fapi/v2/account}): a key refused there (futures not
   * enabled on it, typically {@code -2015}) is reported to the key watch and fails the stage with a {@link KeyRejection}
   * that {@link KeyRejection#of} finds, naming the key's setting and saying to enable futures.
   */
  public CompletionStage<BigDecimal> checkKey() {
    return availableMargin();
  }

  /**
   * {@code POST /sapi/v1/asset/transfer} ({@code MAIN_UMFUTURE} / {@code UMFUTURE_MAIN}) on the spot API. Binance takes
   * no client id for it: a lost reply is an unknown outcome, to be settled by reading both wallets; {@code clientId} is
   * logged with the transfer's {@code tranId}.
   */
  @Override
  public CompletionStage<Void> transferMargin(MarginTransfer direction, BigDecimal usdt, String clientId) {
    if (usdt == null || usdt.signum() <= 0) {
      return CompletableFuture.failedFuture(new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "amount",
          "a margin transfer needs a positive USDT amount, not " + usdt));
    }
    String type = direction == MarginTransfer.SPOT_TO_FUTURES ? "MAIN_UMFUTURE" : "UMFUTURE_MAIN";
    QueryString q = new QueryString().add("type", type).add("asset", QUOTE).add("amount", usdt);
    return signed(HttpMethods.POST, settings.spotUrl(), "/sapi/v1/asset/transfer", q, true, true)
        .thenApply(json -> {
          log.info("margin transfer {} {} USDT ({}): tranId {}", type, usdt.toPlainString(), clientId,
              json.path("tranId").asText());
          return null;
        });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // transport

  private CompletionStage<JsonNode> signed(
      HttpMethod method, String base, String path, QueryString params, boolean mutating, boolean mayResync) {
    Supplier<HttpRequest> signedRequest =
        link.signed(method, base + path, params, settings.credentials(), settings.recvWindow());
    String what = method.value() + " " + path;
    return BinanceCalls.resyncOnce(call(signedRequest, what, mutating), mayResync, what, "the futures server time",
        log, this::syncServerTime, () -> signed(method, base, path, params, mutating, false));
  }

  /** Re-reads the futures server's clock ({@code GET /fapi/v1/time}). */
  public CompletionStage<Long> syncServerTime() {
    long sent = clock.millis();
    return call(() -> HttpRequest.GET(settings.futuresUrl() + "/fapi/v1/time"), "GET /fapi/v1/time", false)
        .thenApply(json -> link.serverTime(sent, json));
  }

  private CompletionStage<JsonNode> call(Supplier<HttpRequest> request, String what, boolean mutating) {
    return link.send(request, what, mutating).thenApply(reply -> interpret(reply, what, mutating));
  }

  private JsonNode interpret(HttpReply reply, String what, boolean mutating) {
    if (reply.ok()) {
      return BinanceLink.body(reply, what, mutating);
    }
    BinanceLink.ApiError err = BinanceLink.ApiError.of(reply);
    String code = err.code() != 0 ? String.valueOf(err.code()) : "http-" + reply.status();
    if (reply.rateLimited()) {
      // one Binance back-off for the key: this node's spot gateway pauses too, and so does every other node
      Duration wait = link.pauseRateLimited(reply, settings.defaultBackoff());
      log.warn("{}: Binance futures answered {} ({}); pausing all Binance calls on every node for {} s", what,
          reply.status(), err.msg(), wait.toSeconds());
      throw new VenueException(Venue.BINANCE, FailureClass.TRANSIENT, code,
          what + ": rate limited (" + reply.status() + "), retry after " + wait.toSeconds() + " s", wait, null);
    }
    if (KeyRejection.isKeyRejection(Venue.BINANCE, code)) {
      KeyRejection.Api api = what.contains(" /fapi/") ? KeyRejection.Api.FUTURES : KeyRejection.Api.SPOT;
      KeyRejection rejected = new KeyRejection(Venue.BINANCE, code, err.msg(), api);
      link.limits().keyWatch().rejected(rejected);
      String transfer = what.contains("/asset/transfer")
          ? " (the wallet transfer also needs \"Permits Universal Transfer\" enabled on the key)" : "";
      throw new VenueException(Venue.BINANCE, FailureClass.TRANSIENT, code,
          what + ": " + reply.status() + " " + err.msg() + " - " + rejected.message() + transfer, null,
          new KeyRejection.Carrier(rejected));
    }
    if (reply.serverError() || err.code() == -1006 || err.code() == -1007) {
      throw new VenueException(Venue.BINANCE, mutating ? FailureClass.UNKNOWN_OUTCOME : FailureClass.TRANSIENT, code,
          what + ": " + reply.status() + " " + err.msg() + " (execution status unknown)");
    }
    if (err.code() == -1021 || err.code() == -1003 || err.code() == -1008 || err.code() == -1001) {
      throw new VenueException(Venue.BINANCE, FailureClass.TRANSIENT, code, what + ": " + err.msg());
    }
    if (err.code() == -4116) {
      // an order with this client id exists already: find it rather than act again
      throw new VenueException(Venue.BINANCE, FailureClass.UNKNOWN_OUTCOME, code, what + ": " + err.msg());
    }
    if (err.code() == -4061 || err.code() == -1106 && err.msg().contains("reduceOnly")) {
      throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, "hedge-mode", hedgeMode(what).getMessage()
          + " (Binance: " + err.code() + " " + err.msg() + ")");
    }
    throw new VenueException(Venue.BINANCE, FailureClass.PERMANENT, code,
        what + ": " + reply.status() + " " + err.msg() + meaning(err.code()));
  }

  /** What the order refusals the hedge can meet mean. */
  private static String meaning(int code) {
    return switch (code) {
      case -2019 -> " (futures margin insufficient: transfer USDT to the futures wallet or lower the size)";
      case -2022 -> " (reduce-only rejected: no position, or a smaller one, to reduce)";
      case -4164 -> " (order notional below the contract's minimum)";
      default -> "";
    };
  }

  static String symbol(String coin) {
    return coin + QUOTE;
  }

  @Override
  public String toString() {
    return "BinanceFuturesGateway[" + settings + "]";
  }
}
