package io.kimp.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.market.Venue;
import io.kimp.gateway.http.VenueBackoff;
import io.kimp.gateway.limit.KeyLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Leave;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three cluster members in one JVM, each with its own {@link KeyLimits} kept by {@link ClusterKeyLimits}: the share is
 * recomputed as members join and leave, and a back-off one node draws pauses the other nodes' gateways (their registered
 * {@link VenueBackoff}s) through the cluster topic.
 */
class ClusterKeyLimitsTest {
  private final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterEach
  void stop() {
    systems.forEach(ActorSystem::terminate);
    systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
  }

  private record Node(ActorSystem<?> system, KeyLimits limits, VenueBackoff upbit, VenueBackoff binance) {}

  private Node node() {
    Config c = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.enabled = off
        pekko.cluster.leader-actions-interval = 250ms
        pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
        pekko.cluster.split-brain-resolver.stable-after = 2s
        pekko.cluster.failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 3s }
        """).withFallback(ConfigFactory.load());
    ActorSystem<?> s = ActorSystem.create(Behaviors.empty(), "kimp-limits", c);
    systems.add(s);
    KeyLimits limits = KeyLimits.standalone();
    VenueBackoff upbit = new VenueBackoff(Venue.UPBIT, Clock.systemUTC());
    VenueBackoff binance = new VenueBackoff(Venue.BINANCE, Clock.systemUTC());
    limits.register(Venue.UPBIT, upbit);
    limits.register(Venue.BINANCE, binance);
    ClusterKeyLimits.start(s, limits, new SimpleMeterRegistry(), 1);
    return new Node(s, limits, upbit, binance);
  }

  @Test
  void sharesFollowMembershipAndABackoffReachesEveryNode() {
    List<Node> nodes = List.of(node(), node(), node());
    Address seed = Cluster.get(nodes.get(0).system()).selfMember().address();
    nodes.forEach(n -> Cluster.get(n.system()).manager().tell(new Join(seed)));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (Node n : nodes) {
        assertThat(n.limits().share().members()).isEqualTo(3);
        assertThat(n.limits().share().of(30)).as("30 x 0.8 / 3").isEqualTo(8);
      }
    });

    // the topic's subscriptions travel through the receptionist: announce until node 1 and 2 have heard it
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      nodes.get(0).limits().announce(Venue.UPBIT, Duration.ofMinutes(5), 429);
      assertThat(nodes.get(1).upbit().remaining()).isPresent();
      assertThat(nodes.get(2).upbit().remaining()).isPresent();
    });
    assertThat(nodes.get(1).upbit().remaining().orElseThrow()).isGreaterThan(Duration.ofMinutes(4));
    assertThat(nodes.get(1).binance().remaining()).as("only the venue that asked").isEmpty();
    assertThat(nodes.get(0).upbit().remaining()).as("the sender paused itself already; its own echo is ignored")
        .isEmpty();

    Node leaving = nodes.get(2);
    Cluster.get(leaving.system()).manager().tell(new Leave(Cluster.get(leaving.system()).selfMember().address()));
    // a leaving member counts until it is exiting (its shards handed off)
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (Node n : nodes.subList(0, 2)) {
        assertThat(n.limits().share().members()).isEqualTo(2);
        assertThat(n.limits().share().of(30)).as("30 x 0.8 / 2").isEqualTo(12);
      }
    });
    assertThat(Cluster.get(nodes.get(0).system()).selfMember().status()).isEqualTo(MemberStatus.up());
  }
}
