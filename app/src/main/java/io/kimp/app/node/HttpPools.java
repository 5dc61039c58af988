package io.kimp.app.node;

import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;

/**
 * The node's HTTP client pools (the venues' REST, Telegram, the symbol list, the exchange rate) are shut down before the
 * actor system terminates. A pool still open when the system's streams stop is torn down under it, and Pekko HTTP
 * reports each as an ERROR with a stack trace ("connection pool … has shut down unexpectedly") on the way out
 * (apache/pekko-http#587): an operator stopping a live node would read a stack trace at every stop.
 */
final class HttpPools {
  private HttpPools() {}

  /**
   * Registers the pools' shutdown with the system's coordinated shutdown, after the cluster's phases (no cycle is still
   * running on this node then) and before the system terminates.
   */
  static void shutDownBeforeTermination(ActorSystem<?> system) {
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "shut-down-http-client-pools",
        () -> Http.get(system).shutdownAllConnectionPools().thenApply(unit -> Done.getInstance()));
  }
}
