package io.kimp.feeds.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.Venue;
import io.kimp.feeds.ManualFeedTimers;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.SimulatedVenues;
import io.kimp.feeds.source.ConnectionState;
import io.kimp.simulator.MarketUpdate;
import io.kimp.simulator.SimVenue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Binance's 24 h connection limit, on a manual clock: the feed replaces its connection when the clock passes
 * {@code rotate-after} (and at once on a serverShutdown notice, with the clock standing still), closes the old one when
 * the clock passes the overlap, and not one bookTicker update is lost or applied twice. The clock is the test's: nothing
 * here depends on how fast the machine is (the waits are liveness guards, not claims about elapsed time).
 *
 * <p>"Lost" means never reaching the feed. During the overlap both connections deliver, and the new one's first frame
 * can overtake an older frame still on its way through the old one: that older frame then arrives after a newer state
 * was applied and is dropped as stale ({@code DUPLICATE}: the same or an older venue id), which is right for
 * bookTicker's full-state messages. So every update sent must reach the feed, the applied ones must be in order and
 * once each, and one that arrived but was not applied must have been superseded by a newer one already applied.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinanceRotationTest {
  private static final Duration ROTATE_AFTER = Duration.ofHours(23);
  private static final Duration OVERLAP = Duration.ofSeconds(5);
  private static final Duration LIVENESS = Duration.ofMinutes(1);

  private final ActorTestKit kit = ActorTestKit.create();
  private SimulatedVenues venues;
  private MarketFeeds feeds;
  private final ManualFeedTimers clock = new ManualFeedTimers();
  private final Map<String, NavigableSet<Long>> sent = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> applied = new ConcurrentHashMap<>();
  /** Updates that reached the feed after a newer one was applied (copies from the overlap, or overtaken frames). */
  private final Map<String, NavigableSet<Long>> stale = new ConcurrentHashMap<>();
  private final AtomicLong duplicates = new AtomicLong();

  @AfterEach
  void stop() throws Exception {
    feeds.stop().toCompletableFuture().get();
    venues.close();
  }

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  private ConnectionState start(ManualFeedTimers timers) throws Exception {
    sent.clear();
    applied.clear();
    stale.clear();
    duplicates.set(0);
    venues = SimulatedVenues.start(kit.system(), 0.0, List.of("XRP", "ETH"), 800);
    venues.sim().onUpdate(this::sent);
    feeds =
        venues.startFeeds(
            kit.system(),
            "kimp.feeds.binance.rotate-after = 23h\n"
                + "kimp.feeds.binance.rotation-overlap = 5s\n"
                + "kimp.feeds.binance.streams = [bookTicker]",
            MarketFeeds.Options.none().withTimers(timers).withProbe((frame, result, offered) -> {
              if (frame.event() instanceof BookEvent b && b.venue() == Venue.BINANCE) {
                if (result == MarketState.Applied.DUPLICATE) {
                  duplicates.incrementAndGet();
                  stale.computeIfAbsent(b.coin(), c -> new ConcurrentSkipListSet<>()).add(b.sequence());
                } else {
                  applied.computeIfAbsent(b.coin(), c -> new CopyOnWriteArrayList<>())
                      .add(b.sequence());
                }
              }
            }));
    return feeds.connections().get(1);
  }

  private void sent(MarketUpdate u) {
    if (u.venue() == SimVenue.BINANCE && u.kind() == MarketUpdate.Kind.BOOK) {
      sent.computeIfAbsent(u.coin(), c -> new ConcurrentSkipListSet<>()).add(u.seq());
    }
  }

  private int appliedCount(String coin) {
    List<Long> l = applied.get(coin);
    return l == null ? 0 : l.size();
  }

  /** Waits until {@code n} more XRP updates were applied. */
  private void moreApplied(int n) {
    int before = appliedCount("XRP");
    await().atMost(LIVENESS).until(() -> appliedCount("XRP") > before + n);
  }

  @Test
  void rotationsHappenWhenTheClockPassesRotateAfterAndLoseNothing() throws Exception {
    ConnectionState binance = start(clock);
    moreApplied(20);
    for (int round = 1; round <= 3; round++) {
      final int r = round;
      Duration untilDue = ROTATE_AFTER.multipliedBy(r).minus(clock.elapsed());
      // a millisecond short of rotate-after: no rotation
      clock.advance(untilDue.minusMillis(1));
      assertThat(clock.periodicFired()).isEqualTo(r - 1);
      moreApplied(20);
      assertThat(binance.rotations()).isEqualTo(r - 1);
      assertThat(venues.sim().acceptedConnections(SimVenue.BINANCE)).isEqualTo(r);

      // the clock passes it: a new connection, and the old one keeps streaming through the overlap
      clock.advance(Duration.ofMillis(1));
      assertThat(clock.periodicFired()).isEqualTo(r);
      await().atMost(LIVENESS).until(() -> binance.rotations() == r);
      await().atMost(LIVENESS).until(() -> venues.sim().acceptedConnections(SimVenue.BINANCE) == r + 1);
      await().atMost(LIVENESS).until(() -> clock.pendingActions() == 1); // the new one delivered: retire planned
      moreApplied(20);
      assertThat(venues.sim().openConnections(SimVenue.BINANCE)).as("the overlap has not passed").isEqualTo(2);

      // the overlap passes on the clock: the old connection is closed
      clock.advance(OVERLAP);
      await().atMost(LIVENESS).until(() -> venues.sim().openConnections(SimVenue.BINANCE) == 1);
    }
    moreApplied(50);
    assertThat(binance.reconnects()).isZero(); // rotations are planned, not failures
    assertThat(duplicates.get()).as("the overlap delivered copies, and they were dropped").isPositive();
    assertNoGapNoDuplicate("XRP");
    assertNoGapNoDuplicate("ETH");
    assertThat(binance.connected()).isTrue();
  }

  @Test
  void aServerShutdownNoticeRotatesWithoutTheClockMoving() throws Exception {
    ManualFeedTimers still = new ManualFeedTimers();
    ConnectionState binance = start(still);
    moreApplied(20);
    assertThat(binance.rotations()).isZero();
    venues.sim().announceServerShutdown();
    await().atMost(LIVENESS).until(() -> binance.rotations() == 1);
    assertThat(still.periodicFired()).as("the clock did not move: the notice rotated").isZero();
    await().atMost(LIVENESS).until(() -> venues.sim().acceptedConnections(SimVenue.BINANCE) == 2);
    // the first connection's retire (a no-op) and the new one's are planned
    await().atMost(LIVENESS).until(() -> still.pendingActions() == 2);
    moreApplied(100);
    assertThat(venues.sim().openConnections(SimVenue.BINANCE)).isEqualTo(2);
    still.advance(OVERLAP);
    await().atMost(LIVENESS).until(() -> venues.sim().openConnections(SimVenue.BINANCE) == 1);
    moreApplied(20);
    assertNoGapNoDuplicate("XRP");
  }

  /**
   * Every update sent between the first and the last applied one reached the feed; the applied ones are in order and
   * once each; one that was not applied arrived after a newer one had been (it was superseded, not lost).
   */
  private void assertNoGapNoDuplicate(String coin) {
    List<Long> got = List.copyOf(applied.get(coin));
    assertThat(got).isSorted().doesNotHaveDuplicates();
    NavigableSet<Long> expected = sent.get(coin).subSet(got.get(0), true, got.get(got.size() - 1), true);
    NavigableSet<Long> superseded = new java.util.TreeSet<>(expected);
    got.forEach(superseded::remove);
    assertThat(stale.getOrDefault(coin, new ConcurrentSkipListSet<>()))
        .as("every update not applied reached the feed after a newer one: superseded, not lost")
        .containsAll(superseded);
    assertThat(got).as("applied only what was sent").isSubsetOf(expected);
  }
}
