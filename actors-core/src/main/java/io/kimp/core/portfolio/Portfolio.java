package io.kimp.core.portfolio;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kimp.core.CborSerializable;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleState;
import io.kimp.core.settings.RuntimeSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The capital ledger: one per cluster (a cluster singleton). Cycles reserve capital before they trade and release it with
 * their realised result when they close, so that concurrent cycles never commit more than there is. It also holds the
 * trading switch: while paused, no reservation is granted (open cycles finish), and a realised daily loss beyond the limit
 * pauses trading by itself. Its settings ({@link PortfolioSettings}) are changed at runtime by {@link UpdateSettings} and
 * persisted; the strategy thresholds among them are published to every node's {@link RuntimeSettings} at start, on change
 * and every {@code kimp.settings.republish-interval}. So is whether it could grant a new cycle now
 * ({@link PortfolioCapacity}), which keeps the opportunity detectors from offering starts it would refuse.
 *
 * <p>Reservations are keyed by symbol: each symbol's cycle entity is the only writer for its symbol and asks for a new
 * reservation only when it has no open cycle, so a reservation it replaces is one whose cycle never started.
 *
 * <p>An entity asks for a cycle's capital while it writes the cycle's first event ({@code CapitalRequested}), not after,
 * so a crash in between can leave a reservation the entity has no record of. The audit finds it: every
 * {@code kimp.reservation-audit.interval} each reservation held longer than {@code kimp.reservation-audit.after} that
 * this incarnation has not yet seen confirmed is checked with its symbol's entity (which answers only after any write in
 * flight); one the entity neither requests nor holds is released with no result, and said so in the log.
 */
