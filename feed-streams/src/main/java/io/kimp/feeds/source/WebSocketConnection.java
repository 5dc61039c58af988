package io.kimp.feeds.source;

import io.kimp.core.net.ClientTls;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A WebSocket market-data connection that never gives up: a {@link RestartSource} with backoff around a fresh connection
 * per attempt. Incoming messages are stamped with their arrival time and handed to a per-attempt frame handler, typically
 * the venue's parser: a handler that throws (a venue error message) fails the attempt and the connection is re-established
 * after the backoff, as is one the server closes, that goes idle for {@code idleTimeout}, or whose upgrade is refused.
 *
 * <p>One client: the JDK's {@link java.net.http.WebSocket} ({@link JdkWebSocketSource}; TLS for {@code wss://} with the
 * JDK's trust store and hostname verification). Netty's and Pekko HTTP's clients were kept beside it until issue 12; the
 * end-to-end benchmark measured side by side (same jar, alternating, load average 16–22) JDK 1.8–4.7 k, Netty 1.5–4.2 k
 * and Pekko HTTP 0.12–0.19 k msgs/s unthrottled (418 k JDK / 560 k Netty on a quiet machine before): JDK and Netty within
 * the noise of each other and both far above what the venues send, Pekko HTTP far below. No user-visible need for a
 * second client, so only the one without an extra dependency is kept (see {@code kimp.feeds} in reference.conf).
 */
public final class WebSocketConnection {
  private static final long MAX_BATCH = 1024;

  /**
   * What the client sends: {@code first} once open (a subscription; null for none), then {@code keepAliveText} every
   * {@code keepAlive} (null for none).
   */
  public record Outgoing(String first, String keepAliveText, Duration keepAlive) {
    public static Outgoing nothing() {
      return new Outgoing(null, null, null);
    }
  }

  private WebSocketConnection() {}

  /**
   * The connection's frames, in batches: a batch forms only while downstream is busy (at low rates every batch is one
   * frame, no added latency), and under load it carries many frames across each asynchronous boundary (the restart
   * wrapper, the merge) at the cost of one.
   *
   * @param outgoing per attempt (a fresh subscription ticket each time)
   * @param handler per attempt: the function applied to every received frame (it may return the frame with its event)
   * @param replayed which received messages are a replay of the venue's state on subscribing rather than news (they
   *     count as frames but do not refresh the connection's {@link ConnectionState#lastMessageAge})
   */
  public static Source<List<RawFrame>, NotUsed> source(
      ClassicActorSystemProvider system,
      FeedVenue venue,
      Supplier<String> url,
      Supplier<Outgoing> outgoing,
      Supplier<Function<RawFrame, RawFrame>> handler,
      java.util.function.Predicate<Object> replayed,
      ConnectionState state,
      RestartSettings restart,
      Duration idleTimeout) {
    AtomicBoolean first = new AtomicBoolean(true);
    ReconnectLog reconnects = new ReconnectLog(venue.wireName() + " market data", url.get(), restart);
    return RestartSource.withBackoff(
        ReconnectLog.quiet(restart),
        () -> {
          state.attempt(!first.getAndSet(false));
          Function<RawFrame, RawFrame> onFrame = handler.get();
          AtomicBoolean opened = new AtomicBoolean();
          Runnable onOpen =
              () -> {
                opened.set(true);
                state.opened(System.currentTimeMillis());
              };
          Source<Object, Runnable> messages =
              jdk(url.get(), outgoing.get(), onOpen, ClientTls.get(system).context().orElse(null));
          return messages
              .map(
                  m -> {
                    long now = System.currentTimeMillis();
                    state.frame(now, !replayed.test(m));
                    RawFrame f;
                    if (m instanceof String s) {
                      f = RawFrame.text(venue, s, now, System.nanoTime());
                    } else {
                      f = RawFrame.binary(venue, (byte[]) m, now, System.nanoTime());
                    }
                    return onFrame.apply(f);
                  })
              .batch(MAX_BATCH, WebSocketConnection::firstOfBatch, WebSocketConnection::addToBatch)
              .idleTimeout(idleTimeout)
              .watchTermination(
                  (Runnable closeWriter, CompletionStage<org.apache.pekko.Done> done) -> {
                    done.whenComplete(
                        (d, err) -> {
                          closeWriter.run();
                          state.ended(opened.get(), err);
                          reconnects.ended(opened.get(), err);
                        });
                    return NotUsed.getInstance();
                  });
        });
  }

  /** A new batch holding {@code f}. */
  public static List<RawFrame> firstOfBatch(RawFrame f) {
    List<RawFrame> batch = new ArrayList<>(8);
    batch.add(f);
    return batch;
  }

  public static List<RawFrame> addToBatch(List<RawFrame> batch, RawFrame f) {
    batch.add(f);
    return batch;
  }

  /** The JDK's client: a stage that owns its socket. */
  private static Source<Object, Runnable> jdk(String url, Outgoing out, Runnable onOpen, SSLContext tls) {
    return Source.fromGraph(
            new JdkWebSocketSource(URI.create(url), out.first(), out.keepAliveText(), out.keepAlive(), tls))
        .mapMaterializedValue(
            open -> {
              open.thenRun(onOpen);
              return () -> {}; // the source closes its socket itself when it stops
            });
  }
}
