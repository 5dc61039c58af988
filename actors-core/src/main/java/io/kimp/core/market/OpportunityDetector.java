package io.kimp.core.market;

import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.OpportunityRule;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies {@link OpportunityRule#detect} to a coin each time one of its inputs changes in the {@link MarketState}, and offers
 * what it finds to the {@link OpportunitySink}, guarded three times:
 *
 * <ul>
 *   <li>stale guard: a coin whose newest Upbit event, Binance event or USDT/KRW rate is older than the stale limit emits
 *       nothing (a dead feed must never look like a premium); each suppressed evaluation is counted;
 *   <li>cooldown: after an offer, the coin is not offered again for {@code cooldown}, so a persisting edge does not flood its
 *       cycle entity with a start per tick (the entity refuses starts while a cycle is open anyway);
 *   <li>capacity: while the portfolio would refuse any new cycle (every slot held, no capital free, trading paused), what
 *       is found is not offered, and the coin does not cool down, so it is offered as soon as there is room again. Each
 *       start not offered is counted. The portfolio stays the authority: a start offered as a slot fills is refused there.
 * </ul>
 *
 * <p>With the transfer hedge on ({@code OpportunityRule.Settings.hedge()}), a coin whose perpetual is fresh in the
 * {@link MarketState} is evaluated hedged (the edge pays the hedge); one without is offered unhedged or not at all, as
 * {@code kimp.hedge.unlisted} says. A perpetual's own events ask for no evaluation: the coin's next spot event sees them.
 *
 * <p>Not an actor on purpose: it runs inside the market-data stream stage that applied the event, on the same thread, with
 * no mailbox hop or message allocation per tick. That is what keeps tick-to-decision latency in microseconds at hundreds
 * of thousands of events per second; the only asynchronous boundary is the sink, crossed once per opportunity. Single
 * threaded like {@link MarketState#apply}; its counters may be read from any thread.
 */
public final class OpportunityDetector {

  /**
   * @param cooldown how long a coin stays quiet after an offer
   * @param rule the trading rule's thresholds and costs
   * @param minSpreadPercent where the current minimum net edge comes from when it can change at runtime (the node's
   *     runtime settings, set cluster-wide through the admin API); null: {@code rule}'s fixed value
   * @param startGate whether the portfolio has room for the start (the node's copy of its capacity); null: always offer
   */
  public record Settings(
      Duration cooldown, OpportunityRule.Settings rule, DoubleSupplier minSpreadPercent, StartGate startGate) {
    public Settings {
      Objects.requireNonNull(rule, "rule");
      if (cooldown.isNegative()) {
        throw new IllegalArgumentException("cooldown must not be negative");
      }
    }

    public Settings(Duration cooldown, OpportunityRule.Settings rule) {
      this(cooldown, rule, null, null);
    }

    /** These settings, with the minimum net edge read from {@code supplier} at every evaluation. */
    public Settings withMinSpreadFrom(DoubleSupplier supplier) {
      return new Settings(cooldown, rule, supplier, startGate);
    }

    /** These settings, offering a start only when {@code gate} admits it. */
    public Settings withStartGate(StartGate gate) {
      return new Settings(cooldown, rule, minSpreadPercent, gate);
    }
  }

  /**
   * Counters for the metrics layer. Only the detector's thread counts, so a count is a read and a release store (readers
   * on other threads see it as soon as the store is visible), not an atomic add: that is a locked instruction per event.
   */
  public static final class Stats {
    final AtomicLong evaluated = new AtomicLong();
    final AtomicLong suppressedStale = new AtomicLong();
    final AtomicLong suppressedCooldown = new AtomicLong();
    final AtomicLong offered = new AtomicLong();
    final AtomicLong suppressedNoCapacity = new AtomicLong();

    /** Counts one; the detector's thread only. */
    static void count(AtomicLong counter) {
      counter.lazySet(counter.get() + 1);
    }

    /** Coin evaluations that ran the trading rule. */
    public long evaluated() {
      return evaluated.get();
    }

    /** Evaluations skipped because a side or the rate was stale. */
    public long suppressedStale() {
      return suppressedStale.get();
    }

    /** Evaluations skipped because the coin was cooling down after an offer. */
    public long suppressedCooldown() {
      return suppressedCooldown.get();
    }

    /** Opportunities found but not offered because the portfolio had no room for a new cycle. */
    public long suppressedNoCapacity() {
      return suppressedNoCapacity.get();
    }

    /** Opportunities offered to the sink. */
    public long offered() {
      return offered.get();
    }
  }

  private final MarketState state;
  private final DoubleSupplier minSpread;
  private final StartGate startGate;
  /** The rule's settings at the last minimum net edge seen: rebuilt only when it changes (rarely). */
  private OpportunityRule.Settings rule;
  private final long cooldownMillis;
  private final OpportunitySink sink;
  private final Map<String, long[]> quietUntil = new HashMap<>();
  private final Stats stats = new Stats();

  public OpportunityDetector(MarketState state, Settings settings, OpportunitySink sink) {
    this.state = state;
    this.rule = settings.rule();
    this.minSpread = settings.minSpreadPercent();
    this.startGate = settings.startGate();
    this.cooldownMillis = settings.cooldown().toMillis();
    this.sink = sink;
  }

  public Stats stats() {
    return stats;
  }

  /**
   * Re-evaluates what {@code applied} changed: the event's coin, or every coin after a USDT/KRW move.
   *
   * @param now the time to judge staleness and cooldown at (the event's receive time)
   * @return the number of opportunities offered
   */
  public int onApplied(MarketState.Applied applied, String coin, long now) {
    if (applied == MarketState.Applied.COIN) {
      return evaluate(coin, now) != null ? 1 : 0;
    }
    if (applied == MarketState.Applied.RATE) {
      int n = 0;
      for (String c : state.coins()) {
        if (evaluate(c, now) != null) {
          n++;
        }
      }
      return n;
    }
    return 0;
  }

  /** Evaluates one coin; returns the opportunity offered, or null. */
  public Opportunity evaluate(String coin, long now) {
    MarketState.CoinSlot slot = state.slotOrNull(coin); // one lookup for the books, times and volumes below
    if (slot == null) {
      return null;
    }
    Book upbit = slot.upbit.book;
    Book binance = slot.binance.book;
    if (upbit == null || binance == null) {
      return null; // a side never seen: nothing to compare yet
    }
    if (!state.isFresh(slot, now)) {
      Stats.count(stats.suppressedStale);
      return null;
    }
    long[] quiet = quietUntil.get(coin);
    if (quiet != null && now < quiet[0]) {
      Stats.count(stats.suppressedCooldown);
      return null;
    }
    Stats.count(stats.evaluated);
    if (minSpread != null) {
      double ms = minSpread.getAsDouble(); // one volatile read
      if (ms != rule.minSpreadPercent()) {
        rule = rule.withMinSpreadPercent(ms);
      }
    }
    Optional<Opportunity> found;
    MarketState.PerpTop perp;
    if (rule.hedge().enabled() && (perp = slot.perp) != null && state.isFresh(perp, now)) {
      found = OpportunityRule.detect(
          coin, upbit, binance, state.usdtKrwOrNaN(), slot.upbit.volume24hQuote, slot.binance.volume24hQuote, rule,
          perp.bid(), perp.ask(), perp.markPrice(), perp.fundingRate(), Instant.ofEpochMilli(now));
    } else {
      found = OpportunityRule.detect(
          coin, upbit, binance, state.usdtKrwOrNaN(), slot.upbit.volume24hQuote, slot.binance.volume24hQuote, rule,
          Instant.ofEpochMilli(now));
    }
    if (found.isEmpty()) {
      return null;
    }
    if (startGate != null && !startGate.admit(now)) {
      Stats.count(stats.suppressedNoCapacity); // no cooldown: offered as soon as the portfolio has room
      return null;
    }
    if (quiet == null) {
      quiet = new long[1];
      quietUntil.put(coin, quiet);
    }
    quiet[0] = now + cooldownMillis;
    Stats.count(stats.offered);
    Opportunity o = found.get();
    sink.offer(o);
    return o;
  }
}
