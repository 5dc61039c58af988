package io.kimp.core.settings;

import io.kimp.core.config.CoreSettings;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the strategy thresholds operators tune at runtime (a node-local holder, one per actor system).
 * The portfolio singleton owns the thresholds and publishes them on the {@value #TOPIC_NAME} topic when it starts, when
 * they change and periodically ({@code kimp.settings.republish-interval}) for nodes that joined or missed a message;
 * this extension runs the node's topic actor and a subscriber that keeps {@link #current()} at the newest revision.
 * Until the singleton is first heard from, the node uses its own configuration.
 *
 * <p>Readers call {@link #current()} on every decision (it is one volatile read): the cycle entities for the rebalance
 * threshold, the opportunity detector for the minimum spread. The holder starts with the cycle entities
 * ({@code ArbitrageCycle.init}), so a node keeps it current from start-up.
 */
public final class RuntimeSettings implements Extension {
  public static final String TOPIC_NAME = "kimp-strategy-thresholds";
  private static final Logger log = LoggerFactory.getLogger(RuntimeSettings.class);

  private final AtomicReference<StrategyThresholds> current;
  private volatile Instant heardAt;
  private final ActorRef<Topic.Command<StrategyThresholds>> topic;

  /** The extension's id: {@code RuntimeSettings.get(system)} is the way in. */
  public static final class Id extends ExtensionId<RuntimeSettings> {
    private static final Id INSTANCE = new Id();

    private Id() {}

    @Override
    public RuntimeSettings createExtension(ActorSystem<?> system) {
      return new RuntimeSettings(system);
    }
  }

  public static RuntimeSettings get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  private RuntimeSettings(ActorSystem<?> system) {
    this.current =
        new AtomicReference<>(
            CoreSettings.portfolio(system.settings().config()).thresholds(StrategyThresholds.FROM_LOCAL_CONFIG));
    this.topic = ClusterTopics.follow(system, StrategyThresholds.class, TOPIC_NAME, "thresholds", this::accept);
  }

  /** The thresholds in force on this node now. */
  public StrategyThresholds current() {
    return current.get();
  }

  public BigDecimal minSpreadPercent() {
    return current.get().minSpreadPercent();
  }

  public BigDecimal finalizerMinProfitPercent() {
    return current.get().finalizerMinProfitPercent();
  }

  /** When the singleton's thresholds last reached this node; empty while the node runs on its own configuration. */
  public Optional<Instant> heardAt() {
    return Optional.ofNullable(heardAt);
  }

  /** Sends {@code thresholds} to every node's holder (this one included). Called by the portfolio singleton. */
  public void publish(StrategyThresholds thresholds) {
    topic.tell(Topic.publish(thresholds));
  }

  /** Takes {@code t} unless this node already holds a newer revision. */
  void accept(StrategyThresholds t) {
    heardAt = Instant.now();
    StrategyThresholds before = current.getAndAccumulate(t, (old, n) -> n.revision() >= old.revision() ? n : old);
    StrategyThresholds after = current.get();
    if (!sameValues(before, after)) {
      log.info(
          "strategy thresholds now: min spread {} %, finalizer min profit {} % (revision {})",
          after.minSpreadPercent().toPlainString(), after.finalizerMinProfitPercent().toPlainString(),
          after.revision());
    }
  }

  private static boolean sameValues(StrategyThresholds a, StrategyThresholds b) {
    return a.minSpreadPercent().compareTo(b.minSpreadPercent()) == 0
        && a.finalizerMinProfitPercent().compareTo(b.finalizerMinProfitPercent()) == 0;
  }
}
