package io.kimp.backtest.sim;

import static io.kimp.backtest.TestData.RECORDING_T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.TestData;
import io.kimp.backtest.market.RecordingMarketSource;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleEvent.CycleStarted;
import io.kimp.core.cycle.CycleEvent.StepCompleted;
import io.kimp.core.cycle.CycleEvent.StepRequested;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Direction;
import io.kimp.core.strategy.Opportunity;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole replays of a scripted recording, whose right answer follows from its premiums and the live timers: XRP 5 %
 * above Binance from 1 s to 8 s, TRX 2.7 % until 4.5 s (too dear to carry KRW home with a 2.5 % whole-cycle minimum),
 * level after. Transfers take 1 s, found by 200 ms polls; a waiting cycle looks for a rebalance coin every second.
 */
class RecordingBacktestTest {
  @TempDir Path dir;
  private Path file;

  @BeforeEach
  void record() {
    file = dir.resolve("kimchi.jsonl");
    TestData.kimchiRecording().write(file, 10_000);
  }

  private static Instant at(long offsetMs) {
    return Instant.ofEpochMilli(RECORDING_T0 + offsetMs);
  }

  /** Records what the replay decided, in order. */
  private static final class Tape implements DecisionTap {
    final List<Opportunity> offers = new ArrayList<>();
    final List<CycleReply> replies = new ArrayList<>();
    final List<CycleEvent> events = new ArrayList<>();

    @Override
    public void offered(Opportunity o, CycleReply reply) {
      offers.add(o);
      replies.add(reply);
    }

    @Override
    public void event(CycleEvent e) {
      events.add(e);
    }

    List<String> steps(UUID cycle) {
      List<String> out = new ArrayList<>();
      for (CycleEvent e : events) {
        if (!e.cycleId().equals(cycle)) {
          continue;
        }
        if (e instanceof StepRequested r) {
          out.add("requested " + r.attempt().leg() + " " + r.attempt().step());
        } else if (e instanceof StepCompleted c) {
          out.add("completed " + c.record().leg() + " " + c.record().step());
        } else {
          out.add(e.getClass().getSimpleName());
        }
      }
      return out;
    }
  }

  private static final List<String> INITIAL_LEG = List.of(
      "CapitalRequested", "CycleStarted", "requested INITIAL BUY", "completed INITIAL BUY", "requested INITIAL WITHDRAW",
      "completed INITIAL WITHDRAW", "requested INITIAL DEPOSIT", "completed INITIAL DEPOSIT", "requested INITIAL SELL",
      "completed INITIAL SELL");
  private static final List<String> REBALANCE_LEG = List.of(
      "RebalanceStarted", "requested REBALANCE BUY", "completed REBALANCE BUY", "requested REBALANCE WITHDRAW",
      "completed REBALANCE WITHDRAW", "requested REBALANCE DEPOSIT", "completed REBALANCE DEPOSIT",
      "requested REBALANCE SELL", "completed REBALANCE SELL", "CycleCompleted", "CapitalReleased");

