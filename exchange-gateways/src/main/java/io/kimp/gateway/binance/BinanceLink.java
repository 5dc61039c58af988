package io.kimp.gateway.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.VenueException;
import io.kimp.gateway.http.ApiCredentials;
import io.kimp.gateway.http.HttpReply;
import io.kimp.gateway.http.Json;
import io.kimp.gateway.http.QueryString;
import io.kimp.gateway.http.VenueBackoff;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.limit.KeyLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * What the spot and the futures gateways ({@link BinanceGateway}, {@link BinanceFuturesGateway}) set up alike on one
 * key: the HTTP client, the Binance back-off registered with the node's share of the key's limits, the gateway's own
 * throttle, the measured offset of Binance's clock, the last usage headers, the signed request and the parts of a reply
 * both read the same way. How each classifies Binance's error codes stays with each gateway.
 */
final class BinanceLink {
  /** A gateway's rate-limit windows: a turn per endpoint, slowed by the usage headers Binance reports. */
  interface Throttle {
    /**
     * 0 when {@code endpoint} may be called now (and counts it in every window it counts in), else how many ms to wait,
     * counted in none.
     */
    long tryAcquire(String endpoint);

    /** Completes when {@code endpoint} may be called (counted then), after any waits. */
    default CompletionStage<Void> acquire(String endpoint) {
      return BinanceWindows.acquire(() -> tryAcquire(endpoint));
    }

    /** Counts {@code endpoint} and says true when it may be called now, else counts nothing and says false. */
    default boolean tryNow(String endpoint) {
      return tryAcquire(endpoint) == 0;
    }

    /** Reads the venue's usage headers (lower-case names) of its reply to {@code endpoint}. */
    void update(String endpoint, Map<String, String> headers);
  }

  /** Binance's error payload {@code {"code":-2010,"msg":"…"}}; code 0 when the body is not one. */
  record ApiError(int status, int code, String msg) {
    static ApiError of(HttpReply reply) {
      try {
        JsonNode n = Json.parse(reply.body());
        if (n != null && n.has("code")) {
          return new ApiError(reply.status(), n.path("code").asInt(), n.path("msg").asText(""));
        }
      } catch (IllegalArgumentException ignored) {
        // an HTML error page from a proxy: the status says it all
      }
      return new ApiError(reply.status(), 0, Json.abbreviate(reply.body()));
    }
  }

  private final VenueHttp http;
  private final Clock clock;
  private final KeyLimits limits;
  private final VenueBackoff backoff;
  private final Throttle throttle;
  private final AtomicLong serverOffsetMs = new AtomicLong();
  private final Map<String, String> usedWeight = new ConcurrentHashMap<>();

  /** {@code throttle}'s windows on {@code limits}; the Binance back-off is registered with {@code limits}. */
  BinanceLink(VenueHttp http, Clock clock, KeyLimits limits, Throttle throttle) {
    this.http = http;
    this.clock = clock;
    this.limits = limits;
    this.backoff = new VenueBackoff(Venue.BINANCE, clock);
    this.throttle = throttle;
    limits.register(Venue.BINANCE, backoff);
  }

  VenueBackoff backoff() {
    return backoff;
  }

  KeyLimits limits() {
    return limits;
  }

  /** The latest {@code X-MBX-USED-WEIGHT-*} and {@code X-MBX-ORDER-COUNT-*} values by lower-case header name. */
  Map<String, Long> usedWeight() {
    Map<String, Long> out = new LinkedHashMap<>();
    usedWeight.forEach(
        (k, v) -> {
          try {
            out.put(k, Long.parseLong(v.trim()));
          } catch (NumberFormatException ignored) {
            // a header we cannot read is left out of the metrics
          }
        });
    return out;
  }

  /**
   * {@code params} signed with {@code credentials} when the request is built (so that a wait for the rate limit cannot
   * push the timestamp out of {@code recvWindow}): a form body for a POST, else the query string of {@code url}.
   */
  Supplier<HttpRequest> signed(
      HttpMethod method, String url, QueryString params, ApiCredentials credentials, Duration recvWindow) {
    return () -> {
      QueryString q = params.copy()
          .add("recvWindow", recvWindow.toMillis())
          .add("timestamp", clock.millis() + serverOffsetMs.get());
      String payload = q.encoded();
      String signedParams = payload + "&signature=" + BinanceSigner.sign(credentials.secret(), payload);
      HttpRequest request = method == HttpMethods.POST
          ? HttpRequest.POST(url).withEntity(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED, signedParams)
          : HttpRequest.create(url + "?" + signedParams).withMethod(method);
      return request.addHeader(RawHeader.create("X-MBX-APIKEY", credentials.key()));
    };
  }

  /**
   * The reply once the throttle let {@code what} go ({@link BinanceCalls#send}), its usage headers noted and passed to
   * the throttle.
   */
  CompletionStage<HttpReply> send(Supplier<HttpRequest> request, String what, boolean mutating) {
    return send(request, what, mutating, throttle::acquire);
  }

  /**
   * As {@link #send}, but only if the throttle has room for {@code what} now: else it fails at once, not sent, with
   * {@link #NO_ROOM} as its code (for a look that is worth less than the wait).
   */
  CompletionStage<HttpReply> sendIfRoom(Supplier<HttpRequest> request, String what) {
    return send(request, what, false, endpoint -> throttle.tryNow(endpoint)
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(new VenueException(Venue.BINANCE, FailureClass.TRANSIENT, NO_ROOM,
            endpoint + " not sent: the key's rate-limit budget has no room for it now")));
  }

  /** The code of a request {@link #sendIfRoom} did not send. */
  static final String NO_ROOM = "no-room";

  private CompletionStage<HttpReply> send(Supplier<HttpRequest> request, String what, boolean mutating,
      java.util.function.Function<String, CompletionStage<Void>> turn) {
    return BinanceCalls.send(backoff, turn, http, request, what, mutating)
        .thenApply(reply -> {
          reply.headers().forEach((k, v) -> {
            if (k.startsWith("x-mbx-used-weight") || k.startsWith("x-mbx-order-count") || k.startsWith("x-sapi-used")) {
              usedWeight.put(k, v);
            }
          });
          throttle.update(what, reply.headers());
          return reply;
        });
  }

  /** The body of a 2xx reply; one that is not JSON is an unknown outcome for a change, else transient. */
  static JsonNode body(HttpReply reply, String what, boolean mutating) {
    try {
      return Json.parse(reply.body());
    } catch (IllegalArgumentException e) {
      throw new VenueException(Venue.BINANCE, mutating ? FailureClass.UNKNOWN_OUTCOME : FailureClass.TRANSIENT,
          "bad-reply", what + ": " + e.getMessage(), null, e);
    }
  }

  /**
   * A 429/418: every Binance call of the node pauses for its {@code Retry-After} ({@code otherwise} without one), and
   * the pause travels to the other nodes. Returns the pause.
   */
  Duration pauseRateLimited(HttpReply reply, Duration otherwise) {
    Duration wait = VenueBackoff.retryAfter(reply, otherwise);
    backoff.pause(wait);
    limits.backoffAnnounced(Venue.BINANCE, wait);
    limits.announce(Venue.BINANCE, wait, reply.status());
    return wait;
  }

  /**
   * Records the server's {@code serverTime} in {@code json} (a {@code /time} reply to a request sent at local
   * {@code sentMillis}): later timestamps are local time plus the returned offset.
   */
  long serverTime(long sentMillis, JsonNode json) {
    long offset = json.path("serverTime").asLong() - (sentMillis + clock.millis()) / 2;
    serverOffsetMs.set(offset);
    return offset;
  }
}
