package io.kimp.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.node.GoneMemberDowning.Probe;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GoneMemberDowningTest {

  private final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterEach
  void stopSystems() {
    systems.forEach(ActorSystem::terminate);
    systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
  }

  @Test
  void aListeningPortIsListeningAndAClosedOneRefuses() throws Exception {
    int port;
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = open.getLocalPort();
      assertThat(GoneMemberDowning.probe("127.0.0.1", port, Duration.ofSeconds(1))).isEqualTo(Probe.LISTENING);
    }
    assertThat(GoneMemberDowning.probe("127.0.0.1", port, Duration.ofSeconds(1))).isEqualTo(Probe.REFUSED);
  }

  /** A frozen JVM never calls accept(): the kernel still completes the handshake, so it is not mistaken for gone. */
  @Test
  void aPortWhoseOwnerNeverAcceptsIsStillListening() throws Exception {
    try (ServerSocket frozen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 3; i++) {
        assertThat(GoneMemberDowning.probe("127.0.0.1", frozen.getLocalPort(), Duration.ofMillis(300)))
            .isNotEqualTo(Probe.REFUSED);
      }
    }
  }

  @Test
  void anUnresolvableHostConcludesNothing() {
    assertThat(GoneMemberDowning.probe("no-such-host.invalid", 2552, Duration.ofMillis(300))).isEqualTo(Probe.UNKNOWN);
  }

  @Test
  void onlyANodeThatReachesAStrictMajorityWithoutTheSuspectMayDownIt() {
    Address a = new Address("pekko", "kimp", "127.0.0.1", 1);
    Address b = new Address("pekko", "kimp", "127.0.0.1", 2);
    Address c = new Address("pekko", "kimp", "127.0.0.1", 3);
    Address d = new Address("pekko", "kimp", "127.0.0.1", 4);
    // three members, c killed: a and b remain, 2 of 3
    assertThat(GoneMemberDowning.mayDown(c, 2, 2, Set.of(a, b, c), Set.of())).isTrue();
    assertThat(GoneMemberDowning.mayDown(c, 2, 2, Set.of(a, b, c), Set.of(c))).isTrue();
    // not yet refused often enough
    assertThat(GoneMemberDowning.mayDown(c, 1, 2, Set.of(a, b, c), Set.of())).isFalse();
    // b is unreachable too: this node alone is 1 of 3, the minority side of a partition that answers with refusals
    assertThat(GoneMemberDowning.mayDown(c, 5, 2, Set.of(a, b, c), Set.of(b, c))).isFalse();
    // two members: the survivor is half, not a majority; the split brain resolver decides
    assertThat(GoneMemberDowning.mayDown(b, 5, 2, Set.of(a, b), Set.of())).isFalse();
    // four members, one gone: 3 of 4
    assertThat(GoneMemberDowning.mayDown(d, 2, 2, Set.of(a, b, c, d), Set.of(d))).isTrue();
    // not a member (any more)
    assertThat(GoneMemberDowning.mayDown(d, 2, 2, Set.of(a, b, c), Set.of())).isFalse();
  }

  /**
   * Three members on loopback whose split brain resolver would wait a minute before downing anyone; one of them stops
   * without leaving (its remoting port closes, as a killed JVM's does). The two others down it and, once their failure
   * detector marks it unreachable (a Down member is removed only then), remove it long before the resolver could have
   * acted: only the refused connections can have downed it. (With the prober not started this test fails.)
   */
  @Test
  void aMemberWhoseProcessIsGoneIsDownedAndRemovedByTheOthers() {
    ActorSystem<?> first = node(false);
    ActorSystem<?> second = node(false);
    ActorSystem<?> victim = node(true);
    Address seed = Cluster.get(first).selfMember().address();
    for (ActorSystem<?> s : List.of(first, second, victim)) {
      Cluster.get(s).manager().tell(new Join(seed));
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (ActorSystem<?> s : List.of(first, second, victim)) {
        assertThat(upMembers(s)).hasSize(3);
      }
    });
    GoneMemberDowning.Settings settings = new GoneMemberDowning.Settings(true, Duration.ofMillis(100),
        Duration.ofSeconds(1), 2);
    GoneMemberDowning.start(first, settings);
    GoneMemberDowning.start(second, settings);
    Address gone = Cluster.get(victim).selfMember().address();

    victim.terminate(); // no CoordinatedShutdown, no leave: the port just closes
    victim.getWhenTerminated().toCompletableFuture().join();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (ActorSystem<?> s : List.of(first, second)) {
        assertThat(StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
            .map(m -> m.address())).doesNotContain(gone);
        assertThat(upMembers(s)).hasSize(2);
      }
    });
  }

  private static List<Address> upMembers(ActorSystem<?> s) {
    return StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .map(m -> m.address())
        .toList();
  }

  private ActorSystem<?> node(boolean dieWithoutLeaving) {
    Config c = ConfigFactory.parseString("""
        pekko.loglevel = WARNING
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
        pekko.cluster.jmx.enabled = off
        pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
        pekko.cluster.split-brain-resolver.stable-after = 60s
        pekko.cluster.failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 3s }
        pekko.cluster.leader-actions-interval = 250ms
        pekko.coordinated-shutdown.run-by-actor-system-terminate = %s
        """.formatted(dieWithoutLeaving ? "off" : "on")).withFallback(ConfigFactory.load());
    ActorSystem<?> s = ActorSystem.create(Behaviors.empty(), "kimp-gone", c);
    if (!dieWithoutLeaving) {
      systems.add(s);
    }
    return s;
  }
}
