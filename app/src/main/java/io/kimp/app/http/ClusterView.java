package io.kimp.app.http;

import io.kimp.core.cycle.ArbitrageCycle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * {@code GET /api/v1/cluster}: the members as this node sees them (status, roles, reachability, leader) and, per node,
 * the shards and cycle entities it hosts (sharding's cluster-wide statistics for the {@code ArbitrageCycle} type).
 */
final class ClusterView {
  private final ActorSystem<?> system;
  private final Duration statsTimeout;

  ClusterView(ActorSystem<?> system, Duration statsTimeout) {
    this.system = system;
    this.statsTimeout = statsTimeout;
  }

  CompletionStage<Map<String, Object>> view() {
    CompletionStage<ShardRegion.ClusterShardingStats> stats =
        AskPattern.ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetClusterShardingStats(ArbitrageCycle.ENTITY_KEY, statsTimeout, replyTo),
            statsTimeout.plusSeconds(1),
            system.scheduler());
    return stats.thenApply(this::render);
  }

  private Map<String, Object> render(ShardRegion.ClusterShardingStats stats) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    List<Map<String, Object>> members = new ArrayList<>();
    List<Member> sorted = new ArrayList<>();
    state.getMembers().forEach(sorted::add);
    sorted.sort(Comparator.comparing(m -> m.address().toString()));
    for (Member m : sorted) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("address", m.address().toString());
      row.put("status", m.status().toString());
      row.put("roles", m.getRoles().stream().sorted().toList());
      row.put("dataCenter", m.dataCenter());
      row.put("reachable", !state.getUnreachable().contains(m));
      row.put("self", m.equals(cluster.selfMember()));
      members.add(row);
    }
    List<Map<String, Object>> regions = new ArrayList<>();
    Map<Address, ShardRegion.ShardRegionStats> byNode = new TreeMap<>(Comparator.comparing(Address::toString));
    byNode.putAll(stats.getRegions());
    for (Map.Entry<Address, ShardRegion.ShardRegionStats> e : byNode.entrySet()) {
      Map<String, Integer> shards = new TreeMap<>();
      e.getValue().getStats().forEach((shard, n) -> shards.put(shard, ((Number) n).intValue()));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("address", e.getKey().toString());
      row.put("shards", shards.size());
      row.put("entities", shards.values().stream().mapToInt(Integer::intValue).sum());
      row.put("entitiesPerShard", shards);
      row.put("failedShards", e.getValue().getFailed().stream().sorted().toList());
      regions.add(row);
    }
    Map<String, Object> sharding = new LinkedHashMap<>();
    sharding.put("entityType", ArbitrageCycle.ENTITY_KEY.name());
    sharding.put("regions", regions);
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("self", cluster.selfMember().address().toString());
    view.put("leader", state.getLeader() == null ? null : state.getLeader().toString());
    view.put("members", members);
    view.put("sharding", sharding);
    return view;
  }
}
