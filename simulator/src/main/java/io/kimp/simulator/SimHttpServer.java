package io.kimp.simulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The simulator's HTTP and WebSocket transport on Netty: one listening socket per venue (plain, or TLS with an
 * {@link SslContext}), plain HTTP answers for REST and a WebSocket upgrade for the market-data paths. The venue's protocol
 * (which paths, what to answer) is the routes function's; this class only moves bytes and applies the venue's
 * {@link Heartbeat} rules: close frames answered, pings ponged, server pings at a fixed interval with a pong deadline and
 * a maximum connection age (Binance), or a close after a time without traffic either way (Upbit). All venues share the
 * event-loop threads given to {@link #group}.
 */
final class SimHttpServer {
  private static final int MAX_MESSAGE_BYTES = 64 * 1024;

  /** What a request gets: a plain response, or a WebSocket whose messages go to the connection {@code open} returns. */
  sealed interface Reply {}

  record Respond(HttpResponseStatus status, String contentType, String body, Map<String, String> headers)
      implements Reply {
    Respond(HttpResponseStatus status, String contentType, String body) {
      this(status, contentType, body, Map.of());
    }
  }

  record Upgrade(Function<Channel, Socket> open) implements Reply {}

  /** Nothing until {@code hold} has passed, then {@code then} (a request the venue sits on: the client times out). */
  record Held(Duration hold, Respond then) implements Reply {}

  /**
   * A venue's keep-alive rules; a null duration turns its rule off.
   *
   * @param pingEvery the server sends a ping frame (payload: the time in ms) this often
   * @param pongTimeout the connection is closed when no pong came back this long after a ping
   * @param maxAge the connection is closed (close frame 1000) when it has been open this long
   * @param idleClose the connection is closed when nothing was read or written for this long
   */
  record Heartbeat(Duration pingEvery, Duration pongTimeout, Duration maxAge, Duration idleClose) {
    static final Heartbeat NONE = new Heartbeat(null, null, null, null);
  }

  /** The server's side of an open WebSocket. */
  interface Socket {
    /** A message from the client, text and binary alike (as text). Event loop. */
    void received(String text);

    /** The socket's send buffer has room again after it was full. Event loop. */
    void writable();
  }

  private final Channel listener;

  private SimHttpServer(Channel listener) {
    this.listener = listener;
  }

  /** Event-loop threads for the simulator's venues. */
  static EventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory("exchange-simulator-io", true), NioIoHandler.newFactory());
  }

  /** Binds {@code host} on {@code port} (0: ephemeral), TLS when {@code ssl} is given; {@code routes} decides per request. */
  static CompletableFuture<SimHttpServer> bind(
      EventLoopGroup group, String host, int port, SslContext ssl, Heartbeat heartbeat,
      Function<FullHttpRequest, Reply> routes) {
    CompletableFuture<SimHttpServer> bound = new CompletableFuture<>();
    new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_SNDBUF, 128 * 1024)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (ssl != null) {
                  ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                }
                ch.pipeline()
                    // a request line long enough for 1024 Binance streams, so that their count is what is refused
                    .addLast(new HttpServerCodec(MAX_MESSAGE_BYTES, 8192, 8192))
                    .addLast(new HttpObjectAggregator(MAX_MESSAGE_BYTES))
                    .addLast(new Requests(routes, heartbeat, ssl != null));
              }
            })
        .bind(host, port)
        .addListener((ChannelFutureListener) f -> {
          if (f.isSuccess()) {
            bound.complete(new SimHttpServer(f.channel()));
          } else {
            bound.completeExceptionally(f.cause());
          }
        });
    return bound;
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  ChannelFuture unbind() {
    return listener.close();
  }

  /** The path of {@code req}'s URI, and its query. */
  static QueryStringDecoder uri(FullHttpRequest req) {
    return new QueryStringDecoder(req.uri());
  }

  private static final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Function<FullHttpRequest, Reply> routes;
    private final Heartbeat heartbeat;
    private final boolean tls;

    Requests(Function<FullHttpRequest, Reply> routes, Heartbeat heartbeat, boolean tls) {
      this.routes = routes;
      this.heartbeat = heartbeat;
      this.tls = tls;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (req.decoderResult().isFailure()) {
        respond(ctx, req, new Respond(HttpResponseStatus.BAD_REQUEST, null, ""));
        return;
      }
      Reply reply = routes.apply(req);
      if (reply instanceof Respond r) {
        respond(ctx, req, r);
        return;
      }
      if (reply instanceof Held h) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        ctx.executor().schedule(() -> {
          if (ctx.channel().isActive()) {
            respond(ctx, keepAlive, h.then());
          }
        }, h.hold().toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      Upgrade up = (Upgrade) reply;
      if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
        respond(ctx, req, new Respond(HttpResponseStatus.BAD_REQUEST, "text/plain; charset=UTF-8", "WebSocket only"));
        return;
      }
      WebSocketServerHandshaker hs =
          new WebSocketServerHandshakerFactory(
                  (tls ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST) + req.uri(), null, true,
                  MAX_MESSAGE_BYTES)
              .newHandshaker(req);
      if (hs == null) {
        WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        return;
      }
      Channel ch = ctx.channel();
      hs.handshake(ch, req).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          ch.close();
          return;
        }
        Socket socket = up.open().apply(ch);
        if (heartbeat.idleClose() != null) {
          ch.pipeline().addLast(new IdleStateHandler(0, 0, heartbeat.idleClose().toMillis(), TimeUnit.MILLISECONDS));
        }
        ch.pipeline().addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES)).addLast(new Frames(hs, socket));
        ch.pipeline().remove(this);
        keepAlive(ch, heartbeat);
      });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a REST client that reset its connection (a pool shutting down): nothing to answer
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, Respond r) {
      respond(ctx, HttpUtil.isKeepAlive(req), r);
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, Respond r) {
      ByteBuf body = Unpooled.copiedBuffer(r.body(), StandardCharsets.UTF_8);
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), body);
      if (r.contentType() != null) {
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
      }
      r.headers().forEach(res.headers()::set);
      HttpUtil.setContentLength(res, body.readableBytes());
      HttpUtil.setKeepAlive(res, keepAlive);
      ChannelFuture sent = ctx.writeAndFlush(res);
      if (!keepAlive) {
        sent.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /** The fixed-interval pings with their pong deadline, and the maximum connection age. */
  private static void keepAlive(Channel ch, Heartbeat hb) {
    if (hb.maxAge() != null) {
      ScheduledFuture<?> aged =
          ch.eventLoop().schedule(() -> {
            ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                .addListener(ChannelFutureListener.CLOSE);
          }, hb.maxAge().toMillis(), TimeUnit.MILLISECONDS);
      ch.closeFuture().addListener(f -> aged.cancel(false));
    }
    if (hb.pingEvery() != null) {
      Frames frames = ch.pipeline().get(Frames.class);
      long every = hb.pingEvery().toMillis();
      ScheduledFuture<?> pings =
          ch.eventLoop().scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            if (hb.pongTimeout() != null && frames.pingOutstandingSince > 0
                && now - frames.pingOutstandingSince >= hb.pongTimeout().toMillis()) {
              ch.close(); // no pong within the deadline: disconnected, as Binance does
              return;
            }
            if (frames.pingOutstandingSince == 0) {
              frames.pingOutstandingSince = now;
            }
            frames.pingPayload = Long.toString(now);
            ch.writeAndFlush(new PingWebSocketFrame(Unpooled.copiedBuffer(frames.pingPayload, StandardCharsets.US_ASCII)));
          }, every, every, TimeUnit.MILLISECONDS);
      ch.closeFuture().addListener(f -> pings.cancel(false));
    }
  }

  /** An open WebSocket: close frames answered, pings ponged, pongs checked, messages to the socket. */
  private static final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final WebSocketServerHandshaker hs;
    private final Socket socket;
    /** When the oldest unanswered ping went out (0: none). Event loop. */
    long pingOutstandingSince;
    String pingPayload;

    Frames(WebSocketServerHandshaker hs, Socket socket) {
      this.hs = hs;
      this.socket = socket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
        socket.received(frame.content().toString(StandardCharsets.UTF_8));
      } else if (frame instanceof PingWebSocketFrame) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      } else if (frame instanceof PongWebSocketFrame) {
        // only a pong carrying the ping's payload answers it; unsolicited pongs do not prevent the disconnection
        if (pingPayload != null && frame.content().toString(StandardCharsets.US_ASCII).equals(pingPayload)) {
          pingOutstandingSince = 0;
        }
      } else if (frame instanceof CloseWebSocketFrame) {
        hs.close(ctx.channel(), (CloseWebSocketFrame) frame.retain());
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      if (ctx.channel().isWritable()) {
        socket.writable();
      }
      super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent e && e.state() == IdleState.ALL_IDLE) {
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
