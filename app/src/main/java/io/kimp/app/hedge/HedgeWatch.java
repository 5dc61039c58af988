package io.kimp.app.hedge;

import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpPosition;
import io.kimp.core.venue.PerpetualGateway;
import io.kimp.persistence.readmodel.HedgeQueries;
import io.kimp.persistence.readmodel.HedgeQueries.Exposure;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide check of the transfer hedge: the perpetual account's position per coin against the sum of the shorts
 * the cycles' journals say are open (the read model, {@link HedgeQueries}). Each cycle already reconciles its own hedge
 * orders by client id and checks that its own short is there; what only a cluster-wide view can see is the sum: a short
 * no cycle accounts for (an order that executed after its cycle had given it up, a position opened by hand on the
 * trading key) or a hedge the venue lost.
 *
 * <p>A difference counts only when it is seen in two checks in a row with the same expected figure and no hedge order of
 * the coin unresolved (the read model trails the journal by a moment, and an order in flight changes the position before
 * its fill is projected). Then: a CRITICAL alert naming the coin, the expected and the seen short; and a short that no
 * cycle expects at all (an orphan) is closed with a reduce-only market buy when {@code closeOrphans} is on — reduce-only
 * can never open a long, so the close is safe even if it races a cycle. A larger or smaller short that some cycle does
 * expect is left to the operator: the alert says which. Runs as a cluster singleton, so one node acts.
 */
public final class HedgeWatch {
  private static final Logger log = LoggerFactory.getLogger(HedgeWatch.class);

  /**
   * The client-id prefix of the watch's own closes of orphan shorts (no cycle's intent names them: the state guard
   * leaves them out of its ledger-against-journal check). At most 36 characters in all, as Binance requires.
   */
  public static final String ORPHAN_CLOSE_PREFIX = "kimp-orphan-";

  /** A coin's hedge position as last checked. */
  public record CoinHedge(
      String coin, BigDecimal expectedShort, BigDecimal seenShort, boolean settling, boolean mismatch,
      String action) {}

  /** The last check: when, and each coin's figures; {@code error} when the check itself failed. */
  public record Snapshot(Instant at, List<CoinHedge> coins, String error) {
    public static final Snapshot NONE = new Snapshot(null, List.of(), null);

    public long mismatches() {
      return coins.stream().filter(CoinHedge::mismatch).count();
    }
  }

  /** What the watch needs from the node. */
  public record Dependencies(
      PerpetualGateway venue,
      HedgeQueries queries,
      Executor blocking,
      Collection<String> watchedCoins,
      AlertSink alerts,
      Clock clock,
      Duration interval,
      boolean closeOrphans) {}

  public sealed interface Command {}

  private record Tick() implements Command {}

  /** The last check's snapshot (any node asks the singleton through its proxy). */
  public record Get(ActorRef<Snapshot> replyTo) implements Command {}

  private record Checked(Map<String, Exposure> expected, Map<String, PerpPosition> seen, String error)
      implements Command {}

  private HedgeWatch() {}

  public static Behavior<Command> create(Dependencies d) {
    return Behaviors.withTimers(
        timers -> {
          // two keys: the first check soon after start, then one every interval (one key would replace the other)
          timers.startTimerWithFixedDelay("every-interval", new Tick(), d.interval());
          timers.startSingleTimer("first", new Tick(), Duration.ofSeconds(1).compareTo(d.interval()) < 0
              ? Duration.ofSeconds(1) : d.interval());
          return Behaviors.setup(ctx -> new State(d, ctx.getSelf()).behavior());
        });
  }

  /** A coin's difference between what the journals expect and what the venue holds (null when they agree). */
  static CoinHedge compare(String coin, Exposure expected, PerpPosition seen) {
    BigDecimal exp = expected == null ? BigDecimal.ZERO : expected.expectedShort();
    BigDecimal short_ = seen == null ? BigDecimal.ZERO : seen.quantity().negate();
    boolean settling = expected != null && expected.settling();
    boolean differs = exp.compareTo(short_) != 0;
    return new CoinHedge(coin, exp, short_, settling, differs && !settling, null);
  }

  private static final class State {
    private final Dependencies d;
    private final ActorRef<Command> self;
    /** The differences of the previous check, by coin: one must repeat before it counts. */
    private Map<String, CoinHedge> previous = Map.of();
    /** Coins already alerted for this difference (no repeated alert while it lasts). */
    private final Map<String, CoinHedge> alerted = new HashMap<>();
    private boolean checking;
    private Snapshot published = Snapshot.NONE;

