package io.kimp.backtest.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.TestData;
import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.data.FxSeries;
import io.kimp.backtest.market.CandleMarketSource;
import io.kimp.backtest.report.Kpis;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.market.Direction;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Replays built so that the right answer can be worked out by hand: a premium that jumps and falls back, on constant
 * prices, with the live fees. The simulated cycle must earn exactly what the fees and fill model say, at the times the
 * transfer delay and the live timers say.
 */
class BacktestSimulationTest {
  private static final MathContext MC = MathContext.DECIMAL64;
  private static final long M = 60_000L;
  private static final long T0 = Instant.parse("2025-01-06T00:00:00Z").toEpochMilli();
  private static final double RATE = 1400;
  private static final double BINANCE = 100_000;
  private static final double HALF_SPREAD = 0.0001;

  private static BacktestSettings settings(Map<String, Object> extra) {
    Map<String, Object> o = new HashMap<>();
    o.put("kimp.portfolio.capital-krw", "10000000");
    o.put("kimp.risk.max-exposure-krw", "10000000");
    o.put("kimp.portfolio.fixed-amount-krw", "10000000");
    o.put("kimp.strategy.min-spread-percent", "0.5");
    o.put("kimp.strategy.finalizer-min-profit-percent", "0.1");
    o.put("kimp.backtest.transfer-delay", "30m");
    o.put("kimp.transfer.deposit-timeout", "60m");
    o.put("kimp.backtest.half-spread-bps", "1");
    o.putAll(extra);
    return TestData.settings("BTC", o);
  }

