package io.kimp.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fake venue's front door for the latency benchmark: a TCP relay on loopback in front of the fake Binance that
 * notes, for each order request ({@code POST /api/v3/order}), the {@code System.nanoTime} at which its first byte
 * arrived, and forwards every byte both ways unchanged. The gateway talks to the relay as to the venue (HTTP/1.1, its
 * pooled connections kept alive; the pool never pipelines, so a request starts a read on its connection).
 */
final class OrderTap implements AutoCloseable {
  /** Called once per order request: its symbol ({@code SOLUSDT}), side and first-byte time. */
  interface Listener {
    void order(String symbol, String side, long firstByteNanos);
  }

  private static final byte[] ORDER = "POST /api/v3/order".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern SYMBOL = Pattern.compile("(?:^|[?&\\s])symbol=([A-Z0-9]+)");
  private static final Pattern SIDE = Pattern.compile("[?&\\s]side=([A-Z]+)");

  private final ServerSocket server;
  private final int venuePort;
  private final Listener listener;
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean closed;

  OrderTap(int venuePort, Listener listener) throws IOException {
    this.venuePort = venuePort;
    this.listener = listener;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "order-tap-accept");
    accept.setDaemon(true);
    accept.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        client.setTcpNoDelay(true);
        Socket venue = new Socket();
        venue.setTcpNoDelay(true);
        venue.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), venuePort));
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(venue);
        }
        pipe(client, venue, true);
        pipe(venue, client, false);
      } catch (IOException e) {
        if (!closed) {
          System.err.println("order tap: " + e.getMessage());
        }
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean requests) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      ByteArrayOutputStream pending = null;
      long pendingAt = 0;
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          long now = System.nanoTime();
          if (requests) {
            if (startsWith(buf, n, ORDER)) {
              pending = new ByteArrayOutputStream();
              pendingAt = now;
            }
            if (pending != null) {
              pending.write(buf, 0, n);
              if (report(pending, pendingAt) || pending.size() > 16 * 1024) {
                pending = null;
              }
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the connection closed (idle pool connection, or the tap closing)
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    }, requests ? "order-tap-requests" : "order-tap-replies");
    t.setDaemon(true);
    t.start();
  }

  /** Reports the order once its symbol and side have arrived (the body may follow the headers in another read). */
  private boolean report(ByteArrayOutputStream pending, long at) {
    String text = pending.toString(StandardCharsets.ISO_8859_1);
    Matcher symbol = SYMBOL.matcher(text);
    Matcher side = SIDE.matcher(text);
    if (symbol.find() && side.find()) {
      listener.order(symbol.group(1), side.group(1), at);
      return true;
    }
    return false;
  }

  private static boolean startsWith(byte[] b, int n, byte[] prefix) {
    if (n < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
