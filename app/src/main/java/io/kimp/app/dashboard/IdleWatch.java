package io.kimp.app.dashboard;

import io.kimp.app.operator.TradingIdle;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.alert.AlertSink;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Tells the operators (a {@link AlertKind#TRADING_IDLE} alert, to Telegram) when trading becomes idle for a reason that
 * is not the market and that no other alert already covers: every cycle slot or the exposure limit held (typically by
 * dead-lettered cycles), or every feed or the USDT/KRW rate stale. A pause and the loss limit have their own alerts; "no
 * coin above the threshold" is the market, nothing to act on. A reason must hold on two checks in a row (no alert for
 * a slot taken and freed within one interval), and is alerted once until trading leaves it. One per cluster: a singleton.
 */
public final class IdleWatch {
  /** The reasons worth waking someone for. */
  static final Set<String> ALERTED = Set.of("SLOTS_HELD", "EXPOSURE_HELD", "STALE_FX", "STALE_FEEDS");

  public sealed interface Command {}

  /** Look now (the timer sends it; tests too). */
  public record Check() implements Command {}

  private record Seen(TradingIdle idle) implements Command {}

  private record Failed(Throwable cause) implements Command {}

  private IdleWatch() {}

  public static ActorRef<Command> initSingleton(
      ActorSystem<?> system, Supplier<CompletionStage<TradingIdle>> whyIdle, AlertSink alerts, Duration interval) {
    return ClusterSingleton.get(system).init(SingletonActor.of(
        Behaviors.withTimers(t -> {
          t.startTimerWithFixedDelay(new Check(), interval);
          return create(whyIdle, alerts, Clock.systemUTC());
        }), "trading-idle-watch"));
  }

  public static Behavior<Command> create(
      Supplier<CompletionStage<TradingIdle>> whyIdle, AlertSink alerts, Clock clock) {
    Spells spells = new Spells();
    return Behaviors.setup(ctx -> {
      boolean[] asking = {false};
      return Behaviors.receive(Command.class)
          .onMessage(Check.class, c -> {
            if (!asking[0]) { // else the last question is still out
              asking[0] = true;
              ctx.pipeToSelf(whyIdle.get(), (idle, e) -> e == null ? new Seen(idle) : new Failed(e));
            }
            return Behaviors.same();
          })
          .onMessage(Failed.class, f -> {
            asking[0] = false;
            return Behaviors.same();
          })
          .onMessage(Seen.class, s -> {
            asking[0] = false;
            spells.seen(s.idle(), clock.instant()).ifPresent(alerts::publish);
            return Behaviors.same();
          })
          .build();
    });
  }

  /** The decision: the alert to send for what was just seen, if any. Not thread-safe (the actor's own state). */
  static final class Spells {
    private String last;
    private boolean alerted;

    java.util.Optional<Alert> seen(TradingIdle idle, java.time.Instant at) {
      String code = idle.code();
      boolean again = code.equals(last);
      last = code;
      if (!again) {
        alerted = false;
        return java.util.Optional.empty(); // one look is not enough
      }
      if (alerted || !ALERTED.contains(code)) {
        return java.util.Optional.empty();
      }
      alerted = true;
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("reason", code);
      idle.detail().forEach((k, v) -> fields.put(k, String.valueOf(v)));
      return java.util.Optional.of(new Alert(AlertKind.TRADING_IDLE, Alert.Severity.WARNING, "trading",
          "Not trading: " + idle.message(), fields, at));
    }
  }
}
