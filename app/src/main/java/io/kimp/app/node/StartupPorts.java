package io.kimp.app.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks, before anything starts, that the ports a node listens on are free, so a taken one ends the start at once with
 * one line naming the key to change ({@link PortInUseException}) instead of a stack trace after the node has half
 * started. Port 0 (any free port) is not checked. A port taken in between is still reported by the bind itself.
 */
public final class StartupPorts {
  public static final String CLUSTER_KEY = "pekko.remote.artery.canonical.port";
  private static final String CLUSTER_BIND_KEY = "pekko.remote.artery.bind.port";
  public static final String ADMIN_KEY = "kimp.admin.port";

  private StartupPorts() {}

  /** The cluster (Artery) port: {@code bind.port} when set, else {@code canonical.port}. */
  public static void requireClusterPortFree(Config c) {
    if (!c.hasPath("pekko.remote.artery.canonical.port")) {
      return;
    }
    String bindPort = c.hasPath(CLUSTER_BIND_KEY) ? c.getString(CLUSTER_BIND_KEY).trim() : "";
    String key = bindPort.isEmpty() ? CLUSTER_KEY : CLUSTER_BIND_KEY;
    int port = bindPort.isEmpty() ? c.getInt(CLUSTER_KEY) : Integer.parseInt(bindPort);
    String bindHost = c.hasPath("pekko.remote.artery.bind.hostname")
        ? c.getString("pekko.remote.artery.bind.hostname").trim() : "";
    String host = bindHost.isEmpty() ? c.getString("pekko.remote.artery.canonical.hostname") : bindHost;
    boolean udp = c.hasPath("pekko.remote.artery.transport")
        && c.getString("pekko.remote.artery.transport").equals("aeron-udp");
    requireFree("the cluster transport", host, port, key, udp);
  }

  /** The admin API's port ({@code kimp.admin.host} / {@code kimp.admin.port}). */
  public static void requireAdminPortFree(io.kimp.app.http.AdminSettings admin) {
    requireFree("the admin API", admin.host(), admin.port(), ADMIN_KEY, false);
  }

  static void requireFree(String what, String host, int port, String key, boolean udp) {
    if (port <= 0) {
      return;
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      return; // the bind will say what is wrong with the host name
    }
    try {
      if (udp) {
        new DatagramSocket(address).close();
      } else {
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(true);
          s.bind(address);
        }
      }
    } catch (BindException e) {
      throw new PortInUseException(what, host, port, key, e);
    } catch (IOException e) {
      // not a port in use (e.g. an address not on this host): the real bind reports it
    }
  }

  /** {@code e} or one of its causes is a {@link BindException}. */
  public static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
