package io.kimp.app.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterFormationTest {

  private static Config load(String operator) {
    return KimpConfig.load(ConfigFactory.empty(), ConfigFactory.parseString(operator));
  }

  @Test
  void aNodeWithNoClusterSettingsJoinsItselfWithoutManagement() {
    ClusterFormation f = ClusterFormation.fromConfig(load(""));
    assertThat(f.management()).isFalse();
    assertThat(f.bootstrap()).isFalse();
    assertThat(f.seedNodes()).isEmpty();
    assertThat(f.joinSelfWhenAlone()).isTrue();
  }

  @Test
  void bootstrapWithoutManagementFailsAtLoadNamingTheKey() {
    assertThatThrownBy(() -> load("kimp.cluster.bootstrap.enabled = on"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kimp.cluster.bootstrap.enabled")
        .hasMessageContaining("kimp.cluster.management.enabled");
  }

  @Test
  void bootstrapAndSeedNodesTogetherFailAtLoad() {
    assertThatThrownBy(() -> load("kimp.cluster { management.enabled = on, bootstrap.enabled = on }\n"
            + "pekko.cluster.seed-nodes = [\"pekko://kimp@127.0.0.1:2551\"]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("seed-nodes");
  }

  @Test
  void theSplitBrainResolverKeepsTheMajorityAfterFourStableSeconds() {
    Config c = load("");
    assertThat(c.getString("pekko.cluster.downing-provider-class")).endsWith("SplitBrainResolverProvider");
    assertThat(c.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
    assertThat(c.getDuration("pekko.cluster.split-brain-resolver.stable-after")).hasSeconds(4);
    assertThat(c.getString("pekko.cluster.split-brain-resolver.down-all-when-unstable")).isEqualTo("on");
    assertThat(c.getString("pekko.management.health-checks.readiness-checks.kimp"))
        .isEqualTo(KimpReadinessCheck.class.getName());
    assertThat(c.getString("pekko.management.health-checks.liveness-checks.kimp"))
        .isEqualTo(KimpLivenessCheck.class.getName());
  }

  /**
   * The failover budget of docs/CLUSTER.md: a killed node is suspected after ~4 s and downed 4-5 s later, its shards
   * start elsewhere 2 s after its removal; the margin never exceeds stable-after (Pekko's rule for
   * down-all-when-unstable) and a heartbeat may be late 6 intervals before phi climbs.
   */
  @Test
  void failureDetectionAndRemovalMarginFitTheFailoverBudget() {
    Config c = load("");
    assertThat(c.getDuration("pekko.cluster.failure-detector.heartbeat-interval")).hasMillis(500);
    assertThat(c.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause")).hasSeconds(3);
    assertThat(c.getDuration("pekko.cluster.down-removal-margin")).hasSeconds(2);
    assertThat(c.getDuration("pekko.cluster.gossip-interval")).hasMillis(500);
    assertThat(c.getDuration("pekko.cluster.down-removal-margin"))
        .isLessThanOrEqualTo(c.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
    assertThat(c.getDuration("pekko.cluster.sharding.retry-interval")).hasMillis(500);
    assertThat(c.getDuration("pekko.cluster.sharding.waiting-for-state-timeout")).hasSeconds(5);
  }

  /** {@code kimp run --config local1.conf}: a bare file name, whose include must still be found next to it. */
  @Test
  void anIncludeInAConfigFileGivenByBareNameIsFoundNextToIt() throws java.io.IOException {
    String name = "cluster-formation-test-" + java.util.UUID.randomUUID();
    Path node = Path.of(name + "-node.conf");
    Path shared = Path.of(name + "-shared.conf");
    try {
      java.nio.file.Files.writeString(shared, "kimp.cluster.management.enabled = on\n");
      java.nio.file.Files.writeString(node, "include \"" + shared + "\"\n");
      assertThat(node.getParent()).isNull();
      Config c = KimpConfig.load(node, Map.of());
      assertThat(c.getBoolean("kimp.cluster.management.enabled")).isTrue();
    } finally {
      java.nio.file.Files.deleteIfExists(node);
      java.nio.file.Files.deleteIfExists(shared);
    }
  }

  @Test
  void theThreeLocalNodeFilesFormOneClusterOnDistinctPorts() {
    for (int i = 1; i <= 3; i++) {
      Config c = KimpConfig.load(Path.of("..", "local" + i + ".conf"), Map.of());
      ClusterFormation f = ClusterFormation.fromConfig(c);
      assertThat(f.management()).isTrue();
      assertThat(f.bootstrap()).isTrue();
      assertThat(c.getString("kimp.db.url")).startsWith("jdbc:postgresql:");
      assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(2550 + i);
      assertThat(c.getInt("pekko.management.http.port")).isEqualTo(9100 + i);
      assertThat(c.getInt("kimp.admin.port")).isEqualTo(8080 + i);
      assertThat(c.getString("kimp.data-dir")).isEqualTo("data/local" + i);
      assertThat(c.getString("kimp.paper.ledger-file")).startsWith("data/local" + i + "/");
      assertThat(c.getConfigList("pekko.discovery.config.services.kimp.endpoints")).hasSize(3);
      assertThat(c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
          .isEqualTo("config");
    }
  }
}
