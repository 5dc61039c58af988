package io.kimp.feeds.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.Venue;
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
 * Binance's 24 h connection limit, compressed to seconds: the feed replaces its connection on schedule (and on a
 * serverShutdown notice) with an overlap, and not one bookTicker update is lost or applied twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinanceRotationTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private SimulatedVenues venues;
  private MarketFeeds feeds;
  private final Map<String, NavigableSet<Long>> sent = new ConcurrentHashMap<>();
  private final Map<String, List<Long>> applied = new ConcurrentHashMap<>();
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

  private ConnectionState start(String rotateAfter) throws Exception {
    sent.clear();
    applied.clear();
    duplicates.set(0);
    venues = SimulatedVenues.start(kit.system(), 0.0, List.of("XRP", "ETH"), 800);
    venues.sim().onUpdate(this::sent);
    feeds =
        venues.startFeeds(
            kit.system(),
            "kimp.feeds.binance.rotate-after = " + rotateAfter + "\n"
                + "kimp.feeds.binance.rotation-overlap = 300ms\n"
                + "kimp.feeds.binance.streams = [bookTicker]",
            MarketFeeds.Options.none().withProbe((frame, result, offered) -> {
              if (frame.event() instanceof BookEvent b && b.venue() == Venue.BINANCE) {
                if (result == MarketState.Applied.DUPLICATE) {
                  duplicates.incrementAndGet();
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

  @Test
  void scheduledRotationsLoseNothingAndApplyNothingTwice() throws Exception {
    ConnectionState binance = start("2s");
    await().atMost(Duration.ofSeconds(20)).until(() -> binance.rotations() >= 3);
    long appliedBefore = applied.get("XRP").size();
    await().atMost(Duration.ofSeconds(2)).until(() -> applied.get("XRP").size() > appliedBefore + 50);

    assertThat(venues.sim().acceptedConnections(SimVenue.BINANCE)).isGreaterThanOrEqualTo(4);
    assertThat(binance.reconnects()).isZero(); // rotations are planned, not failures
    assertThat(duplicates.get()).as("the overlap delivered copies, and they were dropped").isPositive();
    assertNoGapNoDuplicate("XRP");
    assertNoGapNoDuplicate("ETH");
    // the old connections were closed: only the current one (maybe with its successor) is open
    await().atMost(Duration.ofSeconds(3)).until(() -> venues.sim().openConnections(SimVenue.BINANCE) <= 2);
    assertThat(binance.connected()).isTrue();
  }

  @Test
  void aServerShutdownNoticeRotatesAtOnce() throws Exception {
    ConnectionState binance = start("1h");
    await().atMost(Duration.ofSeconds(10)).until(() -> applied.containsKey("XRP") && applied.get("XRP").size() > 20);
    assertThat(binance.rotations()).isZero();
    venues.sim().announceServerShutdown();
    await().atMost(Duration.ofSeconds(3)).until(() -> binance.rotations() == 1);
    await().atMost(Duration.ofSeconds(3)).until(() -> venues.sim().acceptedConnections(SimVenue.BINANCE) == 2);
    long appliedBefore = applied.get("XRP").size();
    await().atMost(Duration.ofSeconds(3)).until(() -> applied.get("XRP").size() > appliedBefore + 100);
    await().atMost(Duration.ofSeconds(3)).until(() -> venues.sim().openConnections(SimVenue.BINANCE) == 1);
    assertNoGapNoDuplicate("XRP");
  }

  /** Every update sent between the first and the last applied one was applied, once, in order. */
  private void assertNoGapNoDuplicate(String coin) {
    List<Long> got = List.copyOf(applied.get(coin));
    assertThat(got).isSorted().doesNotHaveDuplicates();
    NavigableSet<Long> expected = sent.get(coin).subSet(got.get(0), true, got.get(got.size() - 1), true);
    assertThat(got).containsExactlyElementsOf(expected);
  }
}
