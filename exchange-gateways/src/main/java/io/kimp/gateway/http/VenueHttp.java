package io.kimp.gateway.http;

import io.kimp.core.market.Venue;
import io.kimp.core.net.ClientTls;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.VenueException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamTcpException;

/**
 * One venue's HTTP transport: Pekko HTTP's pooled client with a deadline per request and failures classified by what the
 * venue may have seen. A failure to connect means the request never left: {@link FailureClass#TRANSIENT}. Anything after
 * that (no reply within the deadline, a connection dropped mid-request) means the venue may have acted:
 * {@link FailureClass#UNKNOWN_OUTCOME}.
 *
 * <p>The pool never retries on its own ({@code max-retries = 0}): a silently repeated POST could place a second order.
 */
public final class VenueHttp {
  private final Venue venue;
  private final Http http;
  private final Materializer materializer;
  private final HttpsConnectionContext https;
  private final ConnectionPoolSettings pool;
  private final Duration requestTimeout;
  private final org.apache.pekko.event.LoggingAdapter log;

  public VenueHttp(ActorSystem<?> system, Venue venue, Duration connectTimeout, Duration requestTimeout) {
    this.venue = venue;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    // the JVM's trust unless this system trusts only the simulator's certificate (kimp run --simulate --tls)
    this.https = ClientTls.get(system).context().map(ConnectionContext::httpsClient)
        .orElseGet(http::defaultClientHttpsContext);
    this.requestTimeout = requestTimeout;
    this.log = system.classicSystem().log();
    ClientConnectionSettings connection =
        ClientConnectionSettings.create(system.classicSystem())
            .withConnectingTimeout(connectTimeout)
            // a venue that never answers must not hold a pooled connection forever
            .withIdleTimeout(requestTimeout.plusSeconds(5));
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxRetries(0)
            .withMaxConnections(16)
            .withMaxOpenRequests(64)
            .withConnectionSettings(connection);
  }

  public Venue venue() {
    return venue;
  }

  /** Sends {@code request} and reads the whole reply; fails only with a classified {@link VenueException}. */
  public CompletionStage<HttpReply> send(HttpRequest request) {
    long timeoutMs = requestTimeout.toMillis();
    CompletableFuture<HttpReply> reply =
        http.singleRequest(request, https, pool, log)
            .thenCompose(
                response ->
                    response
                        .entity()
                        .toStrict(timeoutMs, materializer)
                        .thenApply(strict -> toReply(response.status().intValue(), response.getHeaders(), strict)))
            .toCompletableFuture()
            .orTimeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    return reply.handle(
        (ok, failure) -> {
          if (failure == null) {
            return ok;
          }
          throw new CompletionException(classify(request, failure));
        });
  }

  private static HttpReply toReply(
      int status, Iterable<HttpHeader> headers, org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict) {
    Map<String, String> h = new TreeMap<>();
    for (HttpHeader header : headers) {
      h.put(header.lowercaseName(), header.value());
    }
    return new HttpReply(status, h, strict.getData().utf8String());
  }

  private VenueException classify(HttpRequest request, Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    String what = request.method().value() + " " + request.getUri().path();
    if (t instanceof TimeoutException) {
      return new VenueException(
          venue, FailureClass.UNKNOWN_OUTCOME, "timeout",
          what + ": no reply within " + requestTimeout.toMillis() + " ms", null, t);
    }
    if (beforeSending(t)) {
      return new VenueException(venue, FailureClass.TRANSIENT, "connect", what + ": cannot connect: " + t.getMessage(), null, t);
    }
    return new VenueException(
        venue, FailureClass.UNKNOWN_OUTCOME, "transport", what + ": " + t.getClass().getSimpleName() + ": " + t.getMessage(),
        null, t);
  }

  /** Connection refused / connect timeout / TLS handshake refused: the request bytes were never written. */
  private static boolean beforeSending(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof javax.net.ssl.SSLHandshakeException) {
        // a refused TLS handshake (an untrusted certificate) comes before the request's first byte
        return true;
      }
      if (c instanceof StreamTcpException
          && c.getMessage() != null
          && c.getMessage().toLowerCase(Locale.ROOT).contains("connect(")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
