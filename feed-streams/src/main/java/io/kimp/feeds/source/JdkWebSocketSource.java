package io.kimp.feeds.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * One WebSocket connection through the JDK's {@link java.net.http.WebSocket} client, as a Pekko Streams source of whole
 * messages ({@code String} for text, {@code byte[]} for binary). Pekko HTTP's client assembles every incoming message in
 * its own sub-stream, which caps one connection at some 10⁴ messages per second on this machine class; the JDK client
 * delivers an order of magnitude more (see the benchmarks), which is what keeps kimp, not the feed, off the critical path.
 *
 * <p>Backpressure is the JDK's {@code request(n)}: at most {@code 2 × BATCH} messages are ever buffered; the listener
 * thread hands messages over through a lock-free queue and wakes the stage only when it waits. Pings are answered by the
 * JDK client itself. The materialized value completes when the connection is open (or fails if it cannot be opened).
 * Cancelling the source closes the WebSocket (close frame 1000, then abort after 2 s).
 */
final class JdkWebSocketSource extends WebSocketClientStage {
  private static final int BATCH = 512;
  /**
   * One client for all connections. Its tasks run on its own selector thread (a direct executor): the listener below only
   * hands messages over (no blocking, no waiting), and each message saves a thread hop, which halved the tail latency in
   * the end-to-end benchmark.
   */
  private static final HttpClient CLIENT = builder().build();
  /** The clients for TLS contexts other than the JVM's default ({@code kimp run --simulate --tls}), one per context. */
  private static final Map<SSLContext, HttpClient> TRUSTING = new ConcurrentHashMap<>();

  private final HttpClient client;

  private static HttpClient.Builder builder() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(Runnable::run);
  }

  /**
   * @param firstMessage sent once the connection is open (a subscription), or null
   * @param keepAliveText sent every {@code keepAlive} (Upbit's {@code PING}), or null
   */
  JdkWebSocketSource(URI uri, String firstMessage, String keepAliveText, Duration keepAlive) {
    this(uri, firstMessage, keepAliveText, keepAlive, null);
  }

  /** @param tls the TLS context for {@code wss://} instead of the JVM's default, or null for the default */
  JdkWebSocketSource(URI uri, String firstMessage, String keepAliveText, Duration keepAlive, SSLContext tls) {
    super(uri, firstMessage, keepAliveText, keepAlive);
    this.client = tls == null ? CLIENT : TRUSTING.computeIfAbsent(tls, c -> builder().sslContext(c).build());
  }

  @Override
  GraphStageLogic logic(CompletableFuture<Boolean> opened) {
    return new Logic(opened);
  }

  private final class Logic extends HandOverLogic implements WebSocket.Listener {
    private final CompletableFuture<Boolean> opened;
    private final AsyncCallback<Throwable> connectFailed;
    private volatile WebSocket ws;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private int pushedSinceRequest;
    // listener-thread state: the parts of a fragmented message
    private StringBuilder textParts;
    private ByteArrayOutputStream binaryParts;

    Logic(CompletableFuture<Boolean> opened) {
      super(shape);
      this.opened = opened;
      this.connectFailed = createAsyncCallback(this::failStage);
    }

    @Override
    protected void delivered() {
      if (++pushedSinceRequest == BATCH) {
        pushedSinceRequest = 0;
        ws.request(BATCH);
      }
    }

    @Override
    public void preStart() {
      client
          .newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .buildAsync(uri, this)
          .whenComplete(
              (socket, err) -> {
                if (err != null) {
                  opened.completeExceptionally(err);
                  connectFailed.invoke(err);
                }
              });
      if (keepAliveText != null) {
        scheduleWithFixedDelay(KEEP_ALIVE, keepAlive, keepAlive);
      }
    }

    @Override
    public void onTimer(Object key) {
      send(keepAliveText);
    }

    private void send(String text) {
      WebSocket socket = ws;
      if (socket != null && text != null) {
        // the JDK allows one outstanding send at a time: chain them
        sending = sending.handle((x, e) -> null).thenCompose(x -> socket.sendText(text, true));
      }
    }

    @Override
    public void postStop() {
      WebSocket socket = ws;
      if (socket != null && !socket.isOutputClosed()) {
        socket
            .sendClose(WebSocket.NORMAL_CLOSURE, "")
            .orTimeout(2, TimeUnit.SECONDS)
            .whenComplete((x, e) -> socket.abort());
      } else if (socket != null) {
        socket.abort();
      }
    }

    // ---- WebSocket.Listener (JDK threads)

    @Override
    public void onOpen(WebSocket socket) {
      ws = socket;
      opened.complete(Boolean.TRUE);
      if (firstMessage != null) {
        sending = socket.sendText(firstMessage, true);
      }
      socket.request(2L * BATCH);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      if (last && textParts == null) {
        enqueue(data.toString());
      } else {
        if (textParts == null) {
          textParts = new StringBuilder();
        }
        textParts.append(data);
        if (last) {
          enqueue(textParts.toString());
          textParts = null;
        } else {
          socket.request(1); // a fragment is not a message: keep the demand for whole messages
        }
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      if (last && binaryParts == null) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        enqueue(b);
      } else {
        if (binaryParts == null) {
          binaryParts = new ByteArrayOutputStream();
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binaryParts.writeBytes(b);
        if (last) {
          enqueue(binaryParts.toByteArray());
          binaryParts = null;
        } else {
          socket.request(1);
        }
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      end(
          statusCode == WebSocket.NORMAL_CLOSURE
              ? null
              : new IOException("WebSocket closed by the peer: " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      end(error);
    }
  }
}
