package io.kimp.persistence.journal;

import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.CycleEffect;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleInput.AddressFailed;
import io.kimp.core.cycle.CycleInput.AddressResolved;
import io.kimp.core.cycle.CycleInput.CapitalGranted;
import io.kimp.core.cycle.CycleInput.CapitalReleaseAcked;
import io.kimp.core.cycle.CycleInput.DeadLetterAcked;
import io.kimp.core.cycle.CycleInput.Discard;
import io.kimp.core.cycle.CycleInput.MarketSnapshot;
import io.kimp.core.cycle.CycleInput.Reconciled;
import io.kimp.core.cycle.CycleInput.Recover;
import io.kimp.core.cycle.CycleInput.Start;
import io.kimp.core.cycle.CycleInput.TimerFired;
import io.kimp.core.cycle.CycleInput.TimerKind;
import io.kimp.core.cycle.CycleInput.TransferPolled;
import io.kimp.core.cycle.CycleInput.VenueReplied;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleState;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.Decision;
import io.kimp.core.cycle.Leg;
import io.kimp.core.market.CoinQuote;
import io.kimp.core.market.Direction;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.DepositStatus;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import io.kimp.core.venue.WithdrawalResult;
import io.kimp.core.venue.WithdrawalStatus;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A deterministic run of the cycle rules (the same {@code decide}/{@code apply} the entity runs) over four symbols,
 * scripted so that the journal it produces holds every event type and passes through every cycle state: a completed cycle
 * with an unknown outcome, a deferred and overdue rebalance, a lost intent (not placed), a transient failure, a retry, and
 * a released capital; a cycle dead-lettered, registered, recovered, dead-lettered again and discarded; a deposit timeout
 * left awaiting its retry; a dead letter from a missing deposit address; a buy left in flight.
 *
 * <p>Used once by {@link OldJournalFixtureGenerator} to write the committed old-journal fixture. Fixed clock and ids: the
 * same code always produces the same events.
 */
final class OldJournalScenario {
  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  private static final MathContext MC = MathContext.DECIMAL64;
  private static final BigDecimal RATE = new BigDecimal("1400");

  /** The events of each symbol's entity, in journal order. */
  static Map<String, List<CycleEvent>> run() {
    Map<String, List<CycleEvent>> out = new LinkedHashMap<>();
    out.put("XRP", xrp());
    out.put("TRX", trx());
    out.put("ETH", eth());
    out.put("SOL", sol());
    return out;
  }

  /** One symbol's entity, driven by the pure rules on a manual clock. */
  private static final class Entity {
    final CycleRules rules;
    final List<CycleEvent> events = new ArrayList<>();
    final List<UUID> ids;
    CycleState state;
    Instant now = T0;

    Entity(String symbol, String... cycleIds) {
      ids = new ArrayList<>();
      for (String id : cycleIds) {
        ids.add(UUID.fromString(id));
      }
      List<UUID> queue = new ArrayList<>(ids);
      rules = new CycleRules(CoreSettings.cycle(ConfigFactory.load()), () -> queue.remove(0));
      state = CycleState.empty(symbol);
    }

    Decision feed(CycleInput in) {
      Decision d = rules.decide(state, in, now);
      for (CycleEvent e : d.events()) {
        state = rules.apply(state, e);
        events.add(e);
      }
      return d;
    }

    /** The entity restarted: the same call its recovery makes. */
    Decision wake() {
      return feed(new CycleInput.Wake());
    }

    void later(Duration d) {
      now = now.plus(d);
    }

    String currentId() {
      return state.cycle().current().clientId();
    }

    UUID cycleId() {
      return state.cycle().cycleId();
    }

    void expect(CycleStatus s) {
      if (state.status() != s) {
        throw new IllegalStateException(state.symbol() + " is " + state.status() + ", expected " + s);
      }
    }

    /** Start → the portfolio grants → STARTED with the BUY intent. */
    UUID start(Opportunity opp, String krw) {
      Decision reserve = feed(new Start(opp));
      CycleEffect.ReserveCapital r =
          reserve.effects().stream()
              .filter(CycleEffect.ReserveCapital.class::isInstance)
              .map(CycleEffect.ReserveCapital.class::cast)
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no reservation: " + reserve.reply()));
      feed(new CapitalGranted(r.cycleId(), r.opportunity(), new BigDecimal(krw)));
      expect(CycleStatus.STARTED);
      return r.cycleId();
    }

