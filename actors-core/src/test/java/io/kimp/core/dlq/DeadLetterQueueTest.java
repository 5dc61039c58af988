package io.kimp.core.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleEffect.DeadLetterEntry;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterQueueTest {
  private final ActorTestKit kit =
      ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  /** What the cycle entities were asked, and what they answer. */
  private final List<CycleInput> asked = new CopyOnWriteArrayList<>();
  private volatile boolean cyclesAccept = true;
  private final CycleDirectory cycles =
      (symbol, input) -> {
        asked.add(input);
        return CompletableFuture.completedFuture(
            cyclesAccept ? CycleReply.accepted(null, "ok") : CycleReply.refused(null, "cycle is COMPLETED"));
      };
  private EventSourcedBehaviorTestKit<DeadLetterQueue.Command, DeadLetterQueue.Event, DeadLetterQueue.State> dlq;

  @BeforeEach
  void fresh() {
    alerts.clear();
    asked.clear();
    cyclesAccept = true;
    dlq = EventSourcedBehaviorTestKit.create(
        kit.system(), DeadLetterQueue.create(cycles, alerts::add, Clock.systemUTC()));
  }

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  private static DeadLetterEntry entry(UUID id, Instant at) {
    return new DeadLetterEntry(id, "XRP", CycleStatus.STARTED, Leg.INITIAL, Step.BUY, "PERMANENT", "-2010", 1, at);
  }

  private DeadLetterQueue.Outcome await(java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<DeadLetterQueue.Outcome>, DeadLetterQueue.Command> cmd) {
    TestProbe<DeadLetterQueue.Outcome> probe = kit.createTestProbe();
    dlq.runCommand(cmd.apply(probe.ref()));
    return probe.receiveMessage();
  }

  @Test
  void registrationIsIdempotentAndAlertsOnce() {
    UUID id = UUID.randomUUID();
    Instant at = Instant.now();
    assertThat(dlq.<DeadLetterQueue.Registered>runCommand(r -> new DeadLetterQueue.Register(entry(id, at), r)).events()).hasSize(1);
    assertThat(dlq.<DeadLetterQueue.Registered>runCommand(r -> new DeadLetterQueue.Register(entry(id, at), r)).events()).isEmpty();
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AlertKind.CYCLE_DEAD_LETTERED);
      assertThat(a.fields()).containsEntry("cycle", id.toString()).containsKey("recover");
    });
    assertThat(dlq.<DeadLetterQueue.Entries>runCommand(r -> new DeadLetterQueue.ListEntries(true, r)).reply().entries())
        .singleElement().satisfies(e -> assertThat(e.cycleId()).isEqualTo(id));
    assertThat(dlq.<Optional<DeadLetterQueue.Entry>>runCommand(r -> new DeadLetterQueue.Get(id, r)).reply()).isPresent();
  }

  @Test
  void recoverAsksTheCycleAndRecordsIt() {
    UUID id = UUID.randomUUID();
    dlq.<DeadLetterQueue.Registered>runCommand(r -> new DeadLetterQueue.Register(entry(id, Instant.now()), r));
    DeadLetterQueue.Outcome o = await(r -> new DeadLetterQueue.Recover(id, "alice", r));
    assertThat(o.ok()).isTrue();
    assertThat(asked).singleElement().isEqualTo(new CycleInput.Recover(id, "alice"));
    assertThat(dlq.getState().entries().get(id).status()).isEqualTo(DeadLetterQueue.EntryStatus.RECOVERED);
    assertThat(alerts).extracting(Alert::kind).containsExactly(AlertKind.CYCLE_DEAD_LETTERED, AlertKind.CYCLE_RECOVERED);
    assertThat(await(r -> new DeadLetterQueue.Recover(id, "bob", r)).code()).isEqualTo("CONFLICT");
    // dead-lettered again later: open again, alerted again
    dlq.<DeadLetterQueue.Registered>runCommand(r -> new DeadLetterQueue.Register(entry(id, Instant.now().plusSeconds(60)), r));
    assertThat(dlq.getState().entries().get(id).status()).isEqualTo(DeadLetterQueue.EntryStatus.OPEN);
    assertThat(dlq.getState().entries().get(id).timesDeadLettered()).isEqualTo(2);
  }

  @Test
  void unknownCyclesAndRefusalsChangeNothing() {
    assertThat(await(r -> new DeadLetterQueue.Recover(UUID.randomUUID(), "alice", r)).code()).isEqualTo("NOT_FOUND");
    UUID id = UUID.randomUUID();
    dlq.<DeadLetterQueue.Registered>runCommand(r -> new DeadLetterQueue.Register(entry(id, Instant.now()), r));
    cyclesAccept = false;
    DeadLetterQueue.Outcome o = await(r -> new DeadLetterQueue.Recover(id, "alice", r));
    assertThat(o.code()).isEqualTo("CONFLICT");
    assertThat(o.message()).contains("COMPLETED");
    assertThat(dlq.getState().entries().get(id).status()).isEqualTo(DeadLetterQueue.EntryStatus.OPEN);
  }

  @Test
  void discardNeedsAReason() {
    UUID id = UUID.randomUUID();
    dlq.<DeadLetterQueue.Registered>runCommand(r -> new DeadLetterQueue.Register(entry(id, Instant.now()), r));
    assertThat(await(r -> new DeadLetterQueue.Discard(id, "", "alice", r)).ok()).isFalse();
    assertThat(asked).isEmpty();
    DeadLetterQueue.Outcome o = await(r -> new DeadLetterQueue.Discard(id, "written off", "alice", r));
    assertThat(o.ok()).isTrue();
    assertThat(dlq.getState().entries().get(id).status()).isEqualTo(DeadLetterQueue.EntryStatus.DISCARDED);
    assertThat(dlq.getState().entries().get(id).note()).isEqualTo("written off");
    dlq.restart();
    assertThat(dlq.getState().entries().get(id).status()).isEqualTo(DeadLetterQueue.EntryStatus.DISCARDED);
  }
}
