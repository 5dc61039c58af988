package io.kimp.backtest.sim;

import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.ClientIds;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleEvent.CycleCompleted;
import io.kimp.core.cycle.CycleEvent.CycleDeadLettered;
import io.kimp.core.cycle.CycleEvent.CycleDiscarded;
import io.kimp.core.cycle.CycleEvent.CycleStarted;
import io.kimp.core.cycle.CycleEvent.RebalanceStarted;
import io.kimp.core.cycle.CycleEvent.StepCompleted;
import io.kimp.core.cycle.CycleEvent.StepFailed;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.market.Direction;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records what the cycle rules did during a replay, from their events and the capital releases, as {@link TradeRecord}s
 * plus counts (failures, dead letters, alerts) for the report.
 */
public final class CycleTape {
  private final Map<UUID, Open> open = new HashMap<>();
  private final List<TradeRecord> trades = new ArrayList<>();
  private final Map<AlertKind, Long> alerts = new EnumMap<>(AlertKind.class);
  private final List<String> deadLetterReasons = new ArrayList<>();
  private final DecisionTap tap;
  private final Map<UUID, HedgeAcc> hedges = new HashMap<>();
  private final Map<UUID, HedgeRecord> hedgeRecords = new HashMap<>();
  private long stepFailures;
  private long hedgeFills;

  public CycleTape() {
    this(DecisionTap.NONE);
  }

  public CycleTape(DecisionTap tap) {
    this.tap = tap;
  }

  private static final class Open {
    UUID cycleId;
    String symbol;
    Direction direction;
    Instant startedAt;
    Instant rebalanceAt;
    Instant endedAt;
    BigDecimal investmentKrw;
    double entryPremium;
    double entryEdge;
    double exitPremium = Double.NaN;
    String rebalanceCoin;
    String status = "OPEN";
    int failures;
    BigDecimal usdtKrw;
    final Map<String, BigDecimal> prices = new HashMap<>();
  }

  /** One cycle's perpetual fills and funding so far. */
  private static final class HedgeAcc {
    int fills;
    BigDecimal shorted = BigDecimal.ZERO;
    BigDecimal soldNotional = BigDecimal.ZERO;
    BigDecimal closed = BigDecimal.ZERO;
    BigDecimal boughtNotional = BigDecimal.ZERO;
    BigDecimal fees = BigDecimal.ZERO;
    BigDecimal funding = BigDecimal.ZERO;
    final Map<String, BigDecimal> net = new HashMap<>();
  }

  void event(CycleEvent e) {
    tap.event(e);
    if (e instanceof CycleStarted s) {
      Open o = new Open();
      o.cycleId = s.cycleId();
      o.symbol = s.symbol();
      o.direction = s.opportunity().direction();
      o.startedAt = s.at();
      o.investmentKrw = s.investmentKrw();
      o.entryPremium = s.opportunity().premiumPercent();
      o.entryEdge = s.opportunity().netEdgePercent();
      o.usdtKrw = s.usdtKrw();
      open.put(s.cycleId(), o);
      return;
    }
    Open o = open.get(e.cycleId());
    if (o == null) {
      return;
    }
    if (e instanceof StepCompleted c && c.record().order() != null) {
      o.prices.put(c.record().leg() + "/" + c.record().step(), c.record().order().averagePrice());
    } else if (e instanceof RebalanceStarted r) {
      o.rebalanceAt = r.at();
      o.rebalanceCoin = r.plan().coin();
      o.exitPremium = r.plan().premiumPercent();
      if (r.plan().usdtKrw() != null && r.plan().usdtKrw().signum() > 0) {
        o.usdtKrw = r.plan().usdtKrw(); // the cycle settles at its rebalance's rate, as CycleRules does
      }
    } else if (e instanceof StepFailed) {
      o.failures++;
      stepFailures++;
    } else if (e instanceof CycleDeadLettered d) {
      deadLetterReasons.add(d.at() + " " + d.failureClass() + ": " + d.reason());
    } else if (e instanceof CycleCompleted c) {
      o.status = "COMPLETED";
      o.endedAt = c.at();
    } else if (e instanceof CycleDiscarded d) {
      o.status = "FAILED";
      o.endedAt = d.at();
    }
  }

