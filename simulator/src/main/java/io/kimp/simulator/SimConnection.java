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
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * One client connected to a simulated venue: what it subscribed to and the queue its frames go out through. Upbit
 * connections get frames only once their subscription request has been accepted; Binance ones from the start (the
 * streams are in the URL).
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
  // Binance
  final Set<String> streams;
  final boolean combined;
  final String depthName;
  // Upbit
  volatile UpbitWire.Subscription subscription;
  // the pump's cache of what this connection wants (route)
  private final Map<String, Route> routes = new HashMap<>();
  private UpbitWire.Subscription routedFor;

  /** @param requests what the client sends (event loop) */
  SimConnection(
      SimVenue venue, Channel channel, Set<String> streams, boolean combined, BiConsumer<SimConnection, String> requests) {
    this.venue = venue;
    this.channel = channel;
    this.requests = requests;
    this.streams = streams;
    this.combined = combined;
    String depth = "depth5@100ms";
    for (String s : streams) {
      int at = s.indexOf("@depth");
      if (at > 0) {
        depth = s.substring(at + 1);
      }
    }
    this.depthName = depth;
  }

  boolean ready() {
    return venue == SimVenue.BINANCE || subscription != null;
  }

  /** Whether this connection subscribed to {@code u}. */
  boolean wants(MarketUpdate u) {
    if (venue == SimVenue.UPBIT && subscription == null) {
      return false;
    }
    return route(u).wanted[u.kind().ordinal()];
  }

  /**
   * Per coin: its stream name for each kind of update and whether this connection subscribed to it, worked out once (the
   * pump calls this for every update and connection). Pump thread only; an Upbit connection's cache follows its newest
   * subscription.
   */
  private Route route(MarketUpdate u) {
    UpbitWire.Subscription s = subscription;
    if (s != routedFor) {
      routes.clear();
      routedFor = s;
    }
    Route r = routes.get(u.coin());
    if (r == null) {
      MarketUpdate.Kind[] kinds = MarketUpdate.Kind.values();
      String[] names = new String[kinds.length];
      boolean[] wanted = new boolean[kinds.length];
      for (MarketUpdate.Kind k : kinds) {
        if (venue == SimVenue.UPBIT) {
          wanted[k.ordinal()] = s.wants(UpbitWire.type(k), "KRW-" + u.coin());
        } else {
          names[k.ordinal()] = BinanceWire.stream(u.coin(), k, depthName);
          wanted[k.ordinal()] = streams.contains(names[k.ordinal()]);
        }
      }
      r = new Route(names, wanted);
      routes.put(u.coin(), r);
    }
    return r;
  }

  private record Route(String[] streams, boolean[] wanted) {}

  /** Which of the venue's two wire shapes this connection reads (Upbit SIMPLE keys, Binance combined wrapper). */
  boolean altShape() {
    return venue == SimVenue.UPBIT ? subscription.simple() : combined;
  }

  /** The frame for {@code u} in this connection's shape, in UTF-8. */
  byte[] format(MarketUpdate u) {
    String frame;
    if (venue == SimVenue.UPBIT) {
      frame = UpbitWire.format(u, subscription.simple());
    } else {
      String payload = BinanceWire.payload(u);
      frame = combined ? BinanceWire.wrapped(route(u).streams[u.kind().ordinal()], payload) : payload;
    }
    return frame.getBytes(StandardCharsets.UTF_8);
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
