package io.kimp.persistence;

import com.typesafe.config.Config;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleEvent;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.ExactlyOnceProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The read-side projection of cycle events into {@code arbitrage_cycles} and {@code trades}: one projection instance per
 * event tag, spread over the cluster by a sharded daemon process, exactly-once (offsets committed with the updates).
 */
public final class CycleProjection {
  private CycleProjection() {}

  /** Starts the projection instances in the cluster (once per cluster; sharding places them). */
  public static void init(ActorSystem<?> system, DataSource dataSource) {
    Config c = system.settings().config();
    int tags = c.getInt("kimp.cycle.projection-tags");
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            c.getString("kimp.projection.name"),
            tags,
            i -> ProjectionBehavior.create(projection(system, dataSource, i)),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
  }

  /** The projection of one tag. */
  public static ExactlyOnceProjection<Offset, EventEnvelope<CycleEvent>> projection(
      ActorSystem<?> system, DataSource dataSource, int index) {
    Config c = system.settings().config();
    String tag = ArbitrageCycle.tag(index);
    SourceProvider<Offset, EventEnvelope<CycleEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), tag);
    Duration min = c.getDuration("kimp.projection.restart-backoff.min");
    Duration max = c.getDuration("kimp.projection.restart-backoff.max");
    double random = c.getDouble("kimp.projection.restart-backoff.random-factor");
    return JdbcProjection.exactlyOnce(
            ProjectionId.of(c.getString("kimp.projection.name"), tag),
            source,
            () -> new KimpJdbcSession(dataSource),
            CycleReadModelHandler::new,
            system)
        .withRestartBackoff(min, max, random);
  }
}
