package io.kimp.core.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reservation audit: an entity asks for a cycle's capital while it writes the cycle's first event, so a crash in
 * between leaves a reservation the entity has no record of; the portfolio asks the entities about the reservations it
 * has held for a while (on its own clock) and releases what nobody requests or holds.
 */
class PortfolioAuditTest {
  private final ActorTestKit kit =
      ActorTestKit.create(
          ConfigFactory.parseString("kimp.reservation-audit { interval = 100ms, after = 60s }")
              .withFallback(EventSourcedBehaviorTestKit.config())
              .withFallback(ConfigFactory.load()));
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T03:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  /** What each symbol's entity would answer to {@code Get}: its state, or a failed ask when absent. */
  private final Map<String, CycleState> entities = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
  /** How many asks of each symbol were answered with a state. */
  private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
  private final CycleDirectory directory = new CycleDirectory() {
    @Override
    public CompletionStage<CycleReply> ask(String symbol, CycleInput.Operator input) {
      assertThat(input).isInstanceOf(CycleInput.Get.class);
      asked.computeIfAbsent(symbol, s -> new AtomicInteger()).incrementAndGet();
      CycleState st = entities.get(symbol);
      if (st != null) {
        answered.computeIfAbsent(symbol, x -> new AtomicInteger()).incrementAndGet();
      }
      return st == null
          ? CompletableFuture.failedFuture(new IllegalStateException("no answer"))
          : CompletableFuture.completedFuture(new CycleReply(true, null, "state", st));
    }
  };
  private final ActorRef<Portfolio.Command> portfolio =
      kit.spawn(Portfolio.create(PortfolioSettings.defaults(), alert -> {}, clock, directory));

  @AfterEach
  void shutdown() {
    kit.shutdownTestKit();
  }

  private UUID reserve(String symbol) {
    UUID id = UUID.randomUUID();
    TestProbe<Portfolio.ReserveReply> reply = kit.createTestProbe();
    portfolio.tell(new Portfolio.Reserve(symbol, id, null, reply.ref()));
    assertThat(reply.receiveMessage().granted()).isTrue();
    return id;
  }

  private Portfolio.Snapshot snapshot() {
    TestProbe<Portfolio.Snapshot> probe = kit.createTestProbe();
    portfolio.tell(new Portfolio.GetSnapshot(probe.ref()));
    return probe.receiveMessage();
  }

  private int asks(String symbol) {
    return asked.getOrDefault(symbol, new AtomicInteger()).get();
  }

  private static CycleState requesting(String symbol, UUID cycleId) {
    return new CycleState(symbol, null, 0, new CycleState.CapitalRequest(cycleId, null, Instant.EPOCH, null));
  }

  @Test
  void aReservationItsEntityHasNoRecordOfIsReleasedAndOneItRequestsIsKept() {
    UUID sol = reserve("SOL");
    UUID ada = reserve("ADA");
    UUID doge = reserve("DOGE");
    entities.put("SOL", requesting("SOL", sol));
    entities.put("ADA", CycleState.empty("ADA")); // its CapitalRequested was never written
    // DOGE's entity does not answer at first
    TestProbe<Object> wait = kit.createTestProbe();
    // younger than a minute: nobody is asked, however many audits pass
    portfolio.tell(new Portfolio.AuditReservations());
    assertThat(snapshot().reservations()).containsOnlyKeys("SOL", "ADA", "DOGE");
    assertThat(asked).isEmpty();

    now.set(now.get().plus(Duration.ofSeconds(61)));
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(snapshot().reservations()).containsOnlyKeys("SOL", "DOGE");
      return null;
    });
    Portfolio.Snapshot s = snapshot();
    assertThat(s.reservations().get("SOL").cycleId()).isEqualTo(sol);
    assertThat(s.realizedPnlKrw()).isEqualByComparingTo("0");
    assertThat(s.reservedKrw()).isEqualByComparingTo(
        s.reservations().values().stream().map(Portfolio.Reservation::amountKrw)
            .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add));
    // an entity that did not answer is asked again at the next audits; once it answers, its reservation stays
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(asks("DOGE")).isGreaterThanOrEqualTo(2);
      return null;
    });
    entities.put("DOGE", requesting("DOGE", doge));
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(answered.get("DOGE")).isNotNull();
      return null;
    });
    // no second ask while one is unanswered, none after an entity confirmed: DOGE's count is final now
    int dogeConfirmed = asks("DOGE");
    // a later reservation, checked in its turn, shows that audits went on: SOL and DOGE, confirmed, were not asked again
    UUID xrp = reserve("XRP");
    entities.put("XRP", requesting("XRP", xrp));
    int solAsks = asks("SOL");
    now.set(now.get().plus(Duration.ofSeconds(61)));
    wait.awaitAssert(Duration.ofSeconds(10), () -> {
      assertThat(asks("XRP")).isEqualTo(1);
      return null;
    });
    portfolio.tell(new Portfolio.AuditReservations());
    assertThat(snapshot().reservations()).containsOnlyKeys("SOL", "DOGE", "XRP");
    assertThat(asks("SOL")).isEqualTo(solAsks).isEqualTo(1);
    assertThat(asks("DOGE")).isEqualTo(dogeConfirmed);
    assertThat(ada).isNotNull();
  }
}
