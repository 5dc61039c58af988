package io.kimp.bench;

import io.kimp.core.CborSerializable;
import io.kimp.core.cycle.CycleEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A writer for the journal benchmark: persists real cycle events one after another, as a cycle entity does (each write
 * confirmed before the next), so that many writers measure the journal's throughput under kimp's write pattern.
 */
final class JournalBenchmark extends EventSourcedBehavior<JournalBenchmark.Command, CycleEvent, Integer> {

  sealed interface Command extends CborSerializable {}

  record Write(int events, ActorRef<Done> replyTo) implements Command {}

  record Done(String writer, int events) implements CborSerializable {}

  private record Next(int left, ActorRef<Done> replyTo, int total) implements Command {}

  private final UUID cycleId = UUID.randomUUID();
  private final String id;
  private final ActorRef<Command> self;

  static Behavior<Command> create(String id) {
    return Behaviors.setup(ctx -> new JournalBenchmark(id, ctx.getSelf()));
  }

  private JournalBenchmark(String id, ActorRef<Command> self) {
    super(PersistenceId.of("JournalBench", id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2));
    this.id = id;
    this.self = self;
  }

  @Override
  public Integer emptyState() {
    return 0;
  }

  @Override
  public CommandHandler<Command, CycleEvent, Integer> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Write.class, (s, c) -> next(c.events(), c.replyTo(), c.events()))
        .onCommand(Next.class, (s, c) -> next(c.left(), c.replyTo(), c.total()))
        .build();
  }

  private Effect<CycleEvent, Integer> next(int left, ActorRef<Done> replyTo, int total) {
    if (left == 0) {
      return Effect().reply(replyTo, new Done(id, total));
    }
    CycleEvent e =
        new CycleEvent.StepOutcomeUnknown(cycleId, "bench-" + id + "-" + left, "benchmark write", Instant.now());
    return Effect().persist(e).thenRun(s -> self.tell(new Next(left - 1, replyTo, total)));
  }

  @Override
  public EventHandler<Integer, CycleEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
  }
}
