package io.kimp.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kimp.core.market.Direction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An {@link Opportunity} crosses nodes (CBOR): the hedge's fields travel, and one from a node that does not know them yet
 * reads as unhedged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpportunityWireTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final Serialization serialization = SerializationExtension.get(kit.system().classicSystem());

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private final Opportunity hedged =
      new Opportunity("XRP", Direction.KIMCHI, 3.1, 2.7, new BigDecimal("1000000"), new BigDecimal("2.5"),
          new BigDecimal("3600"), new BigDecimal("1400"), Instant.ofEpochMilli(1_700_000_000_000L), true, 0.151, 0.006);

  @Test
  void theHedgesFieldsTravel() throws Exception {
    byte[] bytes = serialization.serialize(hedged).get();
    Object back = serialization.deserialize(bytes, Opportunity.class).get();
    assertThat(back).isEqualTo(hedged);
  }

  @Test
  void anOpportunityWithoutThemReadsAsUnhedged() throws Exception {
    byte[] bytes = serialization.serialize(hedged).get();
    int id = serialization.findSerializerFor(hedged).identifier();
    String manifest = Serializers.manifestFor(serialization.findSerializerFor(hedged), hedged);
    ObjectMapper cbor =
        JacksonObjectMapperProvider.get(kit.system().classicSystem())
            .getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
    ObjectNode tree = (ObjectNode) cbor.readTree(bytes);
    for (String f : new String[] {"hedged", "hedgeCostPercent", "fundingPercent"}) {
      assertThat(tree.remove(f)).as(f).isNotNull();
    }
    Opportunity old = (Opportunity) serialization.deserialize(cbor.writeValueAsBytes(tree), id, manifest).get();
    assertThat(old.hedged()).isFalse();
    assertThat(old.hedgeCostPercent()).isZero();
    assertThat(old.symbol()).isEqualTo("XRP");
    assertThat(old.netEdgePercent()).isEqualTo(2.7);
  }
}
