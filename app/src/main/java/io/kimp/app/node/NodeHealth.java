package io.kimp.app.node;

import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.app.operator.OperatorActions.Health;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** Health probes of a node's own dependencies. */
final class NodeHealth {
  private NodeHealth() {}

  /** The journal's database answers. */
  static ComponentHealth journal(DataSource ds) {
    try (Connection c = ds.getConnection()) {
      return c.isValid(2)
          ? new ComponentHealth("journal", Health.UP, "database answers")
          : new ComponentHealth("journal", Health.DOWN, "connection not valid");
    } catch (SQLException e) {
      return new ComponentHealth("journal", Health.DOWN, e.getMessage());
    }
  }

  /** This node is an Up member and sees every other member. */
  static ComponentHealth cluster(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    MemberStatus status = cluster.selfMember().status();
    int unreachable = cluster.state().getUnreachable().size();
    int members = 0;
    for (Object ignored : cluster.state().getMembers()) {
      members++;
    }
    String detail = "self " + status + ", " + members + " members, " + unreachable + " unreachable";
    if (status != MemberStatus.up()) {
      return new ComponentHealth("cluster", Health.DOWN, detail);
    }
    return new ComponentHealth("cluster", unreachable > 0 ? Health.DEGRADED : Health.UP, detail);
  }
}