  @Test
  void aRecordedPremiumRunsCyclesThatCarryTheirCapitalHomeInAnotherCoin() {
    BacktestSettings s = TestData.recordingSettings(Map.of());
    Tape tape = new Tape();
    BacktestResult r = new Backtest(s).run(new RecordingMarketSource(file, s, Long.MIN_VALUE, Long.MAX_VALUE),
        ProgressListener.NONE, tape);

    // the detector offers XRP every second while its premium lasts; the cycle takes the first, refuses the others while
    // it runs, and takes the one after its capital came back
    assertThat(tape.offers).extracting(o -> o.observedAt()).containsExactly(
        at(1001), at(2001), at(3001), at(4001), at(5001), at(6001), at(7001));
    assertThat(tape.replies).extracting(CycleReply::accepted)
        .containsExactly(true, false, false, false, false, true, false);
    assertThat(tape.replies).filteredOn(rep -> !rep.accepted())
        .allSatisfy(rep -> assertThat(rep.message()).startsWith("duplicate"));
    assertThat(r.opportunities()).isEqualTo(7);
    assertThat(r.startsRefused()).isEqualTo(5);

    assertThat(r.trades()).hasSize(2);
    TradeRecord first = r.trades().get(0);
    TradeRecord second = r.trades().get(1);
    for (TradeRecord t : r.trades()) {
      assertThat(t.symbol()).isEqualTo("XRP");
      assertThat(t.direction()).isEqualTo(Direction.KIMCHI);
      assertThat(t.status()).isEqualTo("COMPLETED");
      assertThat(t.rebalanceCoin()).isEqualTo("TRX");
      // the live volume cap: 1 % of XRP's 80 M KRW of 24 h volume, below the 1 M KRW the portfolio would give
      assertThat(t.investmentKrw()).isEqualByComparingTo(new BigDecimal("800000"));
      // 5 % premium carried home at a level TRX premium, less fees, spreads and withdrawal fees
      assertThat(t.pnlPercent()).isBetween(4.0, 5.0);
      assertThat(t.failures()).isZero();
    }
    assertThat(first.startedAt()).isEqualTo(at(1001));
    // sold at the first poll after the 1 s transfer; TRX too dear then: the rebalance waits for the first check after
    // TRX levelled at 4.5 s
    assertThat(first.rebalanceAt()).isEqualTo(at(5001));
    assertThat(first.endedAt()).isEqualTo(at(6001));
    assertThat(second.startedAt()).isEqualTo(at(6001));
    assertThat(second.rebalanceAt()).isEqualTo(at(7001));
    assertThat(second.endedAt()).isEqualTo(at(8001));

    List<String> waited = new ArrayList<>(INITIAL_LEG);
    waited.add("RebalanceDeferred");
    waited.addAll(REBALANCE_LEG);
    assertThat(tape.steps(first.cycleId())).containsExactlyElementsOf(waited);
    List<String> straight = new ArrayList<>(INITIAL_LEG);
    straight.addAll(REBALANCE_LEG);
    assertThat(tape.steps(second.cycleId())).containsExactlyElementsOf(straight);
    assertThat(tape.events).filteredOn(e -> e instanceof CycleStarted).hasSize(2);

    assertThat(r.openCycles()).isEmpty();
    assertThat(r.premium().coins()).containsExactly("XRP", "TRX", "BTC");
    assertThat(r.equity().get(r.equity().size() - 1).equityKrw())
        .isEqualByComparingTo(s.portfolio().capitalKrw().add(first.pnlKrw()).add(second.pnlKrw()));
  }

  @Test
  void onlyTheNamedCoinsAreTraded() {
    BacktestSettings s = BacktestSettings.forRecording(
        com.typesafe.config.ConfigFactory.parseMap(Map.of("kimp.strategy.min-spread-percent", "3"))
            .withFallback(com.typesafe.config.ConfigFactory.load()).resolve(), List.of("TRX", "BTC"));
    BacktestResult r = new Backtest(s).run(new RecordingMarketSource(file, s, Long.MIN_VALUE, Long.MAX_VALUE),
        ProgressListener.NONE);
    assertThat(r.opportunities()).isZero();
    assertThat(r.trades()).isEmpty();
    // the market is every recorded coin's all the same
    assertThat(r.premium().coins()).containsExactlyInAnyOrder("XRP", "TRX", "BTC");
  }

  @Test
  void theVolumeCapIsTheLiveDetectorsSettingUnlessTheBacktestOverridesIt() {
    BacktestSettings live = TestData.recordingSettings(Map.of(BacktestSettings.VOLUME_CAP, "0.005"));
    assertThat(live.volumeCapFraction()).isEqualTo(0.005);
    assertThat(live.recording().detector().rule().volumeCapFraction()).isEqualTo(0.005);
    BacktestResult r = new Backtest(live).run(new RecordingMarketSource(file, live, Long.MIN_VALUE, Long.MAX_VALUE),
        ProgressListener.NONE);
    assertThat(r.trades()).first().satisfies(t ->
        assertThat(t.investmentKrw()).isEqualByComparingTo(new BigDecimal("400000")));

    BacktestSettings overridden = TestData.recordingSettings(
        Map.of(BacktestSettings.VOLUME_CAP, "0.005", BacktestSettings.VOLUME_CAP_OVERRIDE, "0.002"));
    BacktestResult o = new Backtest(overridden).run(
        new RecordingMarketSource(file, overridden, Long.MIN_VALUE, Long.MAX_VALUE), ProgressListener.NONE);
    assertThat(o.trades()).first().satisfies(t ->
        assertThat(t.investmentKrw()).isEqualByComparingTo(new BigDecimal("160000")));

    // candles read the same key
    assertThat(TestData.settings("BTC", Map.of(BacktestSettings.VOLUME_CAP, "0.02")).volumeCapFraction())
        .isEqualTo(0.02);
  }
}
