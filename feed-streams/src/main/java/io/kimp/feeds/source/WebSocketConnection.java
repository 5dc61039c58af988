package io.kimp.feeds.source;

import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * A WebSocket market-data connection that never gives up: a {@link RestartSource} with backoff around a fresh
 * {@code webSocketClientFlow} per attempt (the flow materializes once, so it is built inside the factory). Incoming messages
 * are made strict (a large frame may arrive {@code Streamed}), stamped with their arrival time and handed to a per-attempt
 * frame handler, typically the venue's parser: a handler that throws (a venue error message) fails the attempt and the
 * connection is re-established after the backoff, as is one that completes (server close), goes idle for
 * {@code idleTimeout}, or whose upgrade is refused.
 */
public final class WebSocketConnection {
  private static final long STRICT_TIMEOUT_MS = 5_000;

  private WebSocketConnection() {}

  /**
   * @param outgoing what to send, per attempt; must not complete while the connection should stay open (a completed
   *     outgoing side closes the WebSocket)
   * @param handler per attempt: the function applied to every received frame (it may return the frame with its event)
   */
  public static Source<RawFrame, NotUsed> source(
      ClassicActorSystemProvider system,
      FeedVenue venue,
      Supplier<String> url,
      Supplier<Source<Message, ?>> outgoing,
      Supplier<Function<RawFrame, RawFrame>> handler,
      ConnectionState state,
      RestartSettings restart,
      Duration idleTimeout) {
    Materializer mat = Materializer.matFromSystem(system);
    AtomicBoolean first = new AtomicBoolean(true);
    return RestartSource.withBackoff(
        restart,
        () -> {
          state.attempt(!first.getAndSet(false));
          Flow<Message, Message, CompletionStage<WebSocketUpgradeResponse>> ws =
              Http.get(system.classicSystem()).webSocketClientFlow(WebSocketRequest.create(url.get()));
          Function<RawFrame, RawFrame> onFrame = handler.get();
          AtomicBoolean opened = new AtomicBoolean();
          // the outgoing side is completed when the incoming side ends: a WebSocket whose reader went away (a
          // rotation's kill switch, a failure) would otherwise stay open as long as its writer does
          return outgoing
              .get()
              .viaMat(KillSwitches.single(), Keep.right())
              .viaMat(ws, Keep.both())
              .mapMaterializedValue(
                  p -> {
                    p.second()
                        .thenAccept(
                            r -> {
                              if (r.isValid()) {
                                opened.set(true);
                                state.opened(System.currentTimeMillis());
                              }
                            });
                    return p.first();
                  })
              .mapAsync(1, m -> strict(m, mat))
              .map(
                  m -> {
                    long now = System.currentTimeMillis();
                    state.frame(now);
                    RawFrame f =
                        m instanceof ByteString b
                            ? RawFrame.binary(venue, b.toArrayUnsafe(), now, System.nanoTime())
                            : RawFrame.text(venue, (String) m, now, System.nanoTime());
                    return onFrame.apply(f);
                  })
              .idleTimeout(idleTimeout)
              .watchTermination(
                  (UniqueKillSwitch writer, CompletionStage<Done> done) -> {
                    done.whenComplete(
                        (d, err) -> {
                          writer.shutdown();
                          state.ended(opened.get(), err);
                        });
                    return NotUsed.getInstance();
                  });
        });
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

  /** An outgoing side that sends {@code first} and then stays open (Source.maybe never completes on its own). */
  public static Source<Message, ?> sendThenStayOpen(String first) {
    return Source.<Message>single(TextMessage.create(first)).concat(Source.maybe());
  }

  /** An outgoing side that sends {@code first} and then {@code keepAlive} every {@code interval}; never completes. */
  public static Source<Message, ?> sendWithKeepAlive(String first, String keepAlive, Duration interval) {
    return Source.<Message>single(TextMessage.create(first))
        .concat(Source.tick(interval, interval, keepAlive).map(TextMessage::create));
  }
}
