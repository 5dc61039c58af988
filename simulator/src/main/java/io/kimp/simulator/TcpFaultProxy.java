package io.kimp.simulator;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * A TCP pass-through in front of a simulated venue, so a fault can cut connections the way a network does: no WebSocket
 * close frame, the client sees an abnormal closure (1006).
 */
final class TcpFaultProxy {
  private final Set<UniqueKillSwitch> open = ConcurrentHashMap.newKeySet();
  private final Tcp.ServerBinding binding;

  private TcpFaultProxy(Tcp.ServerBinding binding) {
    this.binding = binding;
  }

  static CompletionStage<TcpFaultProxy> start(
      ClassicActorSystemProvider system, String host, int port, int targetPort) {
    Tcp tcp = Tcp.get(system.classicSystem());
    Materializer mat = Materializer.matFromSystem(system);
    TcpFaultProxy[] self = new TcpFaultProxy[1];
    Set<UniqueKillSwitch> pending = ConcurrentHashMap.newKeySet();
    return tcp.bind(host, port)
        .to(
            Sink.foreach(
                conn -> {
                  UniqueKillSwitch ks =
                      conn.handleWith(
                          tcp.outgoingConnection(host, targetPort)
                              .viaMat(KillSwitches.single(), Keep.right())
                              .watchTermination(
                                  (k, done) -> {
                                    done.whenComplete((d, e) -> (self[0] != null ? self[0].open : pending).remove(k));
                                    return k;
                                  }),
                          mat);
                  (self[0] != null ? self[0].open : pending).add(ks);
                }))
        .run(mat)
        .thenApply(
            b -> {
              self[0] = new TcpFaultProxy(b);
              self[0].open.addAll(pending);
              return self[0];
            });
  }

  int port() {
    return binding.localAddress().getPort();
  }

  /** Cuts every proxied connection at the TCP level. */
  int abortAll() {
    int n = 0;
    for (UniqueKillSwitch ks : open) {
      open.remove(ks);
      ks.abort(new IOException("simulated network failure"));
      n++;
    }
    return n;
  }

  CompletionStage<?> stop() {
    abortAll();
    return binding.unbind();
  }
}