    OrderResult filled(String qty, String price, String fee, String feeAsset) {
      BigDecimal q = new BigDecimal(qty);
      BigDecimal p = new BigDecimal(price);
      return new OrderResult(currentId(), "o-" + currentId(), OrderStatus.FILLED, q, p, q.multiply(p, MC),
          new BigDecimal(fee), feeAsset, now);
    }

    WithdrawalResult withdrawal(String coin, String amount, String fee) {
      return new WithdrawalResult(currentId(), "w-" + currentId(), WithdrawalStatus.PROCESSING, coin,
          new BigDecimal(amount), new BigDecimal(fee), "tx-" + currentId(), now);
    }

    Deposit credited(String coin, String amount, String txId) {
      return new Deposit("d-" + txId, coin, new BigDecimal(amount), txId, DepositStatus.CREDITED, now.minusSeconds(5));
    }

    Map<String, CoinQuote> quotes(String coin, String upbit, String binance) {
      BigDecimal u = new BigDecimal(upbit);
      BigDecimal b = new BigDecimal(binance);
      return Map.of(coin, new CoinQuote(coin, u, u, b, b, RATE, now));
    }
  }

  private static Opportunity opportunity(String symbol, Direction d, String buy, String sell, Instant at) {
    return new Opportunity(symbol, d, d == Direction.KIMCHI ? 2.0 : -1.8, d == Direction.KIMCHI ? 1.2 : 0.9,
        new BigDecimal("1000000"), new BigDecimal(buy), new BigDecimal(sell), RATE, at);
  }

