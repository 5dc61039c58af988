package io.kimp.core.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kimp.core.market.Book;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The transfer hedge's costs in the net edge, with numbers worked out by hand: spot fees are zero so that only the hedge
 * moves the edge. 1,000,000 KRW at USDT/KRW 1,000 buys 1,000 coins at 1.000 USDT on Binance; they sell at 1,100 KRW on
 * Upbit: 10 % unhedged.
 */
class HedgedEdgeTest {
  private static final double RATE = 1000;
  private static final Book UPBIT = Book.top(Venue.UPBIT, "XRP", 1100, 1e9, 1101, 1e9, 1);
  private static final Book BINANCE = Book.top(Venue.BINANCE, "XRP", 0.999, 1e9, 1.0, 1e9, 1);
  private static final TradingCosts NO_SPOT_FEES =
      new TradingCosts(Map.of(Venue.UPBIT, BigDecimal.ZERO, Venue.BINANCE, BigDecimal.ZERO), Map.of());
  private static final Instant NOW = Instant.ofEpochMilli(1);

  private static OpportunityRule.Settings settings(HedgeCosts h) {
    return new OpportunityRule.Settings(0.5, 1_000_000, 0.01, NO_SPOT_FEES, h);
  }

  private static HedgeCosts hedge(boolean skip) {
    return new HedgeCosts(true, skip, 0.0005, 30, Map.of("XRP", 48.0, "BTC", 96.0));
  }

  @Test
  void theUnhedgedEdgeIsTenPercent() {
    EdgeCalculator.Edge e =
        EdgeCalculator.evaluate(Direction.KIMCHI, UPBIT, BINANCE, RATE, 1_000_000, 0, 0, 0, 0);
    assertThat(e.netEdgePercent()).isCloseTo(10.0, within(1e-9));
    assertThat(e.hedged()).isFalse();
    assertThat(e.hedgeCostPercent()).isZero();
  }

  @Test
  void theHedgePaysTwoFuturesFeesThePerpetualsSpreadAndReceivesPositiveFunding() {
    // short 1,000 coins at the perpetual's bid 1.000, buy back at its ask 1.002, mark 1.001; funding +0.01 % per 8 h
    // over 48 minutes: 0.0001 x 48 / 480 = 0.00001 of the notional, received by the short
    //   fees    1,000 x (1.000 + 1.002) x 0.0005 = 1.001 USDT
    //   spread  1,000 x 0.002                  = 2.000 USDT
    //   funding 1,000 x 1.001 x 0.00001        = 0.01001 USDT (received)
    //   cost    2.99099 USDT = 2,990.99 KRW = 0.299099 % of 1,000,000 KRW
    EdgeCalculator.PerpHedge h =
        new EdgeCalculator.PerpHedge(1.000, 1.002, 1.001, 0.0005, hedge(false).expectedFundingFraction("XRP", 0.0001));
    EdgeCalculator.Edge e =
        EdgeCalculator.evaluate(Direction.KIMCHI, UPBIT, BINANCE, RATE, 1_000_000, 0, 0, 0, 0, h);
    assertThat(e.hedged()).isTrue();
    assertThat(e.hedgeCostPercent()).isCloseTo(0.299099, within(1e-9));
    assertThat(e.fundingPercent()).isCloseTo(0.001001, within(1e-9));
    assertThat(e.netEdgePercent()).isCloseTo(9.700901, within(1e-9));
  }

  @Test
  void negativeFundingIsPaidByTheShortOverTheCoinsOwnTransferTime() {
    // -0.03 % per 8 h over BTC's 96 minutes: -0.0003 x 96 / 480 = -0.00006; paid 1,000 x 1.001 x 0.00006 = 0.06006
    // cost 1.001 + 2.000 + 0.06006 = 3.06106 USDT = 0.306106 %
    HedgeCosts costs = hedge(false);
    assertThat(costs.expectedFundingFraction("BTC", -0.0003)).isCloseTo(-0.00006, within(1e-15));
    assertThat(costs.expectedMinutes("DOGE")).isEqualTo(30); // no rule: the default
    EdgeCalculator.PerpHedge h =
        new EdgeCalculator.PerpHedge(1.000, 1.002, 1.001, 0.0005, costs.expectedFundingFraction("BTC", -0.0003));
    EdgeCalculator.Edge e =
        EdgeCalculator.evaluate(Direction.KIMCHI, UPBIT, BINANCE, RATE, 1_000_000, 0, 0, 0, 0, h);
    assertThat(e.fundingPercent()).isCloseTo(-0.006006, within(1e-9));
    assertThat(e.hedgeCostPercent()).isCloseTo(0.306106, within(1e-9));
    assertThat(e.netEdgePercent()).isCloseTo(9.693894, within(1e-9));
  }

