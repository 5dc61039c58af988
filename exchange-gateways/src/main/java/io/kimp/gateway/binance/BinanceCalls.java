package io.kimp.gateway.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.VenueException;
import io.kimp.gateway.http.HttpReply;
import io.kimp.gateway.http.VenueBackoff;
import io.kimp.gateway.http.VenueHttp;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.slf4j.Logger;

/**
 * How the spot and the futures gateways ({@link BinanceGateway}, {@link BinanceFuturesGateway}) put a request on the
 * wire, the same for both because one key's back-off and limits govern both: no request while Binance's back-off
 * runs (checked again once the throttle's turn has come, as the pause may have started meanwhile), and a timestamp
 * Binance refuses ({@code -1021}) answered by syncing with the server's clock and signing once more. How each reads a
 * reply (its error codes, key refusals and rate-limit notices) stays with each gateway.
 */
final class BinanceCalls {
  private BinanceCalls() {}

  /**
   * The reply, once {@code turn} (the throttle) has let {@code what} go; a transport failure is classified, a read's
   * unknown outcome made transient (a read cannot have changed anything).
   */
  static CompletionStage<HttpReply> send(VenueBackoff backoff, Function<String, CompletionStage<Void>> turn,
      VenueHttp http, Supplier<HttpRequest> request, String what, boolean mutating) {
    try {
      backoff.check(what);
    } catch (VenueException e) {
      return CompletableFuture.failedFuture(e);
    }
    return turn.apply(what)
        .thenCompose(x -> {
          // the pause may have started while this request waited for its turn
          backoff.check(what);
          return http.send(request.get());
        })
        .handle((reply, t) -> {
          if (t != null) {
            VenueException ve = VenueException.classify(Venue.BINANCE, t);
            if (!mutating && ve.failureClass() == FailureClass.UNKNOWN_OUTCOME) {
              throw new CompletionException(
                  new VenueException(Venue.BINANCE, FailureClass.TRANSIENT, ve.code(), ve.getMessage(), null, ve));
            }
            throw new CompletionException(ve);
          }
          return reply;
        });
  }

  /**
   * {@code call}'s answer; when Binance refused its timestamp ({@code -1021}) and {@code mayResync}, {@code sync} (the
   * server time) then {@code again} (signed anew, without another resync), once.
   */
  static CompletionStage<JsonNode> resyncOnce(CompletionStage<JsonNode> call, boolean mayResync, String what,
      String serverClock, Logger log, Supplier<CompletionStage<?>> sync, Supplier<CompletionStage<JsonNode>> again) {
    return call
        .handle((json, t) -> {
          if (t == null) {
            return CompletableFuture.completedFuture(json);
          }
          VenueException ve = VenueException.classify(Venue.BINANCE, t);
          if (mayResync && "-1021".equals(ve.code())) {
            log.warn("{}: timestamp outside recvWindow; syncing with {} and sending once more", what, serverClock);
            return sync.get().thenCompose(x -> again.get()).toCompletableFuture();
          }
          return CompletableFuture.<JsonNode>failedFuture(ve);
        })
        .thenCompose(f -> f);
  }
}
