package io.kimp.feeds.source;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

/**
 * Timers on a scheduler that moves only when told to: the tick is due before anyone asked for it (as at a loaded
 * start-up, where the first pull crosses async boundaries late), and it must still arrive once asked for.
 */
class TicksTest {
  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("ticks", ConfigFactory.parseString(
            "pekko.scheduler.implementation = \"org.apache.pekko.testkit.ExplicitlyTriggeredScheduler\"")
        .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    TestKit.shutdownActorSystem(system);
  }

  private static void timePasses(Duration d) {
    ((ExplicitlyTriggeredScheduler) system.scheduler()).timePasses(FiniteDuration.fromNanos(d.toNanos()));
  }

  /** What the Binance rotation and the USD/KRW poller did before: a tick due without demand was gone. */
  @Test
  void aTimerTickDueBeforeDemandIsLostWithSourceTick() {
    TestSubscriber.Probe<String> probe =
        Source.tick(Duration.ZERO, Duration.ofHours(24), "tick").runWith(TestSink.probe(system), system);
    probe.ensureSubscription();
    timePasses(Duration.ofMillis(10));
    probe.request(1);
    probe.expectNoMessage(java.time.Duration.ofMillis(200));
    probe.cancel();
  }

  @Test
  void theFirstTickArrivesWhenAskedForHoweverLateTheDemand() {
    TestSubscriber.Probe<String> probe =
        Ticks.nowAndEvery(Duration.ofHours(24), "tick").runWith(TestSink.probe(system), system);
    probe.ensureSubscription();
    timePasses(Duration.ofMillis(10));
    probe.request(1);
    probe.expectNext("tick");
    probe.cancel();
  }

  @Test
  void laterTicksDueWithoutDemandWaitInsteadOfBeingDropped() {
    TestSubscriber.Probe<String> probe =
        Ticks.nowAndEvery(Duration.ofMinutes(1), "tick").runWith(TestSink.probe(system), system);
    probe.request(1);
    probe.expectNext("tick");
    timePasses(Duration.ofMinutes(3)); // three ticks due, nobody asking: they wait (the newest, not a queue of all)
    probe.request(1);
    probe.expectNext("tick");
    probe.cancel();
  }
}