public final class Portfolio
    extends EventSourcedBehavior<Portfolio.Command, Portfolio.Event, Portfolio.State> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("Portfolio");

  /** Who pauses when the realised loss of the day reaches the limit. */
  public static final String LOSS_LIMIT = "loss-limit";

  /**
   * Who pauses when a venue rejects an API key (the pre-flight or any live request): such a pause replaces another one,
   * so that "why is it not trading" names the key, and the app resumes only once the key passes its check again.
   */
  public static final String KEY_CHECK = "key-check";

  /** Why trading is paused: an operator's (or Telegram's) pause, the daily loss limit, or a rejected API key. */
  public enum PauseKind {
    OPERATOR,
    LOSS_LIMIT,
    KEY_REJECTED;

    static PauseKind of(String by) {
      return LOSS_LIMIT.equals(by) ? PauseKind.LOSS_LIMIT : KEY_CHECK.equals(by) ? PauseKind.KEY_REJECTED : OPERATOR;
    }
  }
  private static final int REMEMBERED_RELEASES = 1000;

  // ---- protocol

  public sealed interface Command extends CborSerializable {}

  /** Reserve capital for {@code cycleId}; {@code capKrw} is the opportunity's own size limit (nullable). */
  public record Reserve(String symbol, UUID cycleId, BigDecimal capKrw, ActorRef<ReserveReply> replyTo)
      implements Command {}

  /** Return a cycle's capital with its realised result. Idempotent. */
  public record Release(String symbol, UUID cycleId, BigDecimal realizedPnlKrw, ActorRef<Released> replyTo)
      implements Command {}

  public record Pause(String by, String reason, ActorRef<Snapshot> replyTo) implements Command {}

  public record Resume(String by, ActorRef<Snapshot> replyTo) implements Command {}

  public record GetSnapshot(ActorRef<Snapshot> replyTo) implements Command {}

  /** Timer: publish the strategy thresholds and the capacity again, for nodes that joined since or missed one. */
  public record RepublishThresholds() implements Command {}

  /** Timer: check the reservations held for a while with their cycle entities. */
  public record AuditReservations() implements Command {}

  /** A cycle entity's answer to the audit: whether it requests or holds {@code cycleId}'s capital (null: no answer). */
  record AuditAnswer(String symbol, UUID cycleId, Boolean held) implements Command {}

  /**
   * Replace the sizing and risk limits and the strategy thresholds (validated by the caller); persisted, and the
   * thresholds published to every node.
   */
  public record UpdateSettings(PortfolioSettings settings, String by, ActorRef<Snapshot> replyTo) implements Command {}

  public record ReserveReply(UUID cycleId, boolean granted, BigDecimal amountKrw, String reason)
      implements CborSerializable {}

  public record Released(UUID cycleId) implements CborSerializable {}

  /** What the ledger looks like now. */
  public record Snapshot(
      BigDecimal capitalKrw,
      BigDecimal realizedPnlKrw,
      BigDecimal equityKrw,
      BigDecimal reservedKrw,
      BigDecimal freeKrw,
      Map<String, Reservation> reservations,
      boolean paused,
      String pausedBy,
      String pauseReason,
      BigDecimal todayRealizedPnlKrw,
      PortfolioSettings settings)
      implements CborSerializable {

    /** Why trading is paused (null while it is not). */
    public PauseKind pauseKind() {
      return paused ? PauseKind.of(pausedBy) : null;
    }
  }

  public record Reservation(UUID cycleId, BigDecimal amountKrw, Instant at) implements CborSerializable {}

  // ---- events

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Reserved.class, name = "Reserved"),
    @JsonSubTypes.Type(value = ReleasedEvent.class, name = "Released"),
    @JsonSubTypes.Type(value = Paused.class, name = "Paused"),
    @JsonSubTypes.Type(value = Resumed.class, name = "Resumed"),
    @JsonSubTypes.Type(value = SettingsUpdated.class, name = "SettingsUpdated")
  })
  public sealed interface Event extends CborSerializable {}

  public record Reserved(String symbol, UUID cycleId, BigDecimal amountKrw, Instant at) implements Event {}

  public record ReleasedEvent(String symbol, UUID cycleId, BigDecimal realizedPnlKrw, LocalDate day, Instant at)
      implements Event {}

  public record Paused(String by, String reason, Instant at) implements Event {}

  public record Resumed(String by, Instant at) implements Event {}

  public record SettingsUpdated(PortfolioSettings settings, String by, Instant at) implements Event {}

  // ---- state

  public record State(
      Map<String, Reservation> reservations,
      BigDecimal realizedPnlKrw,
      List<UUID> recentlyReleased,
      boolean paused,
      String pausedBy,
      String pauseReason,
      LocalDate day,
      BigDecimal dayPnlKrw,
      PortfolioSettings settingsOverride,
      long settingsRevision)
      implements CborSerializable {

    static State empty() {
      return new State(Map.of(), BigDecimal.ZERO, List.of(), false, null, null, null, BigDecimal.ZERO, null, 0);
    }

    BigDecimal reserved() {
      return reservations.values().stream().map(Reservation::amountKrw).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
  }

  // ---- behavior

  private final PortfolioSettings configured;
  private final AlertSink alerts;
  private final Clock clock;
  private final RuntimeSettings runtime;
  private final PortfolioCapacity capacity;
  /** The capacity last published (republished on change, and on every timer tick). */
  private PortfolioCapacity.Capacity published;

  /** The ledger without the reservation audit (no cycle entities to ask). */
  public static Behavior<Command> create(PortfolioSettings settings, AlertSink alerts, Clock clock) {
    return create(settings, alerts, clock, null);
  }

  /** The ledger, auditing its reservations with the cycle entities reached through {@code cycles}. */
  public static Behavior<Command> create(
      PortfolioSettings settings, AlertSink alerts, Clock clock, CycleDirectory cycles) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  Config config = ctx.getSystem().settings().config();
                  timers.startTimerWithFixedDelay(
                      new RepublishThresholds(), config.getDuration("kimp.settings.republish-interval"));
                  Duration auditAfter = config.getDuration("kimp.reservation-audit.after");
                  if (cycles != null) {
                    timers.startTimerWithFixedDelay(
                        new AuditReservations(), config.getDuration("kimp.reservation-audit.interval"));
                  }
                  return new Portfolio(settings, alerts, clock, RuntimeSettings.get(ctx.getSystem()),
                      PortfolioCapacity.get(ctx.getSystem()), ctx, cycles, auditAfter);
                }));
  }

  private final ActorContext<Command> ctx;
  private final CycleDirectory cycles;
  private final Duration auditAfter;
  /** Reservations this incarnation's audit saw held by their entity, or is asking about now. */
  private final Set<UUID> confirmed = new HashSet<>();
  private final Set<UUID> asking = new HashSet<>();

  private Portfolio(
      PortfolioSettings settings, AlertSink alerts, Clock clock, RuntimeSettings runtime, PortfolioCapacity capacity,
      ActorContext<Command> ctx, CycleDirectory cycles, Duration auditAfter) {
    super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.configured = settings;
    this.alerts = alerts;
    this.clock = clock;
    this.runtime = runtime;
    this.capacity = capacity;
    this.ctx = ctx;
    this.cycles = cycles;
    this.auditAfter = auditAfter;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  private PortfolioSettings settings(State s) {
    return s.settingsOverride() != null ? s.settingsOverride().withDefaultsFrom(configured) : configured;
  }

  private void publishThresholds(State s) {
    runtime.publish(settings(s).thresholds(s.settingsRevision()));
  }

  /**
   * How many new reservations the sizing rule would grant now, one after the other (none while paused). An
   * opportunity's own size limit can only lower an amount: refused without one means refused with any.
   */
  static PortfolioCapacity.Capacity capacity(PortfolioSettings cfg, State s) {
    int held = s.reservations().size();
    if (s.paused()) {
      return new PortfolioCapacity.Capacity(0, "trading paused: " + s.pauseReason(), held, cfg.maxConcurrentCycles());
    }
    BigDecimal equity = cfg.capitalKrw().add(s.realizedPnlKrw());
    BigDecimal reserved = s.reserved();
    int left = 0;
    BigDecimal next = null;
    Sizing.Result r = null;
    while (left < MAX_STARTS_COUNTED && (r = Sizing.size(cfg, equity, reserved, held + left, null)).granted()) {
      next = next == null ? r.amountKrw() : next;
      reserved = reserved.add(r.amountKrw());
      left++;
    }
    return new PortfolioCapacity.Capacity(
        left, left == 0 ? r.refusal() : null, held, cfg.maxConcurrentCycles(), next);
  }

  /**
   * Starts left are counted up to this many: the detectors' gate needs no more (it admits that many starts within a
   * ticket's 2 s), and the count is worked out after every reservation and release, so it stays cheap with a large
   * {@code max-concurrent-cycles} (a thousand sizings took the portfolio's thread 0.3 ms).
   */
  static final int MAX_STARTS_COUNTED = 64;

  private void publishCapacityIfChanged(State s) {
    PortfolioCapacity.Capacity now = capacity(settings(s), s);
    if (!now.equals(published)) {
      publish(now);
    }
  }

  private void publishCapacity(State s) {
    publish(capacity(settings(s), s));
  }

  private void publish(PortfolioCapacity.Capacity c) {
    published = c;
    capacity.publish(c);
  }

  private void publishAll(State s) {
    publishThresholds(s);
    publishCapacity(s);
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Reserve.class, this::onReserve)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Pause.class, (s, c) -> onPause(s, c.by(), c.reason(), c.replyTo()))
        .onCommand(Resume.class, this::onResume)
        .onCommand(UpdateSettings.class, this::onUpdateSettings)
        .onCommand(GetSnapshot.class, (s, c) -> Effect().reply(c.replyTo(), snapshot(s)))
        .onCommand(RepublishThresholds.class, (s, c) -> Effect().none().thenRun(this::publishAll))
        .onCommand(AuditReservations.class, this::onAudit)
        .onCommand(AuditAnswer.class, this::onAuditAnswer)
        .build();
  }

  private Effect<Event, State> onAudit(State s, AuditReservations c) {
    Instant before = clock.instant().minus(auditAfter);
    s.reservations().forEach((symbol, r) -> {
      UUID id = r.cycleId();
      if (r.at().isBefore(before) && !confirmed.contains(id) && asking.add(id)) {
        ctx.pipeToSelf(cycles.ask(symbol, new CycleInput.Get()),
            (reply, t) -> new AuditAnswer(symbol, id, t != null || reply.state() == null ? null : holds(reply.state(), id)));
      }
    });
    confirmed.retainAll(s.reservations().values().stream().map(Reservation::cycleId).toList());
    return Effect().none();
  }

  /** Whether the entity's state requests or holds {@code cycleId}'s capital. */
  static boolean holds(CycleState state, UUID cycleId) {
    CycleState.CapitalRequest requested = state.capitalRequest();
    if (requested != null && requested.cycleId().equals(cycleId)) {
      return true;
    }
    return state.cycle() != null && state.cycle().cycleId().equals(cycleId) && !state.cycle().capitalReleased();
  }

  private Effect<Event, State> onAuditAnswer(State s, AuditAnswer a) {
    asking.remove(a.cycleId());
    if (a.held() == null) {
      return Effect().none(); // asked again at the next audit
    }
    if (a.held()) {
      confirmed.add(a.cycleId());
      return Effect().none();
    }
    Reservation r = s.reservations().get(a.symbol());
    if (r == null || !r.cycleId().equals(a.cycleId())) {
      return Effect().none();
    }
    Instant now = clock.instant();
    LocalDate day = LocalDate.ofInstant(now, settings(s).tradingDayZone());
    ctx.getLog().warn("released {} KRW reserved at {} for {} cycle {}: the cycle entity has no record of it (its start "
        + "was never written)", r.amountKrw().toPlainString(), r.at(), a.symbol(), a.cycleId());
    return Effect()
        .persist(new ReleasedEvent(a.symbol(), a.cycleId(), BigDecimal.ZERO, day, now))
        .thenRun(this::publishCapacityIfChanged);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::publishAll).build();
  }

  private Effect<Event, State> onReserve(State s, Reserve c) {
    Reservation existing = s.reservations().get(c.symbol());
    if (existing != null && existing.cycleId().equals(c.cycleId())) {
      return Effect().reply(c.replyTo(), new ReserveReply(c.cycleId(), true, existing.amountKrw(), null));
    }
    if (s.paused()) {
      return Effect()
          .reply(c.replyTo(), new ReserveReply(c.cycleId(), false, BigDecimal.ZERO, "trading paused: " + s.pauseReason()));
    }
    // a reservation the symbol's entity replaces belonged to a cycle that never started
    BigDecimal reserved = s.reserved().subtract(existing == null ? BigDecimal.ZERO : existing.amountKrw());
    int open = s.reservations().size() - (existing == null ? 0 : 1);
    PortfolioSettings cfg = settings(s);
    Sizing.Result r = Sizing.size(cfg, cfg.capitalKrw().add(s.realizedPnlKrw()), reserved, open, c.capKrw());
    if (!r.granted()) {
      return Effect().reply(c.replyTo(), new ReserveReply(c.cycleId(), false, BigDecimal.ZERO, r.refusal()));
    }
    return Effect()
        .persist(new Reserved(c.symbol(), c.cycleId(), r.amountKrw(), clock.instant()))
        // the cycle's first order waits for this answer: it goes before the capacity is worked out and published
        .thenRun(st -> c.replyTo().tell(new ReserveReply(c.cycleId(), true, r.amountKrw(), null)))
        .thenRun(this::publishCapacityIfChanged);
  }

  private Effect<Event, State> onRelease(State s, Release c) {
    if (s.recentlyReleased().contains(c.cycleId())) {
      return Effect().reply(c.replyTo(), new Released(c.cycleId()));
    }
    Instant now = clock.instant();
    LocalDate day = LocalDate.ofInstant(now, settings(s).tradingDayZone());
    BigDecimal pnl = c.realizedPnlKrw() == null ? BigDecimal.ZERO : c.realizedPnlKrw();
    List<Event> events = new ArrayList<>();
    events.add(new ReleasedEvent(c.symbol(), c.cycleId(), pnl, day, now));
    BigDecimal dayPnl = (day.equals(s.day()) ? s.dayPnlKrw() : BigDecimal.ZERO).add(pnl);
    BigDecimal limit = settings(s).dailyLossLimitKrw();
    boolean breach = limit.signum() > 0 && dayPnl.negate().compareTo(limit) >= 0 && !s.paused();
    if (breach) {
      events.add(
          new Paused(
              LOSS_LIMIT,
              "realised loss today " + dayPnl.negate().toPlainString() + " KRW reached the daily limit "
                  + limit.toPlainString() + " KRW",
              now));
    }
    return Effect()
        .persist(events)
        .thenRun(
            st -> {
              if (breach) {
                alerts.publish(
                    new Alert(
                        AlertKind.LOSS_LIMIT_REACHED, Alert.Severity.CRITICAL, "portfolio",
                        "Daily loss limit reached: trading paused",
                        fieldsOf("realised today", dayPnl.toPlainString() + " KRW", "limit", limit.toPlainString()
                            + " KRW", "resume", "POST /api/v1/trading/resume or /resume in Telegram"),
                        now));
              }
            })
        .thenRun(this::publishCapacityIfChanged)
        .thenReply(c.replyTo(), st -> new Released(c.cycleId()));
  }

  private Effect<Event, State> onPause(State s, String by, String reason, ActorRef<Snapshot> replyTo) {
    // a rejected key replaces any other pause (its resume is refused until the key passes), never the reverse
    boolean keyOverOther = KEY_CHECK.equals(by) && !KEY_CHECK.equals(s.pausedBy());
    if (s.paused() && !keyOverOther) {
      return Effect().reply(replyTo, snapshot(s));
    }
    Instant now = clock.instant();
    Alert alert =
        KEY_CHECK.equals(by)
            ? new Alert(
                AlertKind.TRADING_PAUSED, Alert.Severity.CRITICAL, "trading", "Trading stopped: check your API key",
                fieldsOf("reason", reason, "resume", "fix the key, then POST /api/v1/trading/resume or /resume in "
                    + "Telegram (the key is checked again first)"), now)
            : new Alert(
                AlertKind.TRADING_PAUSED, Alert.Severity.WARNING, "trading", "Trading paused by " + by,
                fieldsOf("reason", reason), now);
    return Effect()
        .persist(new Paused(by, reason, now))
        .thenRun(st -> alerts.publish(alert))
        .thenRun(this::publishCapacityIfChanged)
        .thenReply(replyTo, this::snapshot);
  }

  private Effect<Event, State> onResume(State s, Resume c) {
    if (!s.paused()) {
      return Effect().reply(c.replyTo(), snapshot(s));
    }
    Instant now = clock.instant();
    return Effect()
        .persist(new Resumed(c.by(), now))
        .thenRun(
            st ->
                alerts.publish(
                    new Alert(
                        AlertKind.TRADING_RESUMED, Alert.Severity.INFO, "trading", "Trading resumed by " + c.by(),
                        Map.of(), now)))
        .thenRun(this::publishCapacityIfChanged)
        .thenReply(c.replyTo(), this::snapshot);
  }

  private Effect<Event, State> onUpdateSettings(State s, UpdateSettings c) {
    return Effect()
        .persist(new SettingsUpdated(c.settings(), c.by(), clock.instant()))
        .thenRun(this::publishThresholds)
        .thenRun(this::publishCapacityIfChanged)
        .thenReply(c.replyTo(), this::snapshot);
  }

  private Snapshot snapshot(State s) {
    PortfolioSettings cfg = settings(s);
    BigDecimal equity = cfg.capitalKrw().add(s.realizedPnlKrw());
    BigDecimal reserved = s.reserved();
    LocalDate today = LocalDate.ofInstant(clock.instant(), cfg.tradingDayZone());
    return new Snapshot(
        cfg.capitalKrw(), s.realizedPnlKrw(), equity, reserved, equity.subtract(reserved), s.reservations(),
        s.paused(), s.pausedBy(), s.pauseReason(), today.equals(s.day()) ? s.dayPnlKrw() : BigDecimal.ZERO, cfg);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Reserved.class,
            (s, e) -> {
              Map<String, Reservation> r = new LinkedHashMap<>(s.reservations());
              r.put(e.symbol(), new Reservation(e.cycleId(), e.amountKrw(), e.at()));
              return new State(Map.copyOf(r), s.realizedPnlKrw(), s.recentlyReleased(), s.paused(), s.pausedBy(),
                  s.pauseReason(), s.day(), s.dayPnlKrw(), s.settingsOverride(), s.settingsRevision());
            })
        .onEvent(
            ReleasedEvent.class,
            (s, e) -> {
              Map<String, Reservation> r = new LinkedHashMap<>(s.reservations());
              Optional.ofNullable(r.get(e.symbol()))
                  .filter(x -> x.cycleId().equals(e.cycleId()))
                  .ifPresent(x -> r.remove(e.symbol()));
              List<UUID> recent = new ArrayList<>(s.recentlyReleased());
              recent.add(e.cycleId());
              if (recent.size() > REMEMBERED_RELEASES) {
                recent = recent.subList(recent.size() - REMEMBERED_RELEASES, recent.size());
              }
              BigDecimal dayPnl = (e.day().equals(s.day()) ? s.dayPnlKrw() : BigDecimal.ZERO).add(e.realizedPnlKrw());
              return new State(Map.copyOf(r), s.realizedPnlKrw().add(e.realizedPnlKrw()), List.copyOf(recent),
                  s.paused(), s.pausedBy(), s.pauseReason(), e.day(), dayPnl, s.settingsOverride(),
                  s.settingsRevision());
            })
        .onEvent(
            Paused.class,
            (s, e) ->
                new State(s.reservations(), s.realizedPnlKrw(), s.recentlyReleased(), true, e.by(), e.reason(),
                    s.day(), s.dayPnlKrw(), s.settingsOverride(), s.settingsRevision()))
        .onEvent(
            Resumed.class,
            (s, e) ->
                new State(s.reservations(), s.realizedPnlKrw(), s.recentlyReleased(), false, null, null, s.day(),
                    s.dayPnlKrw(), s.settingsOverride(), s.settingsRevision()))
        .onEvent(
            SettingsUpdated.class,
            (s, e) ->
                new State(s.reservations(), s.realizedPnlKrw(), s.recentlyReleased(), s.paused(), s.pausedBy(),
                    s.pauseReason(), s.day(), s.dayPnlKrw(), e.settings(), s.settingsRevision() + 1))
        .build();
  }

  private static Map<String, String> fieldsOf(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
