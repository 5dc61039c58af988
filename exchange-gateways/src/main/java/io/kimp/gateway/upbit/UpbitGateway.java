package io.kimp.gateway.upbit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live Upbit exchange API.
 *
 * <p>Orders carry the intent's client id as {@code identifier} and are looked up by it. Upbit refuses an identifier it has
 * seen before, even after a failed request; kimp never resends one (every attempt gets a new id), and a refusal is treated
 * as "an order may exist": the caller reconciles.
 *
 * <p>Withdrawals carry no client id at Upbit, so a withdrawal is told apart from others in three ways, first that applies:
 * <ol>
 *   <li>by its uuid: the one this process saw accepted (remembered by client id), or the one the caller recorded from the
 *       journal ({@link #queryWithdrawal(WithdrawalRequest, String, Instant)}), looked up with {@code GET /v1/withdraw};
 *   <li>otherwise (the reply was lost: a restart, a failover, a hand-off mid-request) by the {@link WithdrawalTag} that
 *       {@link #withdraw} wrote into the last digits of the amount sent, derived from the client id: among Upbit's
 *       withdrawals of the coin, one whose amount carries the tag, whose amount plus fee is the requested amount (less at
 *       most 0.1 %), made within {@link UpbitSettings#withdrawalMatchWindow()} and not before the request was sent (less
 *       {@link #CLOCK_SKEW}) when the send time is known, and not already matched to another client id;
 *   <li>none carries the tag: the request never reached Upbit (empty).
 * </ol>
 * Only when the amount is too small for a tag digit (it costs at most 1 bp), or two requests' tags collide, can two
 * withdrawals match: then the oldest is taken and a warning logged.
 *
 * <p>A market buy ({@code ord_type=price}) reserves the fee on top of {@code price}; the price sent is
 * {@code floor(quoteAmount / (1 + taker fee))} so that price plus fee never exceeds the request's {@code quoteAmount}.
 */
public final class UpbitGateway implements ExchangeGateway {
  private static final Logger log = LoggerFactory.getLogger(UpbitGateway.class);
  private static final String QUOTE = Venue.UPBIT.quoteCurrency();
  private static final BigDecimal AMOUNT_TOLERANCE = new BigDecimal("0.001");
  /** How far Upbit's clock (a withdrawal's created_at) may be behind this machine's. */
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(10);

  private final UpbitSettings settings;
  private final VenueHttp http;
  private final TradingCosts costs;
  private final Clock clock;
  private final UpbitAuth auth;
  private final UpbitThrottle throttle;
  private final VenueBackoff backoff;
  private final KeyLimits limits;
  /** Endpoint → rate-limit group, as Upbit's {@code Remaining-Req} names it. */
  private final Map<String, String> groups = new ConcurrentHashMap<>();
  /** Client id → withdrawal uuid of the withdrawals this process sent or matched. */
  private final Map<String, String> withdrawalIds = new ConcurrentHashMap<>();

  /** A gateway alone on its key (no other node shares its limits). */
  public UpbitGateway(UpbitSettings settings, VenueHttp http, TradingCosts costs, Clock clock) {
    this(settings, http, costs, clock, KeyLimits.standalone());
  }

  /** A gateway drawing on this node's share of the key's limits; its back-offs travel to the other nodes. */
  public UpbitGateway(UpbitSettings settings, VenueHttp http, TradingCosts costs, Clock clock, KeyLimits limits) {
    this.settings = settings;
    this.limits = limits;
    this.http = http;
    this.costs = costs;
    this.clock = clock;
    this.auth = new UpbitAuth(settings.credentials());
    this.throttle =
        new UpbitThrottle(clock, limits.share(),
            Map.of("order", limits.settings().upbitOrderPerSecond(), "default", limits.settings().upbitDefaultPerSecond()));
    this.backoff = new VenueBackoff(Venue.UPBIT, clock);
    limits.register(Venue.UPBIT, backoff);
    groups.put("POST /v1/orders", "order");
  }

  @Override
  public Venue venue() {
    return Venue.UPBIT;
  }

  public VenueBackoff backoff() {
    return backoff;
  }

  /** The node's share of the key's limits and the watch that hears of a rejected key. */
  public KeyLimits limits() {
    return limits;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // orders

  @Override
  public CompletionStage<OrderResult> placeOrder(OrderRequest request) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("market", market(request.coin()));
    body.put("side", request.side() == OrderSide.BUY ? "bid" : "ask");
    if (request.type() == OrderType.LIMIT) {
      body.put("volume", volume(request.quantity()));
      body.put("price", request.limitPrice().stripTrailingZeros().toPlainString());
      body.put("ord_type", "limit");
    } else if (request.side() == OrderSide.BUY) {
      if (request.quoteAmount() == null) {
        return CompletableFuture.failedFuture(
            new VenueException(Venue.UPBIT, FailureClass.PERMANENT, "unsupported",
                "Upbit market buys spend a KRW amount; a quantity-only market buy cannot be sent"));
      }
      BigDecimal fee = costs.takerFee(Venue.UPBIT);
      BigDecimal price = request.quoteAmount().divide(BigDecimal.ONE.add(fee), 0, RoundingMode.DOWN);
      if (price.signum() <= 0) {
        return CompletableFuture.failedFuture(
            new VenueException(Venue.UPBIT, FailureClass.PERMANENT, "under_min_total_bid",
                "market buy of " + request.quoteAmount().toPlainString() + " KRW is nothing after fees"));
      }
      body.put("price", price.toPlainString());
      body.put("ord_type", "price");
    } else {
      body.put("volume", volume(request.quantity()));
      body.put("ord_type", "market");
    }
    body.put("identifier", request.clientId());
    return post("/v1/orders", body, true).thenApply(json -> toOrder(json, request.clientId()));
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    return request(HttpMethods.GET, "/v1/order", new QueryString().add("identifier", clientId), false)
        .thenApply(json -> Optional.of(toOrder(json, clientId)))
        .exceptionally(notFoundIsEmpty("order_not_found"));
  }

  @Override
  public CompletionStage<OrderResult> cancelOrder(String coin, String clientId) {
    return request(HttpMethods.DELETE, "/v1/order", new QueryString().add("identifier", clientId), true)
        .handle((json, t) -> t)
        .thenCompose(
            t -> {
              // canceled or not (already done: Upbit refuses), the order as it now stands is the answer
              return queryOrder(coin, clientId)
                  .thenApply(
                      o ->
                          o.orElseThrow(
                              () ->
                                  t != null
                                      ? VenueException.classify(Venue.UPBIT, t)
                                      : new VenueException(Venue.UPBIT, FailureClass.UNKNOWN_OUTCOME, "order_not_found",
                                          "order " + clientId + " vanished after cancel")));
            });
  }

  /**
   * An order is reported final only with its trades, which carry the KRW amounts; an order reply without trades (the
   * creation reply) stays open so the caller queries it again.
   */
  private OrderResult toOrder(JsonNode o, String clientId) {
    BigDecimal executed = Json.decimalOrZero(o, "executed_volume");
    JsonNode trades = o.get("trades");
    BigDecimal funds = BigDecimal.ZERO;
    if (trades != null) {
      for (JsonNode t : trades) {
        BigDecimal f = Json.decimal(t, "funds");
        funds =
            funds.add(
                f != null ? f : Json.decimalOrZero(t, "price").multiply(Json.decimalOrZero(t, "volume")));
      }
    }
    OrderStatus status;
    String state = o.path("state").asText();
    boolean tradesKnown = trades != null || executed.signum() == 0;
    if ("done".equals(state) && tradesKnown) {
      status = OrderStatus.FILLED;
    } else if ("cancel".equals(state) && tradesKnown) {
      status = OrderStatus.CANCELED;
    } else {
      status = executed.signum() > 0 ? OrderStatus.PARTIALLY_FILLED : OrderStatus.NEW;
    }
    BigDecimal avg = executed.signum() > 0 && funds.signum() > 0 ? funds.divide(executed, MathContext.DECIMAL64) : null;
    return new OrderResult(
        clientId, Json.text(o, "uuid"), status, executed, avg, funds, Json.decimalOrZero(o, "paid_fee"), QUOTE,
        time(Json.text(o, "created_at")));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // balances, addresses, transfers

  @Override
  public CompletionStage<Map<String, Balance>> balances() {
    return request(HttpMethods.GET, "/v1/accounts", new QueryString(), false)
        .thenApply(
            json -> {
              Map<String, Balance> out = new LinkedHashMap<>();
              for (JsonNode a : json) {
                String c = a.path("currency").asText();
                out.put(c, new Balance(c, Json.decimalOrZero(a, "balance"), Json.decimalOrZero(a, "locked")));
              }
              return out;
            });
  }

  @Override
  public CompletionStage<DepositAddress> depositAddress(String coin, String network) {
    QueryString q = new QueryString().add("currency", coin).add("net_type", network);
    return request(HttpMethods.GET, "/v1/deposits/coin_address", q, false)
        .handle(
            (json, t) -> {
              if (t == null && Json.text(json, "deposit_address") != null) {
                return CompletableFuture.completedFuture(
                    new DepositAddress(coin, network, Json.text(json, "deposit_address"),
                        Json.text(json, "secondary_address")));
              }
              if (t != null && !isError(t, "coin_address_not_found") && !isStatus(t, 404)) {
                return CompletableFuture.<DepositAddress>failedFuture(VenueException.classify(Venue.UPBIT, t));
              }
              // no address yet: ask Upbit to make one; it is created asynchronously, so come back later
              ObjectNode body = Json.MAPPER.createObjectNode().put("currency", coin).put("net_type", network);
              return post("/v1/deposits/generate_coin_address", body, true)
                  .<DepositAddress>thenApply(
                      x -> {
                        throw new VenueException(Venue.UPBIT, FailureClass.TRANSIENT, "address_pending",
                            "Upbit is generating the " + coin + " deposit address; ask again shortly");
                      })
                  .toCompletableFuture();
            })
        .thenCompose(f -> f);
  }

  /**
   * Upbit charges the network fee on top of the amount sent: the amount sent is the request's amount minus Upbit's current
   * fee (from {@code /v1/withdraws/chance}), cut to the decimals Upbit accepts and carrying the request's
   * {@link WithdrawalTag} in its last digits, so the balance never loses more than the request's amount.
   */
  @Override
  public CompletionStage<WithdrawalResult> withdraw(WithdrawalRequest request) {
    QueryString chance = new QueryString().add("currency", request.coin()).add("net_type", request.network());
    return request(HttpMethods.GET, "/v1/withdraws/chance", chance, false)
        .thenCompose(
            c -> {
              BigDecimal fee = Json.decimalOrZero(c.path("currency"), "withdraw_fee");
              JsonNode limit = c.path("withdraw_limit");
              if (limit.has("can_withdraw") && !limit.path("can_withdraw").asBoolean()) {
                throw new VenueException(Venue.UPBIT, FailureClass.TRANSIENT, "withdraw_disabled",
                    request.coin() + " withdrawals are suspended at Upbit");
              }
              BigDecimal send = tag(request, c).apply(request.amount().subtract(fee));
              BigDecimal minimum = Json.decimalOrZero(limit, "minimum");
              if (send.signum() <= 0 || send.compareTo(minimum) < 0) {
                throw new VenueException(Venue.UPBIT, FailureClass.PERMANENT, "under_min_withdraw",
                    request.coin() + " withdrawal of " + send.toPlainString() + " after the " + fee.toPlainString()
                        + " fee is below Upbit's minimum " + minimum.toPlainString());
              }
              ObjectNode body = Json.MAPPER.createObjectNode();
              body.put("currency", request.coin());
              body.put("net_type", request.network());
              body.put("amount", send.toPlainString());
              body.put("address", request.address());
              if (request.tag() != null && !request.tag().isBlank()) {
                body.put("secondary_address", request.tag());
              }
              body.put("transaction_type", "default");
              return post("/v1/withdraws/coin", body, true);
            })
        .thenApply(
            json -> {
              WithdrawalResult r = toWithdrawal(json, request.clientId());
              withdrawalIds.put(request.clientId(), r.withdrawalId());
              return r;
            });
  }

  /**
   * The coin's wallet at Upbit, for the pre-flight ({@code GET /v1/withdraws/chance}): deposits open when
   * {@code currency.wallet_state} is {@code working} or {@code deposit_only}; withdrawals when it is {@code working} or
   * {@code withdraw_only} and {@code withdraw_limit.can_withdraw} is true.
   */
  public CompletionStage<CoinCheck.Wallet> coinWallet(String coin, String network) {
    QueryString chance = new QueryString().add("currency", coin).add("net_type", network);
    return request(HttpMethods.GET, "/v1/withdraws/chance", chance, false)
        .thenApply(
            c -> {
              String state = c.path("currency").path("wallet_state").asText("");
              boolean deposit = state.equals("working") || state.equals("deposit_only");
              boolean withdraw = (state.equals("working") || state.equals("withdraw_only"))
                  && c.path("withdraw_limit").path("can_withdraw").asBoolean(false);
              return new CoinCheck.Wallet(deposit, withdraw);
            });
  }

  /**
   * The allowed withdrawal addresses registered at Upbit ({@code GET /v1/withdraws/coin_addresses}), each as
   * {@code COIN address tag} (tag empty when none), for the pre-flight.
   */
  public CompletionStage<java.util.Set<String>> withdrawalAddresses() {
    return request(HttpMethods.GET, "/v1/withdraws/coin_addresses", new QueryString(), false)
        .thenApply(
            json -> {
              java.util.Set<String> out = new java.util.HashSet<>();
              for (JsonNode a : json) {
                out.add(addressKey(a.path("currency").asText(), Json.text(a, "withdraw_address"),
                    Json.text(a, "secondary_address")));
              }
              return out;
            });
  }

  /** How {@link #withdrawalAddresses()} names an address. */
  public static String addressKey(String coin, String address, String tag) {
    return coin + " " + address + " " + (tag == null ? "" : tag);
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(
      WithdrawalRequest request, String withdrawalId, Instant requestedAt) {
    if (withdrawalId != null && !withdrawalId.isBlank()) {
      withdrawalIds.putIfAbsent(request.clientId(), withdrawalId);
    }
    return queryWithdrawal(request, requestedAt);
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest request) {
    return queryWithdrawal(request, null);
  }

  private CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest request, Instant requestedAt) {
    String uuid = withdrawalIds.get(request.clientId());
    if (uuid != null) {
      return request(HttpMethods.GET, "/v1/withdraw", new QueryString().add("uuid", uuid), false)
          .thenApply(json -> Optional.of(toWithdrawal(json, request.clientId())))
          .exceptionally(notFoundIsEmpty("withdraw_not_found"));
    }
    QueryString chance = new QueryString().add("currency", request.coin()).add("net_type", request.network());
    QueryString q = new QueryString().add("currency", request.coin()).add("limit", 100).add("order_by", "desc");
    return request(HttpMethods.GET, "/v1/withdraws/chance", chance, false)
        .thenCompose(c -> request(HttpMethods.GET, "/v1/withdraws", q, false)
            .thenApply(json -> match(json, request, requestedAt, tag(request, c))));
  }

  /** The tag {@code request}'s withdrawal carries, at the decimals of Upbit's {@code /v1/withdraws/chance} answer. */
  private static WithdrawalTag tag(WithdrawalRequest request, JsonNode chance) {
    return new WithdrawalTag(request.amount(), chance.path("withdraw_limit").path("fixed").asInt(8), request.clientId());
  }

  /**
   * The withdrawal of {@code request}'s coin and amount carrying its {@link WithdrawalTag} that this gateway does not know
   * yet, made within the match window and, when the request's send time is known, not before it (less
   * {@link #CLOCK_SKEW}): the earliest of those. None when no withdrawal carries the tag: the request never reached Upbit.
   */
  private Optional<WithdrawalResult> match(
      JsonNode list, WithdrawalRequest request, Instant requestedAt, WithdrawalTag tag) {
    Instant notBefore = clock.instant().minus(settings.withdrawalMatchWindow());
    if (requestedAt != null && requestedAt.minus(CLOCK_SKEW).isAfter(notBefore)) {
      notBefore = requestedAt.minus(CLOCK_SKEW);
    }
    List<JsonNode> candidates = new ArrayList<>();
    for (JsonNode w : list) {
      String id = Json.text(w, "uuid");
      if (id == null || withdrawalIds.containsValue(id) || !request.coin().equals(w.path("currency").asText())) {
        continue;
      }
      if (time(Json.text(w, "created_at")).isBefore(notBefore)) {
        continue;
      }
      BigDecimal total = Json.decimalOrZero(w, "amount").add(Json.decimalOrZero(w, "fee"));
      BigDecimal shortfall = request.amount().subtract(total);
      if (shortfall.signum() >= 0 && shortfall.compareTo(request.amount().multiply(AMOUNT_TOLERANCE)) <= 0
          && tag.carriedBy(Json.decimalOrZero(w, "amount"))) {
        candidates.add(w);
      }
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    candidates.sort(Comparator.comparing(w -> time(Json.text(w, "created_at"))));
    if (candidates.size() > 1) {
      log.warn("{} Upbit withdrawals match {} {} for {}; taking the oldest", candidates.size(),
          request.amount().toPlainString(), request.coin(), request.clientId());
    }
    WithdrawalResult r = toWithdrawal(candidates.get(0), request.clientId());
    withdrawalIds.putIfAbsent(request.clientId(), r.withdrawalId());
    return Optional.of(r);
  }

  private WithdrawalResult toWithdrawal(JsonNode w, String clientId) {
    String done = Json.text(w, "done_at");
    return new WithdrawalResult(
        clientId,
        Json.text(w, "uuid"),
        withdrawalStatus(w.path("state").asText()),
        w.path("currency").asText(),
        Json.decimalOrZero(w, "amount"),
        Json.decimalOrZero(w, "fee"),
        Json.text(w, "txid"),
        time(done != null ? done : Json.text(w, "created_at")));
  }

  static WithdrawalStatus withdrawalStatus(String state) {
    switch (state.toUpperCase(Locale.ROOT)) {
      case "DONE":
        return WithdrawalStatus.COMPLETED;
      case "FAILED":
        return WithdrawalStatus.FAILED;
      case "CANCELLED":
      case "CANCELED":
        return WithdrawalStatus.CANCELED;
      case "REJECTED":
        return WithdrawalStatus.REJECTED;
      case "PROCESSING":
      case "ALMOST_ACCEPTED":
      case "ACCEPTED":
        return WithdrawalStatus.PROCESSING;
      default: // WAITING, SUBMITTING, SUBMITTED
        return WithdrawalStatus.PENDING;
    }
  }

  @Override
  public CompletionStage<List<Deposit>> deposits(String coin, Instant since) {
    QueryString q = new QueryString().add("currency", coin).add("limit", 100).add("order_by", "desc");
    return request(HttpMethods.GET, "/v1/deposits", q, false)
        .thenApply(
            json -> {
              List<Deposit> out = new ArrayList<>();
              for (JsonNode d : json) {
                Instant at = time(Json.text(d, "created_at"));
                if (at.isBefore(since)) {
                  continue;
                }
                out.add(
                    new Deposit(
                        Json.text(d, "uuid"), d.path("currency").asText(), Json.decimalOrZero(d, "amount"),
                        Json.text(d, "txid"), depositStatus(d.path("state").asText()), at));
              }
              return out;
            });
  }

  static DepositStatus depositStatus(String state) {
    switch (state.toUpperCase(Locale.ROOT)) {
      case "ACCEPTED":
        return DepositStatus.CREDITED;
      case "CANCELLED":
      case "CANCELED":
      case "REJECTED":
      case "REFUNDING":
      case "REFUNDED":
        return DepositStatus.FAILED;
      default: // PROCESSING, TRAVEL_RULE_SUSPECTED
        return DepositStatus.PENDING;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // transport

  private CompletionStage<JsonNode> post(String path, ObjectNode body, boolean mutating) {
    String raw = UpbitAuth.bodyQuery(body);
    HttpRequest r =
        HttpRequest.POST(settings.baseUrl() + path)
            .withEntity(ContentTypes.APPLICATION_JSON, body.toString())
            .addHeader(RawHeader.create("Authorization", auth.authorization(raw)));
    return call(r, "POST " + path, mutating);
  }

  private CompletionStage<JsonNode> request(HttpMethod method, String path, QueryString q, boolean mutating) {
    String uri = settings.baseUrl() + path + (q.isEmpty() ? "" : "?" + q.encoded());
    HttpRequest r =
        HttpRequest.create(uri)
            .withMethod(method)
            .addHeader(RawHeader.create("Authorization", auth.authorization(q.raw())));
    return call(r, method.value() + " " + path, mutating);
  }

  private CompletionStage<JsonNode> call(HttpRequest request, String what, boolean mutating) {
    try {
      backoff.check(what);
    } catch (VenueException e) {
      return CompletableFuture.failedFuture(e);
    }
    String group = groups.getOrDefault(what, "default");
    return throttle
        .acquire(group)
        .thenCompose(
            x -> {
              // the pause may have started while this request waited for its turn
              backoff.check(what);
              return http.send(request);
            })
        .handle(
            (reply, t) -> {
              if (t != null) {
                VenueException ve = VenueException.classify(Venue.UPBIT, t);
                if (!mutating && ve.failureClass() == FailureClass.UNKNOWN_OUTCOME) {
                  throw new CompletionException(
                      new VenueException(Venue.UPBIT, FailureClass.TRANSIENT, ve.code(), ve.getMessage(), null, ve));
                }
                throw new CompletionException(ve);
              }
              return interpret(reply, what, mutating);
            });
  }

  private JsonNode interpret(HttpReply reply, String what, boolean mutating) {
    String learned = throttle.update(reply.header("remaining-req").orElse(null));
    if (learned != null) {
      groups.put(what, learned);
    }
    if (reply.ok()) {
      try {
        return Json.parse(reply.body());
      } catch (IllegalArgumentException e) {
        throw new VenueException(
            Venue.UPBIT, mutating ? FailureClass.UNKNOWN_OUTCOME : FailureClass.TRANSIENT, "bad-reply",
            what + ": " + e.getMessage(), null, e);
      }
    }
    String name = "http-" + reply.status();
    String message = Json.abbreviate(reply.body());
    try {
      JsonNode err = Json.parse(reply.body()).path("error");
      if (err.has("name")) {
        name = err.path("name").asText();
        message = err.path("message").asText("");
      }
    } catch (IllegalArgumentException ignored) {
      // not JSON: the status says it all
    }
    if (reply.rateLimited()) {
      Duration wait =
          VenueBackoff.retryAfter(reply, reply.status() == 418 ? settings.banBackoff() : settings.defaultBackoff());
      backoff.pause(wait);
      limits.announce(Venue.UPBIT, wait, reply.status());
      log.warn("{}: Upbit answered {} ({}); pausing all Upbit calls on every node for {} ms", what, reply.status(), name,
          wait.toMillis());
      throw new VenueException(Venue.UPBIT, FailureClass.TRANSIENT, name,
          what + ": rate limited (" + reply.status() + "), retry after " + wait.toMillis() + " ms", wait, null);
    }
    if (KeyRejection.isKeyRejection(Venue.UPBIT, name)) {
      KeyRejection rejected = new KeyRejection(Venue.UPBIT, name, message);
      limits.keyWatch().rejected(rejected);
      // refused before anything was done: a retry succeeds once the key is fixed (trading stops meanwhile)
      throw new VenueException(Venue.UPBIT, FailureClass.TRANSIENT, name,
          what + ": " + reply.status() + " " + message + " - " + rejected.message(), null,
          new HttpStatusMarker(reply.status()));
    }
    if (reply.serverError()) {
      throw new VenueException(
          Venue.UPBIT, mutating ? FailureClass.UNKNOWN_OUTCOME : FailureClass.TRANSIENT, name,
          what + ": " + reply.status() + " " + message + " (outcome unknown)", null, null);
    }
    if (mutating && name.toLowerCase(Locale.ROOT).contains("identifier")) {
      // an identifier Upbit has seen before: an order under it may exist
      throw new VenueException(Venue.UPBIT, FailureClass.UNKNOWN_OUTCOME, name, what + ": " + message, null, null);
    }
    throw new VenueException(Venue.UPBIT, FailureClass.PERMANENT, name,
        what + ": " + reply.status() + " " + message, null, new HttpStatusMarker(reply.status()));
  }

  /** Carries the HTTP status of a refusal so that callers can tell "not found" from other refusals. */
  private static final class HttpStatusMarker extends RuntimeException {
    final int status;

    HttpStatusMarker(int status) {
      super("http " + status, null, false, false);
      this.status = status;
    }
  }

  private static boolean isStatus(Throwable t, int status) {
    VenueException ve = VenueException.classify(Venue.UPBIT, t);
    return ve.getCause() instanceof HttpStatusMarker m && m.status == status;
  }

  private static boolean isError(Throwable t, String name) {
    return name.equals(VenueException.classify(Venue.UPBIT, t).code());
  }

  private static <T> java.util.function.Function<Throwable, Optional<T>> notFoundIsEmpty(String name) {
    return t -> {
      if (isError(t, name) || isStatus(t, 404)) {
        return Optional.empty();
      }
      throw new CompletionException(VenueException.classify(Venue.UPBIT, t));
    };
  }

  private Instant time(String s) {
    if (s == null) {
      return clock.instant();
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return clock.instant();
    }
  }

  static String market(String coin) {
    return QUOTE + "-" + coin;
  }

  private static String volume(BigDecimal quantity) {
    return quantity.setScale(8, RoundingMode.DOWN).stripTrailingZeros().toPlainString();
  }

  @Override
  public String toString() {
    return "UpbitGateway[" + settings + "]";
  }
}
