package io.kimp.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Helpers of the offline tools (journal, projections): they run a local actor system, not a cluster node. */
final class Tools {
  private Tools() {}

  /** The node's configuration turned into a local, quiet actor system's. */
  static Config localSystemConfig(Config c) {
    return ConfigFactory.parseString(
            "pekko.actor.provider = local\n"
                + "pekko.loglevel = WARNING\n"
                + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n")
        .withFallback(c);
  }
}
