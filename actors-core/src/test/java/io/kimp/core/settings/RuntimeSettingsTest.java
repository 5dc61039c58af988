package io.kimp.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.portfolio.SizingRule;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node-local holder of the runtime strategy thresholds: it starts from the node's configuration, follows the
 * portfolio singleton's publications (at start, on change, periodically), never goes back to an older revision, and
 * settings persisted before the thresholds existed replay with the configured thresholds.
 */
class RuntimeSettingsTest {
  private ActorTestKit kit;

  private ActorTestKit kit(String extra) {
    kit = ActorTestKit.create(
        ConfigFactory.parseString(extra)
            .withFallback(EventSourcedBehaviorTestKit.config())
            .withFallback(ConfigFactory.load()));
    return kit;
  }

  @AfterEach
  void shutdown() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private static PortfolioSettings settings(String minSpread, String finalizer) {
    return new PortfolioSettings(new BigDecimal("1000000"), SizingRule.FIXED_AMOUNT, new BigDecimal("250000"),
        new BigDecimal("10"), new BigDecimal("10000"), 5, new BigDecimal("600000"), new BigDecimal("100000"),
        ZoneId.of("Asia/Seoul"), new BigDecimal(minSpread), new BigDecimal(finalizer));
  }

  private void awaitThresholds(RuntimeSettings holder, String minSpread, String finalizer, long revision) {
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      StrategyThresholds t = holder.current();
      assertThat(t.revision()).isEqualTo(revision);
      assertThat(t.minSpreadPercent()).isEqualByComparingTo(minSpread);
      assertThat(t.finalizerMinProfitPercent()).isEqualByComparingTo(finalizer);
      return null;
    });
  }

  @Test
  void startsFromTheNodesConfigurationUntilTheSingletonIsHeard() {
    RuntimeSettings holder =
        RuntimeSettings.get(kit("kimp.strategy.min-spread-percent = 0.7\n"
            + "kimp.strategy.finalizer-min-profit-percent = 0.2").system());
    assertThat(holder.current().revision()).isEqualTo(StrategyThresholds.FROM_LOCAL_CONFIG);
    assertThat(holder.minSpreadPercent()).isEqualByComparingTo("0.7");
    assertThat(holder.finalizerMinProfitPercent()).isEqualByComparingTo("0.2");
    assertThat(holder.heardAt()).isEmpty();
    assertThat(RuntimeSettings.get(kit.system())).isSameAs(holder);
  }

  @Test
  void followsThePortfolioAtStartAndOnEveryChangeButNeverAnOlderRevision() {
    kit("");
    RuntimeSettings holder = RuntimeSettings.get(kit.system());
    EventSourcedBehaviorTestKit<Portfolio.Command, Portfolio.Event, Portfolio.State> portfolio =
        EventSourcedBehaviorTestKit.create(
            kit.system(), Portfolio.create(settings("0.9", "0.3"), a -> {}, Clock.systemUTC()));
    // the singleton's own configuration wins over the node's once it has started (revision 0)
    awaitThresholds(holder, "0.9", "0.3", 0);
    assertThat(holder.heardAt()).isPresent();

    Portfolio.Snapshot s =
        portfolio.<Portfolio.Snapshot>runCommand(r -> new Portfolio.UpdateSettings(settings("1.5", "-0.2"), "ops", r))
            .reply();
    assertThat(s.settings().minSpreadPercent()).isEqualByComparingTo("1.5");
    awaitThresholds(holder, "1.5", "-0.2", 1);

    // a late message from before the change is ignored
    holder.accept(new StrategyThresholds(new BigDecimal("0.9"), new BigDecimal("0.3"), 0));
    assertThat(holder.minSpreadPercent()).isEqualByComparingTo("1.5");

    // the change survives the singleton's restart (it moves to another node the same way)
    portfolio.restart();
    assertThat(portfolio.getState().settingsRevision()).isEqualTo(1);
    awaitThresholds(holder, "1.5", "-0.2", 1);
  }

  @Test
  void theSingletonPublishesAgainPeriodically() {
    kit("kimp.settings.republish-interval = 100ms");
    RuntimeSettings holder = RuntimeSettings.get(kit.system());
    EventSourcedBehaviorTestKit.create(
        kit.system(), Portfolio.create(settings("0.9", "0.3"), a -> {}, Clock.systemUTC()));
    awaitThresholds(holder, "0.9", "0.3", 0);
    Instant first = holder.heardAt().orElseThrow();
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(holder.heardAt().orElseThrow()).isAfter(first.plusMillis(150));
      return null;
    });
  }

  @Test
  void settingsPersistedBeforeTheThresholdsExistedReplayWithTheConfiguredOnes() throws Exception {
    kit("");
    // a SettingsUpdated event as the journal holds it from before the thresholds were added
    Portfolio.SettingsUpdated old =
        withoutFields(
            new Portfolio.SettingsUpdated(settings("0.9", "0.3"), "ops", Instant.now()),
            "settings", "minSpreadPercent", "finalizerMinProfitPercent");
    assertThat(old.settings().minSpreadPercent()).isNull();
    assertThat(old.settings().capitalKrw()).isEqualByComparingTo("1000000");

    EventSourcedBehaviorTestKit<Portfolio.Command, Portfolio.Event, Portfolio.State> portfolio =
        EventSourcedBehaviorTestKit.create(
            kit.system(), Portfolio.create(settings("0.8", "0.25"), a -> {}, Clock.systemUTC()));
    portfolio.initialize(old);
    Portfolio.Snapshot s = portfolio.<Portfolio.Snapshot>runCommand(Portfolio.GetSnapshot::new).reply();
    assertThat(s.settings().capitalKrw()).isEqualByComparingTo("1000000");
    assertThat(s.settings().minSpreadPercent()).isEqualByComparingTo("0.8");
    assertThat(s.settings().finalizerMinProfitPercent()).isEqualByComparingTo("0.25");
    awaitThresholds(RuntimeSettings.get(kit.system()), "0.8", "0.25", 1);

    // a snapshot of the ledger from before the revision was counted
    Portfolio.State state = withoutFields(portfolio.getState(), null, "settingsRevision");
    assertThat(state.settingsRevision()).isZero();
    assertThat(state.settingsOverride().capitalKrw()).isEqualByComparingTo("1000000");
  }

  /**
   * {@code value} serialized as the journal stores it, with {@code fields} removed from its {@code in} object (null: the
   * top level), deserialized again: what an older version of kimp wrote.
   */
  @SuppressWarnings("unchecked")
  private <T> T withoutFields(T value, String in, String... fields) throws Exception {
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    byte[] bytes = serialization.serialize(value).get();
    int serializerId = serialization.findSerializerFor(value).identifier();
    String manifest = Serializers.manifestFor(serialization.findSerializerFor(value), value);
    ObjectMapper cbor =
        JacksonObjectMapperProvider.get(kit.system().classicSystem())
            .getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
    ObjectNode tree = (ObjectNode) cbor.readTree(bytes);
    ObjectNode target = in == null ? tree : (ObjectNode) tree.get(in);
    for (String f : fields) {
      assertThat(target.remove(f)).as(f).isNotNull();
    }
    return (T) serialization.deserialize(cbor.writeValueAsBytes(tree), serializerId, manifest).get();
  }
}
