package io.kimp.app.node;

import io.kimp.app.operator.OperatorActions.Health;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Management readiness ({@code GET /ready}): this node is an Up member and the journal's database answers. A node that
 * cannot write events must not be sent work (Kubernetes keeps it out of the admin Service until it can).
 */
public final class KimpReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private static final Logger log = LoggerFactory.getLogger(KimpReadinessCheck.class);
  private final ActorSystem system;

  public KimpReadinessCheck(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    MemberStatus status = Cluster.get(system).selfMember().status();
    if (status != MemberStatus.up()) {
      return CompletableFuture.completedFuture(false);
    }
    DataSource journal = system.registerExtension(NodeProbes.ID).journal();
    if (journal == null) {
      return CompletableFuture.completedFuture(false);
    }
    // a JDBC round trip: off the default dispatcher
    return CompletableFuture.supplyAsync(() -> {
      var health = NodeHealth.journal(journal);
      if (health.health() != Health.UP) {
        log.warn("not ready: journal {}", health.detail());
      }
      return health.health() == Health.UP;
    }, system.dispatchers().lookup("pekko.actor.default-blocking-io-dispatcher"));
  }
}