  /** The ledger took the cycle's capital back with {@code pnlKrw}: the cycle is closed. */
  void released(UUID cycleId, BigDecimal pnlKrw, Instant at) {
    Open o = open.remove(cycleId);
    if (o == null) {
      return;
    }
    BigDecimal pnl = pnlKrw == null ? BigDecimal.ZERO : pnlKrw;
    HedgeAcc h = hedges.remove(cycleId);
    if (h != null) {
      BigDecimal pnlUsdt = h.soldNotional.subtract(h.boughtNotional);
      hedgeRecords.put(cycleId, new HedgeRecord(cycleId, h.fills, h.shorted,
          h.shorted.signum() == 0 ? null : h.soldNotional.divide(h.shorted, MathContext.DECIMAL64), h.closed,
          h.closed.signum() == 0 ? null : h.boughtNotional.divide(h.closed, MathContext.DECIMAL64), pnlUsdt, h.fees,
          h.funding, o.usdtKrw, pnlUsdt.multiply(o.usdtKrw), h.fees.subtract(h.funding).multiply(o.usdtKrw)));
    }
    double pct = pnl.divide(o.investmentKrw, MathContext.DECIMAL64).doubleValue() * 100.0;
    trades.add(new TradeRecord(
        o.cycleId, o.symbol, o.direction, o.status, o.startedAt, o.rebalanceAt, o.endedAt != null ? o.endedAt : at,
        o.investmentKrw, o.entryPremium, o.entryEdge, o.exitPremium, o.rebalanceCoin, pnl, pct, o.failures,
        o.prices.get(key(Leg.INITIAL, Step.BUY)), o.prices.get(key(Leg.INITIAL, Step.SELL)),
        o.prices.get(key(Leg.REBALANCE, Step.BUY)), o.prices.get(key(Leg.REBALANCE, Step.SELL))));
  }

  /** A perpetual fill: booked to the cycle its client id names. */
  void perpFill(SimPerpVenue.Fill f) {
    UUID id;
    try {
      id = ClientIds.cycleIdOf(f.clientId());
    } catch (IllegalArgumentException e) {
      return; // not a cycle's order
    }
    hedgeFills++;
    HedgeAcc a = hedges.computeIfAbsent(id, k -> new HedgeAcc());
    a.fills++;
    BigDecimal q = f.quantity().abs();
    if (f.quantity().signum() < 0) {
      a.shorted = a.shorted.add(q);
      a.soldNotional = a.soldNotional.add(q.multiply(f.price()));
    } else {
      a.closed = a.closed.add(q);
      a.boughtNotional = a.boughtNotional.add(q.multiply(f.price()));
    }
    a.fees = a.fees.add(f.feeUsdt());
    a.net.merge(f.coin(), f.quantity(), BigDecimal::add);
  }

  /** A funding settlement: shared by the cycles holding a position in the coin, in proportion to it. */
  void funding(SimPerpVenue.FundingPayment p) {
    if (p.position().signum() == 0) {
      return;
    }
    for (HedgeAcc a : hedges.values()) {
      BigDecimal held = a.net.getOrDefault(p.coin(), BigDecimal.ZERO);
      if (held.signum() != 0) {
        a.funding = a.funding.add(p.amountUsdt().multiply(held).divide(p.position(), MathContext.DECIMAL64));
      }
    }
  }

  /** The funding the cycle received (negative: paid) so far, in KRW at its USDT/KRW: zero without a hedge. */
  BigDecimal fundingKrw(UUID cycleId) {
    HedgeAcc a = hedges.get(cycleId);
    Open o = open.get(cycleId);
    if (a == null || o == null || a.funding.signum() == 0) {
      return BigDecimal.ZERO;
    }
    return a.funding.multiply(o.usdtKrw);
  }

  void alert(AlertKind kind) {
    alerts.merge(kind, 1L, Long::sum);
  }

  private static String key(Leg leg, Step step) {
    return leg + "/" + step;
  }

  public List<TradeRecord> trades() {
    return Collections.unmodifiableList(trades);
  }

  /** The hedge of each closed cycle that had one. */
  public Map<UUID, HedgeRecord> hedges() {
    return Collections.unmodifiableMap(hedgeRecords);
  }

  public Map<AlertKind, Long> alerts() {
    return Collections.unmodifiableMap(alerts);
  }

  public List<String> deadLetterReasons() {
    return Collections.unmodifiableList(deadLetterReasons);
  }

  public long hedgeFills() {
    return hedgeFills;
  }

  public long stepFailures() {
    return stepFailures;
  }
}
