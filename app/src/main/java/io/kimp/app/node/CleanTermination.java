package io.kimp.app.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM as systemd and Kubernetes send it to stop a service: the node leaves the cluster and stops cleanly (the
 * coordinated shutdown, run by the JVM's shutdown hook) and the process exits with code 0. Without this the JVM exits
 * with 143 (128 + SIGTERM) after the same clean stop, which both count as a failed stop. A second signal or SIGKILL
 * still ends the process at once; SIGINT (Ctrl-C) keeps the JVM's behaviour.
 */
public final class CleanTermination {
  private static final Logger log = LoggerFactory.getLogger(CleanTermination.class);

  private CleanTermination() {}

  /** For the long-running node command only: a batch command stopped by SIGTERM must not report success. */
  @SuppressWarnings("removal")
  public static void onSigtermExitZero() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
        log.info("SIGTERM: leaving the cluster and stopping; exit code 0 once stopped");
        // System.exit runs the shutdown hooks (the coordinated shutdown: cluster leave, unbind, journal flush) and
        // exits with 0 when they are done
        new Thread(() -> System.exit(0), "kimp-sigterm").start();
      });
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      log.debug("SIGTERM handler not installed (the JVM's exit code 143 stays): {}", e.toString());
    }
  }
}
