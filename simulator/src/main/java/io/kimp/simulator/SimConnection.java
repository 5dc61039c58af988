package io.kimp.simulator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One client connected to a simulated venue: what it subscribed to and the queue its frames go out through. Upbit
 * connections get frames only once their subscription request has been accepted; Binance ones from the start when the
 * streams are in the URL, or once subscribed with {@code SUBSCRIBE}.
 *
 * <p>Frames go out through a bounded queue (the pump, the tests and the event loop all send): whoever makes it non-empty
 * schedules one drain on the connection's event loop, which writes everything waiting and flushes once, and stops while
 * the socket's send buffer is full (resumed when it drains). A full queue refuses the frame: the client is too slow.
 */
final class SimConnection implements SimHttpServer.Socket {
  final SimVenue venue;
  private static final int QUEUE = 1024;
  private static final Object CLOSE = new Object();

  private final Channel channel;
  private final Queue<Object> out = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Runnable drain = this::drain;
  private final BiConsumer<SimConnection, String> requests;
  final LongAdder sent = new LongAdder();
  final LongAdder dropped = new LongAdder();
  // Binance: the subscribed streams (replaced whole, never changed in place) and the combined property
  volatile Set<String> streams;
  volatile boolean combined;
  // Binance: the incoming messages of the current second (the venue's 5 per second limit); event loop
  long messagesSecond;
  int messagesInSecond;
  // Upbit
  volatile UpbitWire.Subscription subscription;

  /** @param requests what the client sends (event loop) */
  SimConnection(
      SimVenue venue, Channel channel, Set<String> streams, boolean combined, BiConsumer<SimConnection, String> requests) {
    this.venue = venue;
    this.channel = channel;
    this.requests = requests;
    this.streams = Collections.unmodifiableSet(new LinkedHashSet<>(streams));
    this.combined = combined;
  }

  boolean ready() {
    return venue == SimVenue.BINANCE || subscription != null;
  }

  /** Closes the connection cleanly with a close frame (1000) after the frames already queued. */
  void close() {
    out.add(CLOSE);
    scheduleDrain();
  }

  /** Completes when the connection is closed, by either end. */
  ChannelFuture closed() {
    return channel.closeFuture();
  }

  /** Cuts the connection at once, no close frame (the client sees 1006). */
  void fail() {
    channel.close();
  }

  /** Sends as the venue does: Upbit binary, Binance text. False if the client is too slow and it was dropped. */
  boolean send(String frame) {
    return send(frame.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@link #send(String)} of a frame already in UTF-8, shared by the connections it goes to (it is not copied here).
   */
  boolean send(byte[] frame) {
    if (!channel.isActive()) {
      dropped.increment();
      return false;
    }
    if (queued.incrementAndGet() > QUEUE) {
      queued.decrementAndGet();
      dropped.increment();
      return false;
    }
    out.add(frame);
    sent.increment();
    scheduleDrain();
    return true;
  }

  @Override
  public void received(String text) {
    requests.accept(this, text);
  }

  /** The socket can take more again: the drain goes on. */
  @Override
  public void writable() {
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      channel.eventLoop().execute(drain);
    }
  }

  /** Event loop: writes what waits (as long as the socket takes it), one flush for all. */
  private void drain() {
    boolean wrote = false;
    Object next;
    while (channel.isWritable() && (next = out.poll()) != null) {
      if (next == CLOSE) {
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
            .addListener(ChannelFutureListener.CLOSE);
        out.clear();
        return; // draining stays set: nothing more goes out
      }
      queued.decrementAndGet();
      ByteBuf frame = Unpooled.wrappedBuffer((byte[]) next);
      channel.write(venue == SimVenue.UPBIT ? new BinaryWebSocketFrame(frame) : new TextWebSocketFrame(frame));
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
    draining.set(false);
    if (!out.isEmpty() && channel.isWritable()) {
      scheduleDrain();
    }
  }
}
