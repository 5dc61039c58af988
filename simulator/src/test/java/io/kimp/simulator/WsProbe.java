package io.kimp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A test client on the JDK's WebSocket (which answers pings with pongs by itself): every text or binary message is queued
 * as text, in arrival order; whether any came as text or binary is recorded, and the close status.
 */
final class WsProbe implements WebSocket.Listener, AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  /** How long a test waits for a message that must come (liveness, not a speed claim: the machine is shared). */
  static final Duration LIVENESS = Duration.ofSeconds(30);

  final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  final AtomicBoolean sawText = new AtomicBoolean();
  final AtomicBoolean sawBinary = new AtomicBoolean();
  final AtomicInteger pings = new AtomicInteger();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket ws;

  static WsProbe open(HttpClient http, String url) throws Exception {
    WsProbe p = new WsProbe();
    p.ws = http.newWebSocketBuilder().buildAsync(URI.create(url), p).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    return p;
  }

  @Override
  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
    sawText.set(true);
    collect(data.toString(), last);
    w.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
    sawBinary.set(true);
    collect(StandardCharsets.UTF_8.decode(data).toString(), last);
    w.request(1);
    return null;
  }

  private void collect(String text, boolean last) {
    partial.append(text);
    if (last) {
      messages.add(partial.toString());
      partial.setLength(0);
    }
  }

  @Override
  public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
    pings.incrementAndGet();
    w.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
    closed.complete(status);
    return null;
  }

  @Override
  public void onError(WebSocket w, Throwable error) {
    closed.complete(-1);
  }

  void send(String text) throws Exception {
    ws.sendText(text, true).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
  }

  /** The next message. */
  String next() throws InterruptedException {
    String m = messages.poll(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertThat(m).as("a message within the liveness bound").isNotNull();
    return m;
  }

  /** The next message matching {@code p}, skipping the others. */
  JsonNode next(Predicate<JsonNode> p) throws Exception {
    long end = System.nanoTime() + LIVENESS.toNanos();
    while (System.nanoTime() < end) {
      String m = messages.poll(1, TimeUnit.SECONDS);
      if (m != null) {
        JsonNode n = JSON.readTree(m);
        if (p.test(n)) {
          return n;
        }
      }
    }
    throw new AssertionError("no matching message within " + LIVENESS);
  }

  /** The answer to the live request with {@code id} (Binance), skipping market data. */
  JsonNode answer(long id) throws Exception {
    return next(n -> n.has("id") && n.get("id").asLong() == id && (n.has("result") || n.has("error")));
  }

  @Override
  public void close() {
    if (ws != null) {
      ws.abort();
    }
  }
}
