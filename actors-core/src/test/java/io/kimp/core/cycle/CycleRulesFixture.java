package io.kimp.core.cycle;

import io.kimp.core.market.CoinQuote;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRule;
import io.kimp.core.strategy.TransferRules;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.OrderStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of the cycle's transition function ({@link CycleRulesTest}, {@link CycleRulesHedgeTest}) drive it with:
 * an XRP cycle with its costs and transfer rule, its state fed input by input at a clock the test moves, and the
 * builders of the venues' replies they share.
 */
abstract class CycleRulesFixture {
  static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
  static final UUID ID = UUID.fromString("0f3c2a1b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
  static final BigDecimal RATE = new BigDecimal("1400");
  static final MathContext MC = MathContext.DECIMAL64;

  final CycleSettings settings;
  final Deque<UUID> ids = new ArrayDeque<>();
  CycleRules rules;
  CycleState state;
  Instant now;

  CycleRulesFixture(CycleSettings settings) {
    this.settings = settings;
    this.rules = new CycleRules(settings, ids::poll);
  }

  /**
   * Upbit 0.05 % and Binance 0.1 % taker fees, Binance's XRP withdrawal fee 0.2, Upbit's withdrawal fees
   * {@code upbitWithdrawalFees}, and XRP's transfer rule.
   */
  static CycleSettings xrpSettings(Map<String, BigDecimal> upbitWithdrawalFees) {
    return CycleSettings.defaults()
        .withCosts(new TradingCosts(
            Map.of(Venue.UPBIT, new BigDecimal("0.0005"), Venue.BINANCE, new BigDecimal("0.001")),
            Map.of(Venue.BINANCE, Map.of("XRP", new BigDecimal("0.2")), Venue.UPBIT, upbitWithdrawalFees)))
        .withTransfers(
            new TransferRules(Map.of("XRP", new TransferRule("XRP", "XRP", 6, new BigDecimal("2"), false, true))));
  }

  @BeforeEach
  void reset() {
    state = CycleState.empty("XRP");
    now = T0;
    ids.clear();
    ids.add(ID);
  }

  Decision feed(CycleInput in) {
    Decision d = rules.decide(state, in, now);
    for (CycleEvent e : d.events()) {
      state = rules.apply(state, e);
    }
    return d;
  }

  static Opportunity opportunity() {
    return new Opportunity("XRP", Direction.KIMCHI, 2.0, 1.2, new BigDecimal("1000000"), new BigDecimal("2.0"),
        new BigDecimal("2856"), RATE, T0);
  }

  StepAttempt current() {
    return state.cycle().current();
  }

  static OrderResult filled(String clientId, String qty, String price, String fee, String feeAsset) {
    BigDecimal q = new BigDecimal(qty);
    BigDecimal p = new BigDecimal(price);
    return new OrderResult(clientId, "o-" + clientId, OrderStatus.FILLED, q, p, q.multiply(p, MC), new BigDecimal(fee),
        feeAsset, T0);
  }

  /** The decision's effects of {@code type}, eager or not. */
  static <T> List<T> effects(Decision d, Class<T> type) {
    return d.allEffects().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The decision's eager effects of {@code type}: those run before its events are durable. */
  static <T> List<T> eager(Decision d, Class<T> type) {
    return d.eager().stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T> List<T> events(Decision d, Class<T> type) {
    return d.events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  Map<String, CoinQuote> quotes(String upbitAsk, String binanceBid) {
    return Map.of("XRP", new CoinQuote("XRP", new BigDecimal(upbitAsk), new BigDecimal(upbitAsk),
        new BigDecimal(binanceBid), new BigDecimal(binanceBid), RATE, now));
  }
}
