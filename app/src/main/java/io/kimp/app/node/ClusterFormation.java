package io.kimp.app.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node becomes a member: through Cluster Bootstrap (contact points found by Pekko Discovery), through the configured
 * seed nodes (Pekko joins them by itself), or, with neither, by joining itself — a single node works with no cluster
 * settings at all. Pekko Management (probes, cluster routes, the bootstrap contact point) starts first when enabled.
 *
 * @param seedNodes {@code pekko.cluster.seed-nodes}
 */
public record ClusterFormation(boolean management, boolean bootstrap, List<String> seedNodes, boolean joinSelfWhenAlone) {
  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);

  /** Reads and checks the formation settings; a contradiction fails naming its key. */
  public static ClusterFormation fromConfig(Config c) {
    ClusterFormation f =
        new ClusterFormation(
            c.getBoolean("kimp.cluster.management.enabled"),
            c.getBoolean("kimp.cluster.bootstrap.enabled"),
            c.getStringList("pekko.cluster.seed-nodes"),
            c.getBoolean("kimp.node.join-self-when-alone"));
    if (f.bootstrap && !f.management) {
      throw new ConfigException.BadValue("kimp.cluster.bootstrap.enabled",
          "Cluster Bootstrap needs Pekko Management: set kimp.cluster.management.enabled = on");
    }
    if (f.bootstrap && !f.seedNodes.isEmpty()) {
      throw new ConfigException.BadValue("kimp.cluster.bootstrap.enabled",
          "use either Cluster Bootstrap or pekko.cluster.seed-nodes, not both");
    }
    return f;
  }

  /** Starts management (if enabled, waiting for its port) and the chosen way of joining. */
  public void start(ActorSystem<?> system) {
    if (management) {
      try {
        Object uri = PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        log.info("Pekko Management on {}", uri);
      } catch (Exception e) {
        throw new IllegalStateException("Pekko Management could not start (pekko.management.http.hostname/port): "
            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
      }
    }
    Cluster cluster = Cluster.get(system);
    if (bootstrap) {
      log.info("joining through Cluster Bootstrap");
      ClusterBootstrap.get(system).start();
    } else if (!seedNodes.isEmpty()) {
      log.info("joining seed nodes {}", seedNodes);
    } else if (joinSelfWhenAlone) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
  }
}
