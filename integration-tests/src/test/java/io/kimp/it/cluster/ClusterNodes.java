package io.kimp.it.cluster;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.core.cycle.ArbitrageCycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Several kimp nodes in one JVM, each an ActorSystem of its own on a loopback port, forming one cluster on one database:
 * the first joins itself, the others join it (as seed nodes would).
 */
final class ClusterNodes implements AutoCloseable {
  private final List<KimpNode> nodes = new ArrayList<>();

  /** Starts {@code n} nodes with {@code config} trading through what {@code components} gives each. */
  static ClusterNodes start(int n, Config config, Function<Integer, NodeComponents> components) {
    ClusterNodes c = new ClusterNodes();
    for (int i = 0; i < n; i++) {
      c.add(config, components.apply(i));
    }
    c.awaitMembersUp(n);
    return c;
  }

  /** Starts one more node and joins it to the cluster (the first one joins itself). */
  KimpNode add(Config config, NodeComponents components) {
    KimpNode first = live().isEmpty() ? null : live().get(0);
    Config c = first == null ? config : ConfigFactory.parseString("kimp.node.join-self-when-alone = off").withFallback(config);
    KimpNode node = KimpNode.start(c, components);
    if (first != null) {
      Cluster.get(node.system()).manager().tell(Join.create(Cluster.get(first.system()).selfMember().address()));
    }
    nodes.add(node);
    return node;
  }

  List<KimpNode> live() {
    return nodes.stream().filter(n -> !n.system().whenTerminated().isCompleted()).toList();
  }

  KimpNode get(int i) {
    return nodes.get(i);
  }

  /** Every live node sees {@code n} members, all Up. */
  void awaitMembersUp(int n) {
    await().atMost(Duration.ofSeconds(60)).until(() -> live().stream().allMatch(node -> {
      int up = 0;
      for (Member m : Cluster.get(node.system()).state().getMembers()) {
        if (m.status() == MemberStatus.up()) {
          up++;
        }
      }
      return up == n;
    }));
  }

  /** The symbols whose cycle entities run on {@code node} now. */
  static Set<String> cycleEntitiesOn(KimpNode node) {
    try {
      ShardRegion.CurrentShardRegionState state =
          AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                  ClusterSharding.get(node.system()).shardState(),
                  replyTo -> new GetShardRegionState(ArbitrageCycle.ENTITY_KEY, replyTo),
                  Duration.ofSeconds(5),
                  node.system().scheduler())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      Set<String> ids = new TreeSet<>();
      for (ShardRegion.ShardState s : state.getShards()) {
        ids.addAll(s.getEntityIds());
      }
      return ids;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the cluster singleton {@code name} runs on {@code node} (its actor exists there). */
  static boolean runsSingleton(KimpNode node, String name) {
    try {
      ActorRef ref =
          node.system().classicSystem().actorSelection("/system/singletonManager" + name + "/" + name)
              .resolveOne(Duration.ofSeconds(1)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      return ref != null;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (KimpNode n : nodes) {
      n.close();
    }
  }
}
