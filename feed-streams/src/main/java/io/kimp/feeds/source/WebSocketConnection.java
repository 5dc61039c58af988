package io.kimp.feeds.source;

import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A WebSocket market-data connection that never gives up: a {@link RestartSource} with backoff around a fresh connection
 * per attempt. Incoming messages are stamped with their arrival time and handed to a per-attempt frame handler, typically
 * the venue's parser: a handler that throws (a venue error message) fails the attempt and the connection is re-established
 * after the backoff, as is one the server closes, that goes idle for {@code idleTimeout}, or whose upgrade is refused.
 *
 * <p>Three clients: the JDK's {@link java.net.http.WebSocket} ({@link Client#JDK}, the default: an order of magnitude more
 * messages per second per connection than Pekko HTTP's), Netty ({@link Client#NETTY}: text frames handed over as bytes,
 * not decoded into Strings, the least CPU per message, see the benchmarks) and Pekko HTTP's {@code webSocketClientFlow}
 * ({@link Client#PEKKO_HTTP}). For the latter the flow is built inside the restart factory (it materializes once), streamed
 * messages are made strict, and the outgoing side stays open until the incoming side ends (a completed outgoing side
 * closes the WebSocket).
 */
public final class WebSocketConnection {
  private static final long STRICT_TIMEOUT_MS = 5_000;
  private static final long MAX_BATCH = 1024;

  /** Which WebSocket client implementation carries the connection. */
  public enum Client {
    JDK,
    NETTY,
    PEKKO_HTTP;

    /** {@code jdk}, {@code netty} or {@code pekko-http}; null if none of them. */
    public static Client parse(String s) {
      String v = s.trim().toLowerCase(Locale.ROOT);
      return v.equals("jdk") ? JDK : v.equals("netty") ? NETTY : v.equals("pekko-http") ? PEKKO_HTTP : null;
    }
  }

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
   */
  public static Source<List<RawFrame>, NotUsed> source(
      ClassicActorSystemProvider system,
      Client client,
      FeedVenue venue,
      Supplier<String> url,
      Supplier<Outgoing> outgoing,
      Supplier<Function<RawFrame, RawFrame>> handler,
      ConnectionState state,
      RestartSettings restart,
      Duration idleTimeout) {
    Materializer mat = Materializer.matFromSystem(system);
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
              client == Client.PEKKO_HTTP
                  ? pekkoHttp(system, url.get(), outgoing.get(), onOpen, mat)
                  : direct(client, url.get(), outgoing.get(), onOpen);
          return messages
              .map(
                  m -> {
                    long now = System.currentTimeMillis();
                    state.frame(now);
                    RawFrame f;
                    if (m instanceof String s) {
                      f = RawFrame.text(venue, s, now, System.nanoTime());
                    } else if (m instanceof byte[] b) {
                      f = RawFrame.binary(venue, b, now, System.nanoTime());
                    } else {
                      f = RawFrame.binary(venue, ((ByteString) m).toArrayUnsafe(), now, System.nanoTime());
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

  /** The JDK's or Netty's client: a stage that owns its socket. */
  private static Source<Object, Runnable> direct(Client client, String url, Outgoing out, Runnable onOpen) {
    URI uri = URI.create(url);
    return Source.fromGraph(
            client == Client.NETTY
                ? new NettyWebSocketSource(uri, out.first(), out.keepAliveText(), out.keepAlive())
                : new JdkWebSocketSource(uri, out.first(), out.keepAliveText(), out.keepAlive()))
        .mapMaterializedValue(
            open -> {
              open.thenRun(onOpen);
              return () -> {}; // the source closes its socket itself when it stops
            });
  }

  /**
   * Pekko HTTP's client. The writer is closed (kill switch) when the reader ends: a WebSocket whose reader went away (a
   * rotation, a failure) would otherwise stay open as long as its writer does.
   */
  private static Source<Object, Runnable> pekkoHttp(
      ClassicActorSystemProvider system, String url, Outgoing out, Runnable onOpen, Materializer mat) {
    return writer(out)
        .viaMat(KillSwitches.single(), Keep.right())
        .viaMat(Http.get(system.classicSystem()).webSocketClientFlow(WebSocketRequest.create(url)), Keep.both())
        .mapMaterializedValue(
            p -> {
              p.second().thenAccept(r -> {
                if (r.isValid()) {
                  onOpen.run();
                }
              });
              return (Runnable) p.first()::shutdown;
            })
        .mapAsync(1, m -> strict(m, mat));
  }

  /** The outgoing side for Pekko HTTP: never completes on its own (Source.maybe / a tick). */
  private static Source<Message, ?> writer(Outgoing out) {
    Source<Message, ?> tail =
        out.keepAliveText() == null
            ? Source.maybe()
            : Source.tick(out.keepAlive(), out.keepAlive(), out.keepAliveText()).map(TextMessage::create);
    return out.first() == null ? tail : Source.<Message>single(TextMessage.create(out.first())).concat(tail);
  }

  /** The message's payload: a String for text, a ByteString for binary, made strict if it was streamed. */
  private static CompletionStage<Object> strict(Message m, Materializer mat) {
    if (m.isText()) {
      TextMessage t = m.asTextMessage();
      if (t.isStrict()) {
        return CompletableFuture.completedFuture(t.getStrictText());
      }
      return t.toStrict(STRICT_TIMEOUT_MS, mat).thenApply(TextMessage::getStrictText);
    }
    BinaryMessage b = m.asBinaryMessage();
    if (b.isStrict()) {
      return CompletableFuture.completedFuture(b.getStrictData());
    }
    return b.toStrict(STRICT_TIMEOUT_MS, mat).thenApply(BinaryMessage::getStrictData);
  }
}
