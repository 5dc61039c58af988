package io.kimp.feeds.fx;

import io.kimp.core.net.ClientTls;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.source.ConnectionState;
import io.kimp.feeds.source.ReconnectLog;
import io.kimp.feeds.source.Ticks;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The optional USD/KRW source: an HTTP GET of the configured URL every {@code poll-interval}. A failed poll (connection
 * error, non-2xx) fails the poller, which restarts with the same backoff as the WebSocket connections; an answer that does
 * not hold a sane rate is counted and dropped by {@link UsdKrwParser}.
 */
public final class UsdKrwFeed {
  private static final long BODY_TIMEOUT_MS = 10_000;
  private static final long MAX_BODY_BYTES = 1 << 20;

  private UsdKrwFeed() {}

  public static Source<List<RawFrame>, NotUsed> source(
      ClassicActorSystemProvider system, FeedSettings s, FrameStats stats, ConnectionState state) {
    Materializer mat = Materializer.matFromSystem(system);
    Http http = Http.get(system.classicSystem());
    org.apache.pekko.http.javadsl.HttpsConnectionContext https = ClientTls.get(system).context()
        .map(org.apache.pekko.http.javadsl.ConnectionContext::httpsClient).orElseGet(http::defaultClientHttpsContext);
    AtomicBoolean first = new AtomicBoolean(true);
    ReconnectLog reconnects = new ReconnectLog("USD/KRW rate", s.fx().usdKrwUrl(), s.connection().restartSettings());
    return RestartSource.withBackoff(
        ReconnectLog.quiet(s.connection().restartSettings()),
        () -> {
          state.attempt(!first.getAndSet(false));
          UsdKrwParser parser = new UsdKrwParser(stats, s.fx().jsonPointer());
          AtomicBoolean opened = new AtomicBoolean();
          return Ticks.nowAndEvery(s.fx().pollInterval(), "poll")
              .mapAsync(1, t -> poll(http, https, s.fx().usdKrwUrl(), mat))
              .map(
                  body -> {
                    long now = System.currentTimeMillis();
                    if (!opened.getAndSet(true)) {
                      state.opened(now);
                    }
                    state.frame(now);
                    RawFrame f = RawFrame.text(FeedVenue.FX, body, now, System.nanoTime());
                    return List.of(f.withEvent(parser.parse(f)));
                  })
              .watchTermination(
                  (m, done) -> {
                    done.whenComplete(
(d, err) -> {
                          state.ended(opened.get(), err);
                          reconnects.ended(opened.get(), err);
                        });
                    return m;
                  });
        });
  }

  private static CompletionStage<String> poll(
      Http http, org.apache.pekko.http.javadsl.HttpsConnectionContext https, String url, Materializer mat) {
    return http.singleRequest(HttpRequest.GET(url), https)
        .thenCompose(
            (HttpResponse r) -> {
              if (!r.status().isSuccess()) {
                r.discardEntityBytes(mat);
                throw new CompletionException(
                    new IOException("USD/KRW source answered " + r.status()));
              }
              return r.entity().toStrict(BODY_TIMEOUT_MS, MAX_BODY_BYTES, mat);
            })
        .thenApply(e -> e.getData().utf8String());
  }
}
