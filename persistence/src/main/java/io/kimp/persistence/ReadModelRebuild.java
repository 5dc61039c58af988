package io.kimp.persistence;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.projection.ProjectionBehavior;
import io.kimp.core.cycle.ArbitrageCycle;

/**
 * Rebuilds the read tables from the journal: empties them, forgets the projection's offsets, runs the very projection the
 * nodes run until it has caught up with every tagged event, and stops it. Offsets are left where a node's projection
 * continues from.
 */
public final class ReadModelRebuild {
  private ReadModelRebuild() {}

  public record Result(long events, long cycles, long trades) {}

  public static CompletionStage<Result> run(ActorSystem<?> system, DataSource ds, Duration timeout) {
    Config c = system.settings().config();
    String name = c.getString("kimp.projection.name");
    int tags = c.getInt("kimp.cycle.projection-tags");
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            reset(ds, name);
            List<ActorRef<ProjectionBehavior.Command>> running = new ArrayList<>();
            for (int i = 0; i < tags; i++) {
              running.add(
                  system.systemActorOf(
                      ProjectionBehavior.create(CycleProjection.projection(system, ds, i)),
                      "rebuild-" + ArbitrageCycle.tag(i), Props.empty()));
            }
            Instant deadline = Instant.now().plus(timeout);
            while (!caughtUp(ds, name, tags)) {
              if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("projection did not catch up within " + timeout);
              }
              Thread.sleep(200); // polling the database from a plain thread, not an actor
            }
            running.forEach(r -> r.tell(ProjectionBehavior.stopMessage()));
            return new Result(count(ds, "SELECT COUNT(*) FROM event_tag"), count(ds, "SELECT COUNT(*) FROM arbitrage_cycles"),
                count(ds, "SELECT COUNT(*) FROM trades"));
          } catch (SQLException e) {
            throw new IllegalStateException("rebuild failed: " + e.getMessage(), e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
          }
        });
  }

  private static void reset(DataSource ds, String projection) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
          PreparedStatement p =
              c.prepareStatement("DELETE FROM pekko_projection_offset_store WHERE projection_name = ?")) {
        s.executeUpdate("DELETE FROM trades");
        s.executeUpdate("DELETE FROM arbitrage_cycles");
        p.setString(1, projection);
        p.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Every tag's stored offset has reached its newest tagged event. */
  static boolean caughtUp(DataSource ds, String projection, int tags) throws SQLException {
    try (Connection c = ds.getConnection()) {
      for (int i = 0; i < tags; i++) {
        String tag = ArbitrageCycle.tag(i);
        long newest;
        try (PreparedStatement p =
            c.prepareStatement(
                "SELECT COALESCE(MAX(j.ordering), 0) FROM event_journal j JOIN event_tag t ON t.event_id = j.ordering "
                    + "WHERE t.tag = ?")) {
          p.setString(1, tag);
          try (ResultSet rs = p.executeQuery()) {
            rs.next();
            newest = rs.getLong(1);
          }
        }
        if (newest == 0) {
          continue;
        }
        try (PreparedStatement p =
            c.prepareStatement(
                "SELECT current_offset FROM pekko_projection_offset_store WHERE projection_name = ? AND projection_key = ?")) {
          p.setString(1, projection);
          p.setString(2, tag);
          try (ResultSet rs = p.executeQuery()) {
            if (!rs.next() || Long.parseLong(rs.getString(1)) < newest) {
              return false;
            }
          }
        }
      }
      return true;
    }
  }

  private static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