    State(Dependencies d, ActorRef<Command> self) {
      this.d = d;
      this.self = self;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> onTick())
          .onMessage(Checked.class, this::onChecked)
          .onMessage(Get.class, g -> {
            g.replyTo().tell(published);
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Command> onTick() {
      if (checking) {
        return Behaviors.same();
      }
      checking = true;
      CompletableFuture.supplyAsync(
              () -> {
                try {
                  return d.queries().exposures();
                } catch (Exception e) {
                  throw new IllegalStateException("the read model could not be read: " + e.getMessage(), e);
                }
              },
              d.blocking())
          .thenCompose(this::positions)
          .whenComplete(
              (checked, failure) ->
                  self.tell(failure != null
                      ? new Checked(Map.of(), Map.of(), rootMessage(failure))
                      : checked));
      return Behaviors.same();
    }

    private CompletionStage<Checked> positions(Map<String, Exposure> expected) {
      Set<String> coins = new TreeSet<>(d.watchedCoins());
      coins.addAll(expected.keySet());
      Map<String, PerpPosition> seen = new LinkedHashMap<>();
      CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
      for (String coin : coins) {
        all = all.thenCompose(
            v -> d.venue().position(coin).toCompletableFuture().thenAccept(p -> seen.put(coin, p)));
      }
      return all.thenApply(v -> new Checked(expected, seen, null));
    }

    private Behavior<Command> onChecked(Checked c) {
      checking = false;
      Instant now = d.clock().instant();
      if (c.error() != null) {
        log.warn("hedge position check failed: {}", c.error());
        published = new Snapshot(now, published.coins(), c.error());
        return Behaviors.same();
      }
      List<CoinHedge> coins = new ArrayList<>();
      Map<String, CoinHedge> differences = new HashMap<>();
      for (Map.Entry<String, PerpPosition> e : c.seen().entrySet()) {
        CoinHedge h = compare(e.getKey(), c.expected().get(e.getKey()), e.getValue());
        if (h.mismatch()) {
          CoinHedge before = previous.get(h.coin());
          boolean confirmed = before != null && before.expectedShort().compareTo(h.expectedShort()) == 0
              && before.seenShort().compareTo(h.seenShort()) == 0;
          differences.put(h.coin(), h);
          h = confirmed ? act(h, now) : new CoinHedge(h.coin(), h.expectedShort(), h.seenShort(), false, false,
              "seen once; checked again before anything is done");
        } else {
          alerted.remove(h.coin());
        }
        if (h.expectedShort().signum() != 0 || h.seenShort().signum() != 0 || h.mismatch()) {
          coins.add(h);
        }
      }
      previous = differences;
      published = new Snapshot(now, List.copyOf(coins), null);
      return Behaviors.same();
    }

    private CoinHedge act(CoinHedge h, Instant now) {
      boolean orphan = h.expectedShort().signum() == 0 && h.seenShort().signum() > 0;
      String action;
      if (orphan && d.closeOrphans()) {
        action = "closing the orphan short of " + h.seenShort().toPlainString() + " with a reduce-only buy";
        String clientId = ORPHAN_CLOSE_PREFIX + h.coin().toLowerCase(java.util.Locale.ROOT) + "-" + now.getEpochSecond();
        d.venue().placeOrder(PerpOrderRequest.closeShort(clientId, h.coin(), h.seenShort()))
            .whenComplete((r, f) -> {
              if (f != null) {
                log.error("closing the orphan {} short failed: {}", h.coin(), rootMessage(f));
              } else {
                log.warn("closed the orphan {} short: {} at {}", h.coin(), r.filledQuantity(), r.averagePrice());
              }
            });
      } else if (orphan) {
        action = "an orphan short, or a cycle's new short the read model has not caught up with yet: if it is still "
            + "there at the next checks, close it by hand (kimp.hedge.close-orphans is off)";
      } else if (h.seenShort().compareTo(h.expectedShort()) < 0) {
        action = "the venue holds less short than the open cycles hedge: "
            + h.expectedShort().subtract(h.seenShort()).toPlainString() + " " + h.coin() + " unhedged; check the "
            + "cycles holding it (GET /api/v1/hedge) and the futures account";
      } else {
        action = "the venue holds more short than the open cycles hedge: "
            + h.seenShort().subtract(h.expectedShort()).toPlainString() + " " + h.coin() + " not accounted for";
      }
      CoinHedge out = new CoinHedge(h.coin(), h.expectedShort(), h.seenShort(), false, true, action);
      CoinHedge before = alerted.get(h.coin());
      if (before == null || before.seenShort().compareTo(h.seenShort()) != 0
          || before.expectedShort().compareTo(h.expectedShort()) != 0) {
        alerted.put(h.coin(), out);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("coin", h.coin());
        fields.put("expected short", h.expectedShort().toPlainString());
        fields.put("venue short", h.seenShort().toPlainString());
        fields.put("action", action);
        d.alerts().publish(new Alert(AlertKind.HEDGE_POSITION_MISMATCH, Alert.Severity.CRITICAL, h.coin(),
            "Hedge position differs from the cycles' journals: " + h.coin(), fields, now));
        log.error("hedge position of {}: expected short {}, the venue holds {}; {}", h.coin(),
            h.expectedShort().toPlainString(), h.seenShort().toPlainString(), action);
      }
      return out;
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
