package io.kimp.feeds.source;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * One WebSocket connection through Netty, as a Pekko Streams source of whole messages, every one as its UTF-8 bytes
 * ({@code byte[]}, text and binary alike). What sets it apart from the JDK's client: a text message is not decoded into
 * chars and a String (the JDK decodes every text frame byte by byte, which was most of kimp's CPU end to end at high
 * rates); the venue parsers read bytes anyway. Its UTF-8 is not validated here: the fast path takes ASCII only and Jackson
 * validates the rest, so a frame of bad UTF-8 is counted and dropped like any bad frame, and the connection goes on.
 *
 * <p>Backpressure: reading from the socket stops while {@code 2 × BATCH} messages wait for the stage and resumes when half
 * of them went downstream (both switches made on the I/O thread). Pings are answered with pongs by Netty's protocol handler; fragmented messages are assembled;
 * a close frame other than 1000, or a connection lost without one (1006), fails the stream. Cancelling the source sends a
 * close frame (1000) and closes the socket after 2 s at the latest. All connections share one Netty I/O thread.
 */
final class NettyWebSocketSource extends WebSocketClientStage {
  private static final int BATCH = 512;
  private static final int MAX_MESSAGE_BYTES = 1 << 20;
  private static final EventLoopGroup IO =
      new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kimp-websocket", true), NioIoHandler.newFactory());

  /**
   * @param firstMessage sent once the connection is open (a subscription), or null
   * @param keepAliveText sent every {@code keepAlive} (Upbit's {@code PING}), or null
   */
  NettyWebSocketSource(URI uri, String firstMessage, String keepAliveText, Duration keepAlive) {
    super(uri, firstMessage, keepAliveText, keepAlive);
  }

  @Override
  GraphStageLogic logic(CompletableFuture<Boolean> opened) {
    return new Logic(opened);
  }

  private static SslContext tls() {
    try {
      return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
    } catch (SSLException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class Logic extends HandOverLogic {
    private final CompletableFuture<Boolean> opened;
    private final AsyncCallback<Throwable> connectFailed;
    private final AtomicInteger waitingMessages = new AtomicInteger();
    private volatile Channel channel;
    /** Set when the stage stops: a connection completing after that is closed at once. */
    private volatile boolean stopped;

    Logic(CompletableFuture<Boolean> opened) {
      super(shape);
      this.opened = opened;
      this.connectFailed = createAsyncCallback(this::failStage);
    }

    @Override
    public void preStart() {
      boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
      int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
      SslContext tls = secure ? tls() : null;
      WebSocketClientProtocolConfig ws =
          WebSocketClientProtocolConfig.newBuilder()
              .webSocketUri(uri)
              .maxFramePayloadLength(MAX_MESSAGE_BYTES)
              .handleCloseFrames(false) // the handler below reads the status
              .withUTF8Validator(false)
              .handshakeTimeoutMillis(10_000)
              .build();
      new Bootstrap()
          .group(IO)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                  ChannelPipeline p = ch.pipeline();
                  if (tls != null) {
                    p.addLast(tls.newHandler(ch.alloc(), uri.getHost(), port));
                  }
                  p.addLast(new HttpClientCodec());
                  p.addLast(new HttpObjectAggregator(64 * 1024));
                  p.addLast(new WebSocketClientProtocolHandler(ws));
                  p.addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
                  p.addLast(new Messages());
                }
              })
          .connect(uri.getHost(), port)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      channel = f.channel();
                      if (stopped) {
                        f.channel().close();
                      }
                    } else {
                      opened.completeExceptionally(f.cause());
                      connectFailed.invoke(f.cause());
                    }
                  });
      if (keepAliveText != null) {
        scheduleWithFixedDelay(KEEP_ALIVE, keepAlive, keepAlive);
      }
    }

    @Override
    public void onTimer(Object key) {
      Channel ch = channel;
      if (ch != null && opened.isDone()) {
        ch.writeAndFlush(new TextWebSocketFrame(keepAliveText));
      }
    }

    /**
     * Reading resumes once the waiting messages fell to {@code BATCH}. Every auto-read switch runs on the I/O thread, and
     * resuming checks the count there again: the I/O thread may have stopped reading after the count already fell.
     */
    @Override
    protected void delivered() {
      if (waitingMessages.decrementAndGet() == BATCH) {
        Channel ch = channel;
        if (ch != null) {
          ch.eventLoop().execute(() -> {
            if (waitingMessages.get() < 2 * BATCH) {
              ch.config().setAutoRead(true);
            }
          });
        }
      }
    }

    @Override
    public void postStop() {
      stopped = true;
      Channel ch = channel;
      if (ch != null && ch.isActive()) {
        ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        ch.eventLoop().schedule(() -> ch.close(), 2, TimeUnit.SECONDS);
      } else if (ch != null) {
        ch.close();
      }
    }

    /** The I/O thread's end: messages to the stage, close frames and errors to its end. */
    private final class Messages extends SimpleChannelInboundHandler<WebSocketFrame> {
      private boolean ended;

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
          opened.complete(Boolean.TRUE);
          if (firstMessage != null) {
            ctx.writeAndFlush(new TextWebSocketFrame(firstMessage));
          }
        } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
          fail(ctx, new IOException("WebSocket handshake timed out: " + uri));
        }
        super.userEventTriggered(ctx, event);
      }

      @Override
      protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
          ByteBuf content = frame.content();
          byte[] bytes = new byte[content.readableBytes()];
          content.getBytes(content.readerIndex(), bytes);
          enqueue(bytes);
          if (waitingMessages.incrementAndGet() >= 2 * BATCH) {
            ctx.channel().config().setAutoRead(false);
          }
        } else if (frame instanceof CloseWebSocketFrame close) {
          int status = close.statusCode();
          ctx.writeAndFlush(new CloseWebSocketFrame(status > 0 ? status : 1000, ""))
              .addListener(ChannelFutureListener.CLOSE);
          finish(
              status == WebSocketCloseStatus.NORMAL_CLOSURE.code()
                  ? null
                  : new IOException("WebSocket closed by the peer: " + status + " " + close.reasonText()));
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        opened.completeExceptionally(new IOException("WebSocket connection closed before it opened: " + uri));
        finish(new IOException("WebSocket connection lost without a close frame (1006): " + uri));
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
      }

      private void fail(ChannelHandlerContext ctx, Throwable cause) {
        opened.completeExceptionally(cause);
        finish(cause);
        ctx.close();
      }

      /** The first end of the connection is the one reported. */
      private void finish(Throwable error) {
        if (!ended) {
          ended = true;
          end(error);
        }
      }
    }
  }
}
