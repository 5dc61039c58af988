package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kimp.app.hedge.HedgeWatch;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedPerpetual;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import io.kimp.persistence.ReadSideDataSource;
import io.kimp.persistence.readmodel.HedgeQueries;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hedge watch checks the futures position every {@code kimp.hedge.watch-interval}, not only once at start: a short
 * that appears after the first check shows in its snapshot (and so in {@code GET /api/v1/hedge}) within an interval or
 * two. Its first check and its periodic one once shared a timer key, so the first replaced the periodic.
 */
class HedgeWatchIntervalTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final java.util.concurrent.ExecutorService blocking = Executors.newSingleThreadExecutor();
  private HikariDataSource readSide;

  @AfterEach
  void tearDown() {
    kit.shutdownTestKit();
    blocking.shutdownNow();
    if (readSide != null) {
      readSide.close();
    }
  }

  @Test
  void aShortOpenedAfterTheFirstCheckIsSeenByALaterOne() {
    DatabaseSettings db = DatabaseSettings.fromConfig(TestNodes.config(TestNodes.database("h2"), ""));
    Migrations.migrate(db);
    readSide = ReadSideDataSource.create(db, "hedge-watch-test");
    ScriptedPerpetual perp = new ScriptedPerpetual().list("XRP", "2.0", "0.1", "1");
    ActorRef<HedgeWatch.Command> watch = kit.spawn(HedgeWatch.create(new HedgeWatch.Dependencies(perp,
        new HedgeQueries(readSide), blocking, List.of("XRP"), new RecordingAlertSink(),
        Clock.systemUTC(), Duration.ofMillis(300), false)));
    TestProbe<HedgeWatch.Snapshot> probe = kit.createTestProbe();

    // the first check (1 s after start): nothing held, nothing expected
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      watch.tell(new HedgeWatch.Get(probe.ref()));
      HedgeWatch.Snapshot s = probe.receiveMessage();
      assertThat(s.at()).isNotNull();
      assertThat(s.coins()).isEmpty();
      return null;
    });
    perp.forcePosition("XRP", "-50");
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      watch.tell(new HedgeWatch.Get(probe.ref()));
      HedgeWatch.Snapshot s = probe.receiveMessage();
      assertThat(s.coins()).singleElement().satisfies(c -> {
        assertThat(c.coin()).isEqualTo("XRP");
        assertThat(c.seenShort()).isEqualByComparingTo(new BigDecimal("50"));
        assertThat(c.expectedShort()).isZero();
      });
      return null;
    });
    assertThat(perp.calls(ScriptedPerpetual.Op.POSITION)).isGreaterThanOrEqualTo(2);
  }
}