  /** XRP: a completed cycle through every rebalance and retry state, then a cycle dead-lettered twice and discarded. */
  private static List<CycleEvent> xrp() {
    Entity x =
        new Entity("XRP", "6a1c0e2b-7f0d-4c7e-9a55-0d2f4e1b7c01", "6a1c0e2b-7f0d-4c7e-9a55-0d2f4e1b7c02");
    UUID first = x.start(opportunity("XRP", Direction.KIMCHI, "2.0", "2856", T0), "280000");
    // the BUY goes unanswered: deadline, unknown outcome, reconciled as filled
    x.later(Duration.ofSeconds(30));
    x.feed(new TimerFired(TimerKind.STEP_DEADLINE, x.currentId()));
    x.later(Duration.ofSeconds(2));
    x.feed(new Reconciled(x.currentId(), true, x.filled("100", "2", "0.1", "XRP"), null, null));
    x.feed(new AddressResolved(first, Leg.INITIAL, new DepositAddress("XRP", "XRP", "r-upbit", "42")));
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.withdrawal(x.currentId(), x.withdrawal("XRP", "99.7", "0.2")));
    String tx = "tx-" + x.state.cycle().completed(Leg.INITIAL, io.kimp.core.cycle.Step.WITHDRAW).orElseThrow().clientId();
    x.later(Duration.ofMinutes(3));
    x.feed(new TransferPolled(x.currentId(), null, List.of(x.credited("XRP", "99.7", tx)), null));
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.order(x.currentId(), x.filled("99.7", "2900", "144.565", "KRW")));
    x.expect(CycleStatus.INITIAL_TRADE_COMPLETED);
    // no coin pays yet: deferred, then overdue after 30 min
    x.feed(new MarketSnapshot(x.quotes("XRP", "2820", "2.02"), new BigDecimal("50")));
    x.expect(CycleStatus.AWAITING_REBALANCE);
    x.later(Duration.ofMinutes(31));
    x.feed(new MarketSnapshot(x.quotes("XRP", "2820", "2.02"), new BigDecimal("50")));
    x.later(Duration.ofMinutes(1));
    x.feed(new MarketSnapshot(x.quotes("XRP", "2820", "2.02")));
    x.expect(CycleStatus.REBALANCING_IN_PROGRESS);
    // the node dies after the rebalance BUY's intent; the venue never saw it: not placed, a new attempt
    x.later(Duration.ofSeconds(20));
    x.wake();
    x.feed(new Reconciled(x.currentId(), false, null, null, null));
    // that attempt fails transiently: a retry, due 10 min later
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.failed(x.currentId(), FailureClass.TRANSIENT, "503 Service Unavailable"));
    x.expect(CycleStatus.AWAITING_RETRY);
    x.later(Duration.ofMinutes(10));
    x.feed(new TimerFired(TimerKind.RETRY_DUE, first.toString()));
    x.expect(CycleStatus.REBALANCING_IN_PROGRESS);
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.order(x.currentId(), x.filled("102.4", "2820", "144.38", "KRW")));
    x.feed(new AddressResolved(first, Leg.REBALANCE, new DepositAddress("XRP", "XRP", "r-binance", "7")));
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.withdrawal(x.currentId(), x.withdrawal("XRP", "101.4", "1")));
    String tx2 =
        "tx-" + x.state.cycle().completed(Leg.REBALANCE, io.kimp.core.cycle.Step.WITHDRAW).orElseThrow().clientId();
    x.later(Duration.ofMinutes(2));
    x.feed(new TransferPolled(x.currentId(), null, List.of(x.credited("XRP", "101.4", tx2)), null));
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.order(x.currentId(), x.filled("101.4", "2.02", "0.204828", "USDT")));
    x.expect(CycleStatus.COMPLETED);
    x.feed(new CapitalReleaseAcked(first));

    // the second cycle: a permanent failure, registered, recovered, failed again and discarded
    x.later(Duration.ofHours(1));
    UUID second = x.start(opportunity("XRP", Direction.KIMCHI, "2.1", "2990", x.now), "250000");
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.failed(x.currentId(), FailureClass.PERMANENT, "-2010 Account has insufficient balance"));
    x.expect(CycleStatus.DEAD_LETTER);
    x.feed(new DeadLetterAcked(second));
    x.later(Duration.ofMinutes(15));
    x.feed(new Recover(second, "operator:telegram"));
    x.expect(CycleStatus.STARTED);
    x.later(Duration.ofSeconds(1));
    x.feed(VenueReplied.failed(x.currentId(), FailureClass.PERMANENT, "-2010 Account has insufficient balance"));
    x.feed(new DeadLetterAcked(second));
    x.later(Duration.ofMinutes(5));
    x.feed(new Discard(second, "balance moved by hand"));
    x.expect(CycleStatus.FAILED);
    x.feed(new CapitalReleaseAcked(second));
    return x.events;
  }

  /** TRX, REVERSE: the deposit is never credited: a transient failure left awaiting its retry. */
  private static List<CycleEvent> trx() {
    Entity t = new Entity("TRX", "7b2d1f3c-8e1a-4d8f-8b66-1e3f5a2c8d01");
    UUID id = t.start(opportunity("TRX", Direction.REVERSE, "340", "0.245", T0.plusSeconds(7)), "300000");
    t.later(Duration.ofSeconds(1));
    t.feed(VenueReplied.order(t.currentId(), t.filled("882.35", "340", "150", "KRW")));
    t.feed(new AddressResolved(id, Leg.INITIAL, new DepositAddress("TRX", "TRX", "T-binance", null)));
    t.later(Duration.ofSeconds(1));
    t.feed(VenueReplied.withdrawal(t.currentId(), t.withdrawal("TRX", "881", "1")));
    t.later(Duration.ofMinutes(5));
    t.feed(new TransferPolled(t.currentId(), null, List.of(), null));
    t.later(Duration.ofMinutes(6));
    t.feed(new TransferPolled(t.currentId(), null, List.of(), "connection reset"));
    t.expect(CycleStatus.AWAITING_RETRY);
    return t.events;
  }

  /** ETH: the sell venue has no deposit address: dead-lettered before the withdrawal's intent, not yet registered. */
  private static List<CycleEvent> eth() {
    Entity e = new Entity("ETH", "8c3e2a4d-9f2b-4e90-9c77-2f4a6b3d9e01");
    UUID id = e.start(opportunity("ETH", Direction.KIMCHI, "3100", "4420000", T0.plusSeconds(11)), "250000");
    e.later(Duration.ofSeconds(1));
    e.feed(VenueReplied.order(e.currentId(), e.filled("0.0576", "3100", "0.0000576", "ETH")));
    e.feed(new AddressFailed(id, Leg.INITIAL, FailureClass.PERMANENT, "deposit address not generated"));
    e.expect(CycleStatus.DEAD_LETTER);
    return e.events;
  }

  /** SOL: the BUY's outcome is unknown (5xx) and still being reconciled. */
  private static List<CycleEvent> sol() {
    Entity s = new Entity("SOL", "9d4f3b5e-0a3c-4fa1-8d88-3a5b7c4e0f01");
    s.start(opportunity("SOL", Direction.KIMCHI, "140", "200000", T0.plusSeconds(13)), "250000");
    s.later(Duration.ofSeconds(1));
    s.feed(VenueReplied.failed(s.currentId(), FailureClass.UNKNOWN_OUTCOME, "502 Bad Gateway"));
    s.later(Duration.ofSeconds(2));
    s.feed(new Reconciled(s.currentId(), false, null, null, null));
    s.expect(CycleStatus.STARTED);
    return s.events;
  }

  private OldJournalScenario() {}
}
