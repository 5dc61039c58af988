package io.kimp.app.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP pass-through on loopback that can be cut and restored, to take a database away from the nodes without stopping
 * it (other work uses the machine's PostgreSQL). While cut, every open connection is reset and new ones are refused,
 * which is what the nodes see when the database host goes away.
 */
final class TcpCutProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile boolean closed;

  TcpCutProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.port = s.getLocalPort();
    listen(s);
  }

  int port() {
    return port;
  }

  /** Resets every connection and refuses new ones until {@link #restore()}. */
  synchronized void cut() throws IOException {
    ServerSocket s = server;
    server = null;
    if (s != null) {
      s.close();
    }
    for (Socket sock : open) {
      reset(sock);
    }
  }

  /** Accepts connections again on the same port. */
  synchronized void restore() throws IOException {
    if (server == null && !closed) {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      listen(s);
    }
  }

  private void listen(ServerSocket s) {
    server = s;
    Thread t = new Thread(() -> {
      while (!s.isClosed()) {
        try {
          Socket client = s.accept();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          open.add(client);
          open.add(upstream);
          pipe(client, upstream);
          pipe(upstream, client);
        } catch (IOException e) {
          // closed by cut(), or the target refused: the client sees its connection end
        }
      }
    }, "pg-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side went away
      } finally {
        reset(from);
        reset(to);
      }
    }, "pg-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private void reset(Socket s) {
    open.remove(s);
    try {
      s.setSoLinger(true, 0); // RST, as a vanished host's connection ends
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    cut();
  }
}
