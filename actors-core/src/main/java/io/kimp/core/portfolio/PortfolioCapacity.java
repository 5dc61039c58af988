package io.kimp.core.portfolio;

import io.kimp.core.CborSerializable;
import io.kimp.core.market.StartGate;
import io.kimp.core.settings.ClusterTopics;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of whether the portfolio can grant a new cycle now: the {@link Portfolio} singleton publishes its
 * {@link Capacity} on the {@value #TOPIC_NAME} topic at start, after every reservation, release, pause, resume or
 * settings change, and every {@code kimp.settings.republish-interval}; this extension subscribes and keeps the newest.
 *
 * <p>It is the opportunity detector's {@link StartGate}: a start found is offered only while the portfolio has room for
 * one more cycle, so that while every slot is held, no capital is free or trading is paused no start is offered, and no
 * cycle entity journals a capital request only to have it refused. Each start offered counts against the room for
 * {@link #TICKET_MILLIS} (until the portfolio has answered it and published again), so that when one slot frees, the
 * coins showing an edge at that moment do not all rush for it. It is advice: the portfolio stays the authority, and a
 * start that races a slot filling up is still refused there. Until the singleton is first heard from, starts are offered.
 */
public final class PortfolioCapacity implements Extension, StartGate {
  public static final String TOPIC_NAME = "kimp-portfolio-capacity";
  private static final Logger log = LoggerFactory.getLogger(PortfolioCapacity.class);
  /** How long a start offered counts against the room: well above the time the portfolio takes to answer it. */
  public static final long TICKET_MILLIS = 2_000;

  /**
   * How many new reservations could be granted now, one after the other (before the opportunities' own size limits).
   *
   * @param startsLeft new cycles the portfolio would grant now, counted up to 64; 0 while paused, every slot is held or no
   *     capital is free
   * @param reason why not one more, when none is left (the portfolio's refusal: paused, slots held, exposure held)
   * @param heldSlots reservations held now
   * @param slots the most cycles that may be open at once
   * @param nextGrantKrw what the next reservation would be granted before an opportunity's own limit (null when none
   *     would be): a cycle asks for exactly this (or its opportunity's limit when lower), so that it can prepare its
   *     first order with the request ({@code CycleEvent.CapitalRequested})
   */
  public record Capacity(int startsLeft, String reason, int heldSlots, int slots, BigDecimal nextGrantKrw)
      implements CborSerializable {
    public Capacity(int startsLeft, String reason, int heldSlots, int slots) {
      this(startsLeft, reason, heldSlots, slots, null);
    }

    /** True while at least one new cycle would be granted. */
    public boolean open() {
      return startsLeft > 0;
    }
  }

  /**
   * Admits starts against the latest capacity: at most {@code startsLeft} offered within any {@code ticketMillis}.
   * Pure (no actors), synchronized: updated by the subscriber, asked by the detector's thread.
   */
  static final class Admission implements StartGate {
    private final long ticketMillis;
    private final ArrayDeque<Long> offered = new ArrayDeque<>();
    private Capacity capacity; // null until the portfolio is heard from: every start is offered

    Admission(long ticketMillis) {
      this.ticketMillis = ticketMillis;
    }

    synchronized Capacity update(Capacity c) {
      Capacity before = capacity;
      capacity = c;
      return before;
    }

    synchronized Capacity capacity() {
      return capacity;
    }

    @Override
    public synchronized boolean admit(long now) {
      while (!offered.isEmpty() && offered.peekFirst() <= now - ticketMillis) {
        offered.pollFirst();
      }
      if (capacity != null && offered.size() >= capacity.startsLeft()) {
        return false;
      }
      offered.addLast(now);
      return true;
    }
  }

  /** The extension's id: {@code PortfolioCapacity.get(system)} is the way in. */
  public static final class Id extends ExtensionId<PortfolioCapacity> {
    private static final Id INSTANCE = new Id();

    private Id() {}

    @Override
    public PortfolioCapacity createExtension(ActorSystem<?> system) {
      return new PortfolioCapacity(system);
    }
  }

  public static PortfolioCapacity get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  private final Admission admission = new Admission(TICKET_MILLIS);
  private final ActorRef<Topic.Command<Capacity>> topic;

  private PortfolioCapacity(ActorSystem<?> system) {
    this.topic = ClusterTopics.follow(system, Capacity.class, TOPIC_NAME, "capacity", this::accept);
  }

  /** Whether a start found at {@code now} may be offered (and if so, it counts against the room). */
  @Override
  public boolean admit(long now) {
    return admission.admit(now);
  }

  /** The portfolio's capacity as last heard on this node; empty until it is heard. */
  public Optional<Capacity> current() {
    return Optional.ofNullable(admission.capacity());
  }

  /** What the portfolio last said it would grant the next cycle; null until heard, or while it would grant none. */
  public BigDecimal nextGrantKrw() {
    Capacity c = admission.capacity();
    return c == null ? null : c.nextGrantKrw();
  }

  /** Sends {@code capacity} to every node's holder (this one included). Called by the portfolio singleton. */
  public void publish(Capacity capacity) {
    topic.tell(Topic.publish(capacity));
  }

  private void accept(Capacity c) {
    Capacity before = admission.update(c);
    if (before != null && before.open() != c.open()) {
      if (c.open()) {
        log.info("portfolio has room again: starts are offered ({} of {} slots held)", c.heldSlots(), c.slots());
      } else {
        log.info("portfolio full: no start is offered ({} of {} slots held; {})", c.heldSlots(), c.slots(), c.reason());
      }
    }
  }
}
