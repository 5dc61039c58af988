package io.kimp.it;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import io.kimp.app.config.KimpSettings;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.MarketView;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.venue.Venues;
import io.kimp.persistence.CycleProjection;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import io.kimp.persistence.ReadSideDataSource;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * The cycle side of a node on a real journal, wired by hand: the cycle entities (sharded), the portfolio, the dead-letter
 * queue and the read-side projection, with the given venues as they are, the futures venue included. {@code KimpNode}
 * wraps the venues in metering that keeps only the spot gateways until the hedge is wired into {@code app}, so the
 * hedge's crash tests start this instead; the journal, serialization, sharding and recovery are the node's own.
 */
final class HedgeTestNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final HikariDataSource readSide;
  private final CycleDirectory cycles;

  private HedgeTestNode(ActorSystem<Void> system, HikariDataSource readSide, CycleDirectory cycles) {
    this.system = system;
    this.readSide = readSide;
    this.cycles = cycles;
  }

  static HedgeTestNode start(Config config, Venues venues, MarketView market, AlertSink alerts) {
    KimpSettings settings = KimpSettings.from(config);
    DatabaseSettings db = settings.storage().database();
    Migrations.migrate(db);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), settings.node().systemName(), config);
    try {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> cluster.selfMember().status() == org.apache.pekko.cluster.MemberStatus.up());
      HikariDataSource readSide = ReadSideDataSource.create(db, "kimp-read-side");
      Clock clock = Clock.systemUTC();
      ActorRef<Portfolio.Command> portfolio =
          system.systemActorOf(Portfolio.create(settings.portfolio(), alerts, clock), "portfolio", Props.empty());
      CycleDirectory cycles = ArbitrageCycle.directory(system, settings.node().askTimeout());
      ActorRef<DeadLetterQueue.Command> deadLetters =
          system.systemActorOf(DeadLetterQueue.create(cycles, alerts, clock), "dead-letters", Props.empty());
      ArbitrageCycle.init(system,
          new ArbitrageCycle.Dependencies(new CycleRules(settings.cycle()), venues, market, portfolio, deadLetters,
              alerts, clock, settings.node().askTimeout(), settings.node().passivateAfterIdle(),
              settings.node().projectionTags()));
      CycleProjection.init(system, readSide);
      return new HedgeTestNode(system, readSide, cycles);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  CycleDirectory cycles() {
    return cycles;
  }

  javax.sql.DataSource readSide() {
    return readSide;
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not stop", e);
    } finally {
      readSide.close();
    }
  }
}
