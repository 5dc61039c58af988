package io.kimp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.fixtures.db.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short variant of {@code kimp bench durability}: a real {@code kimp run --simulate --faults} node from the jar this
 * build packaged, killed with {@code kill -9} while its cycles write, restarted, with {@code kimp journal} and
 * {@code kimp projections rebuild} in separate JVMs in between, on H2 and on PostgreSQL. Nothing acknowledged may be
 * lost; and a journal that does lose acknowledged events is caught.
 */
class DurabilityBenchTest {
  private static final Path JAR = Path.of("..", "app", "target", "kimp.jar");

  private static DurabilityBench bench(int rounds, long seed) {
    assertThat(Files.isRegularFile(JAR)).as("the kimp jar (the app module's package phase makes it) at "
        + JAR.toAbsolutePath()).isTrue();
    return DurabilityBench.of(JAR, rounds, seed, Duration.ofSeconds(5)).minRun(Duration.ofSeconds(2));
  }

  private static void assertNothingLost(DurabilityBench.Result r, int rounds) {
    assertThat(r.rounds()).isEqualTo(rounds);
    assertThat(r.startFailures()).as("node start failures").isZero();
    assertThat(r.acknowledged()).as("events the node acknowledged").isPositive();
    assertThat(r.lost()).as("acknowledged events lost (" + r.firstProblem() + ")").isZero();
    assertThat(r.gaps()).as("sequence gaps").isZero();
    assertThat(r.readModelMismatches()).as("read-model rows unlike the rebuild (" + r.firstProblem() + ")").isZero();
    assertThat(r.offlineFailures()).as("offline reads that failed (" + r.firstProblem() + ")").isZero();
    assertThat(r.journalEvents()).isGreaterThanOrEqualTo(r.acknowledged());
  }

  @Test
  void killedH2NodeLosesNoAcknowledgedEvent() throws Exception {
    assertNothingLost(bench(2, 11).run("h2"), 2);
  }

  @Test
  void killedPostgresNodeLosesNoAcknowledgedEvent() throws Exception {
    TestDatabases.assumePostgres();
    assertNothingLost(bench(2, 12).run("postgres"), 2);
  }

  /** The bench can fail: the newest cycle events deleted behind the node's back after a kill are reported lost. */
  @Test
  void eventsRemovedFromTheJournalAreReportedLost() throws Exception {
    DurabilityBench.Result r = bench(1, 13)
        .tamperBetweenRounds((url, user, round) -> {
          try (Connection c = DriverManager.getConnection(url, user, "");
              Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM event_journal WHERE ordering IN (SELECT ordering FROM event_journal "
                + "WHERE persistence_id LIKE 'ArbitrageCycle|%' ORDER BY ordering DESC LIMIT 5)");
          }
        })
        .run("h2");
    assertThat(r.acknowledged()).isPositive();
    assertThat(r.lost()).as("events reported lost").isPositive();
    assertThat(r.problems()).isPositive();
    assertThat(r.firstProblem()).contains("acknowledged event(s) missing from the journal");
  }
}