  /** 5-minute candles at minutes {@code [0, minutes)}, minus {@code missing}, Upbit priced at the premium given. */
  private static BacktestResult replay(
      BacktestSettings s, int minutes, LongToDoubleFunction premiumAtMinute, long missingFrom, long missingTo) {
    List<Long> ts = new ArrayList<>();
    for (long m = 0; m < minutes; m += 5) {
      if (m >= missingFrom && m < missingTo) {
        continue; // a data gap on both venues
      }
      ts.add(m);
    }
    int n = ts.size();
    long[] t = new long[n];
    double[] upbit = new double[n];
    double[] binance = new double[n];
    double[] vol = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = T0 + ts.get(i) * M;
      binance[i] = BINANCE;
      upbit[i] = BINANCE * RATE * (1 + premiumAtMinute.applyAsDouble(ts.get(i)) / 100);
      vol[i] = 50;
    }
    FxSeries fx = FxSeries.of("fx", new long[] {T0}, new double[] {RATE}, false, Long.MAX_VALUE / 4,
        Long.MAX_VALUE / 4);
    CandleMarketSource src = new CandleMarketSource("BTC", CandleSeries.of("upbit", t, upbit, vol),
        CandleSeries.of("binance", t, binance, vol), fx, s.books(), Long.MIN_VALUE, Long.MAX_VALUE);
    return new Backtest(s).run(src, ProgressListener.NONE);
  }

  private static BigDecimal bd(double v) {
    return BigDecimal.valueOf(v);
  }

  /** The fill model: coins to 8 decimals (down), taker fee in the bought asset, withdrawal fee off the amount sent. */
  private static BigDecimal expectedKimchiPnlKrw(double sellUpbit, double rebalanceUpbit) {
    BigDecimal investQuote = new BigDecimal("10000000").divide(bd(RATE), MC);
    BigDecimal ask = bd(BINANCE * (1 + HALF_SPREAD));
    BigDecimal qty = bd(investQuote.doubleValue() / ask.doubleValue()).setScale(8, RoundingMode.DOWN);
    BigDecimal net = qty.subtract(qty.multiply(new BigDecimal("0.001")).setScale(8, RoundingMode.HALF_UP));
    BigDecimal arrived = net.setScale(8, RoundingMode.DOWN).subtract(new BigDecimal("0.0002"));
    BigDecimal krw = bd(arrived.doubleValue() * (sellUpbit * (1 - HALF_SPREAD))).setScale(8, RoundingMode.HALF_UP);
    BigDecimal krwNet = krw.subtract(krw.multiply(new BigDecimal("0.0005")).setScale(8, RoundingMode.HALF_UP));
    BigDecimal qty2 = bd(krwNet.doubleValue() / (rebalanceUpbit * (1 + HALF_SPREAD))).setScale(8, RoundingMode.DOWN);
    BigDecimal net2 = qty2.subtract(qty2.multiply(new BigDecimal("0.0005")).setScale(8, RoundingMode.HALF_UP));
    BigDecimal arrived2 = net2.setScale(8, RoundingMode.DOWN).subtract(new BigDecimal("0.0005"));
    BigDecimal usdt = bd(arrived2.doubleValue() * (BINANCE * (1 - HALF_SPREAD))).setScale(8, RoundingMode.HALF_UP);
    BigDecimal back = usdt.subtract(usdt.multiply(new BigDecimal("0.001")).setScale(8, RoundingMode.HALF_UP));
    return back.subtract(investQuote).multiply(bd(RATE), MC);
  }

  @Test
  void aPremiumThatJumpsAndFallsBackMakesOneCycleThatEarnsWhatTheFeesLeave() {
    // +3 % from minute 60 to 180, 0 otherwise
    BacktestResult r = replay(settings(Map.of()), 360, m -> m >= 60 && m < 180 ? 3.0 : 0.0, -1, -1);

    assertThat(r.trades()).hasSize(1);
    TradeRecord t = r.trades().get(0);
    assertThat(t.direction()).isEqualTo(Direction.KIMCHI);
    assertThat(t.status()).isEqualTo("COMPLETED");
    assertThat(t.failures()).isZero();
    Instant jump = Instant.ofEpochMilli(T0 + 60 * M);
    Instant fall = Instant.ofEpochMilli(T0 + 180 * M);
    assertThat(t.startedAt()).isEqualTo(jump);
    assertThat(t.entryPremiumPercent()).isCloseTo(3.0, within(1e-9));
    // the rebalance starts at the first 5-second check after the premium fell back
    assertThat(t.rebalanceAt()).isAfter(fall).isBeforeOrEqualTo(fall.plusSeconds(5));
    assertThat(t.exitPremiumPercent()).isCloseTo(0.0, within(1e-9));
    // the second transfer: 30 minutes, found by the next 5-second poll
    assertThat(Duration.between(t.rebalanceAt(), t.endedAt()))
        .isBetween(Duration.ofMinutes(30), Duration.ofMinutes(30).plusSeconds(5));
    double up3 = BINANCE * RATE * 1.03;
    double up0 = BINANCE * RATE;
    assertThat(t.pnlKrw()).isCloseTo(expectedKimchiPnlKrw(up3, up0), within(new BigDecimal("0.01")));
    assertThat(t.pnlKrw().doubleValue()).isBetween(150_000.0, 170_000.0); // ~3 % minus ~1.4 % costs on 10 M KRW

    assertThat(r.openCycle()).isNull();
    assertThat(r.equity().get(r.equity().size() - 1).equityKrw())
        .isEqualByComparingTo(new BigDecimal("10000000").add(t.pnlKrw()));
    Kpis k = Kpis.of(r);
    assertThat(k.cycles()).isEqualTo(1);
    assertThat(k.wins()).isEqualTo(1);
    assertThat(k.totalPnlKrw()).isEqualByComparingTo(t.pnlKrw());
    // every coin went home: nothing but rounding dust is left on the venues
    assertThat(r.balances().values()).allSatisfy(b -> assertThat(b.getOrDefault("BTC", BigDecimal.ZERO))
        .isLessThan(new BigDecimal("0.00000100")));
  }

  @Test
  void aNegativePremiumRunsTheReverseCycleWithItsCapitalInKrw() {
    BacktestResult r = replay(settings(Map.of()), 360, m -> m >= 60 && m < 180 ? -3.0 : 0.0, -1, -1);
    assertThat(r.trades()).hasSize(1);
    TradeRecord t = r.trades().get(0);
    assertThat(t.direction()).isEqualTo(Direction.REVERSE);
    assertThat(t.status()).isEqualTo("COMPLETED");
    assertThat(t.pnlKrw().doubleValue()).isBetween(100_000.0, 200_000.0);
  }

  @Test
  void aPremiumBelowTheThresholdStartsNothing() {
    BacktestResult r = replay(settings(Map.of()), 360, m -> 0.6, -1, -1);
    assertThat(r.opportunities()).isZero(); // 0.6 % raw premium leaves less than 0.5 % after fees
    assertThat(r.trades()).isEmpty();
    assertThat(r.equity().get(r.equity().size() - 1).equityKrw()).isEqualByComparingTo("10000000");
  }

  @Test
  void aDataGapFailsTheSellRetriesDeadLettersAndTheOperatorRecoversWhenDataReturns() {
    // the premium jumps at minute 60; data stops after minute 65 (the deposit lands at 90 with no fresh book)
    BacktestResult r = replay(settings(Map.of()), 1440, m -> m >= 60 && m < 900 ? 3.0 : 0.0, 70, 720);

    assertThat(r.trades()).hasSize(1);
    TradeRecord t = r.trades().get(0);
    assertThat(t.status()).isEqualTo("COMPLETED");
    // the live retry rules: 5 failures (retries after 10, 20, 40, 80 min), then the dead-letter queue
    assertThat(t.failures()).isEqualTo(5);
    assertThat(r.stepFailures()).isEqualTo(5);
    assertThat(r.deadLetters()).hasSize(1);
    assertThat(r.deadLetters().get(0)).contains("gave up after 5 failures").contains("no-market-data");
    assertThat(r.alerts()).containsEntry(AlertKind.RETRY_THRESHOLD_REACHED, 1L);
    assertThat(r.operatorRecoveries()).isEqualTo(1);
    assertThat(r.operatorDiscards()).isZero();
    // resumed when data returned at minute 720; sold into the 3 % premium, carried home after it fell at 900
    Instant fall = Instant.ofEpochMilli(T0 + 900 * M);
    assertThat(t.rebalanceAt()).isAfter(fall).isBeforeOrEqualTo(fall.plusSeconds(5));
    assertThat(t.pnlKrw()).isCloseTo(
        expectedKimchiPnlKrw(BINANCE * RATE * 1.03, BINANCE * RATE), within(new BigDecimal("0.01")));
    assertThat(r.coverage().gapEpisodes()).isEqualTo(1);
    assertThat(r.coverage().longestGapMs()).isEqualTo((720 - 65) * M);
  }

  @Test
  void withoutTheOperatorADeadLetteredCycleStaysOpenAndIsReportedSo() {
    BacktestResult r = replay(settings(Map.of("kimp.backtest.operator", "none")), 1440,
        m -> m >= 60 && m < 900 ? 3.0 : 0.0, 70, 720);
    assertThat(r.trades()).isEmpty();
    assertThat(r.openCycle()).isNotNull();
    assertThat(r.openCycle().status().name()).isEqualTo("DEAD_LETTER");
    assertThat(r.startsRefused()).isPositive();
  }
}