  @Test
  void theShortCoversWhatTheBuyLeavesAfterItsFeeAndTheMidStandsInForAMissingMarkPrice() {
    // Binance taker 0.1 %: 1,000 coins bought, 999 left to transfer and hedge; no mark price: the mid 1.001
    TradingCosts fees =
        new TradingCosts(Map.of(Venue.UPBIT, BigDecimal.ZERO, Venue.BINANCE, new BigDecimal("0.001")), Map.of());
    EdgeCalculator.PerpHedge h = new EdgeCalculator.PerpHedge(1.000, 1.002, Double.NaN, 0.0005, 0.00001);
    EdgeCalculator.Edge e =
        EdgeCalculator.evaluate(Direction.KIMCHI, UPBIT, BINANCE, RATE, 1_000_000, 0, 0,
            fees.takerFee(Venue.BINANCE).doubleValue(), 0, h);
    // 999 x (1.001 + 2.000 - 0.01001) = 2,988.00901 USDT... per 1,000 coins 2.99099, x 0.999 = 2.98800 USDT
    assertThat(e.hedgeCostPercent()).isCloseTo(0.999 * 0.299099, within(1e-9));
    // 999 coins sold at 1,100 = 1,098,900 KRW, less the hedge
    assertThat(e.netEdgePercent()).isCloseTo((1_098_900 - 1_000_000 - 999 * 2.99099) / 1_000_000 * 100, within(1e-9));
  }

  @Test
  void withTheHedgeOnACoinWithAPerpetualIsOfferedHedged() {
    Optional<Opportunity> o =
        OpportunityRule.detect("XRP", UPBIT, BINANCE, RATE, 0, 0, settings(hedge(true)), 1.000, 1.002, 1.001, 0.0001,
            NOW);
    assertThat(o).isPresent();
    assertThat(o.get().hedged()).isTrue();
    assertThat(o.get().netEdgePercent()).isCloseTo(9.700901, within(1e-9));
    assertThat(o.get().hedgeCostPercent()).isCloseTo(0.299099, within(1e-9));
    assertThat(o.get().fundingPercent()).isCloseTo(0.001001, within(1e-9));
  }

  @Test
  void underSkipACoinWithoutAPerpetualIsNotOffered() {
    assertThat(OpportunityRule.detect("XRP", UPBIT, BINANCE, RATE, 0, 0, settings(hedge(true)), NOW)).isEmpty();
  }

  @Test
  void underTradeUnhedgedACoinWithoutAPerpetualIsOfferedUnhedgedAsToday() {
    Optional<Opportunity> o = OpportunityRule.detect("XRP", UPBIT, BINANCE, RATE, 0, 0, settings(hedge(false)), NOW);
    assertThat(o).isPresent();
    assertThat(o.get().hedged()).isFalse();
    assertThat(o.get().netEdgePercent()).isCloseTo(10.0, within(1e-9));
    assertThat(o.get().hedgeCostPercent()).isZero();
  }

  @Test
  void withTheHedgeOffThePerpetualIsIgnored() {
    Optional<Opportunity> o =
        OpportunityRule.detect("XRP", UPBIT, BINANCE, RATE, 0, 0, settings(HedgeCosts.off()), 1.000, 1.002, 1.001,
            0.0001, NOW);
    assertThat(o).isPresent();
    assertThat(o.get().hedged()).isFalse();
    assertThat(o.get().netEdgePercent()).isCloseTo(10.0, within(1e-9));
  }

  @Test
  void aHedgeThatEatsTheEdgeBelowTheThresholdIsNotOffered() {
    // a 0.8 % spot edge, the hedge costs 0.299099 %: 0.500901 % still clears 0.5 %; with funding paid at -0.4 % per 8 h
    // over 48 minutes (-0.00004 of the notional) it costs 0.304104 %: 0.495896 % does not
    Book upbit = Book.top(Venue.UPBIT, "XRP", 1008, 1e9, 1009, 1e9, 1);
    assertThat(OpportunityRule.detect("XRP", upbit, BINANCE, RATE, 0, 0, settings(hedge(true)), 1.000, 1.002, 1.001,
        0.0001, NOW)).isPresent();
    assertThat(OpportunityRule.detect("XRP", upbit, BINANCE, RATE, 0, 0, settings(hedge(true)), 1.000, 1.002, 1.001,
        -0.0004, NOW)).isEmpty();
  }
}
