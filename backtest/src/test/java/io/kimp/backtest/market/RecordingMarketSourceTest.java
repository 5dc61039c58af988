package io.kimp.backtest.market;

import static io.kimp.backtest.TestData.RECORDING_T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.TestData;
import io.kimp.backtest.report.InputSummary;
import io.kimp.backtest.sim.SimClock;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.feeds.FeedVenue;
import io.kimp.simulator.MarketUpdate;
import io.kimp.simulator.ScriptedRecording;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.WireFormats;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording read through the live parsers, market state and detector: the moments and offers it makes follow the
 * recorded premiums and the live detector's rules (stale guard, cooldown, volume cap), and nothing malformed is lost
 * without a count.
 */
class RecordingMarketSourceTest {
  @TempDir Path dir;

  private static List<MarketMoment> drain(MarketSource s) {
    s.market(new SimClock(Instant.ofEpochMilli(RECORDING_T0)));
    List<MarketMoment> out = new ArrayList<>();
    while (s.peekTime() != MarketSource.END) {
      MarketMoment m = s.next();
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  /** The scripted kimchi recording, {@code ms} long, read with the test settings. */
  private RecordingMarketSource kimchi(long ms) {
    Path file = dir.resolve("kimchi.jsonl");
    TestData.kimchiRecording().write(file, ms);
    return new RecordingMarketSource(file, TestData.recordingSettings(Map.of()), Long.MIN_VALUE, Long.MAX_VALUE);
  }

  private static List<Opportunity> offers(List<MarketMoment> moments) {
    return moments.stream().map(MarketMoment::offer).filter(o -> o != null).toList();
  }

  @Test
  void theLiveDetectorsOffersFollowTheRecordedPremiumWithItsCooldownAndVolumeCap() {
    RecordingMarketSource src = kimchi(4_000);
    List<MarketMoment> moments = drain(src);

    // XRP's Upbit book with the premium arrives 1 ms into the 1 s tick (after the KRW-USDT book); the cooldown (1 s)
    // lets the next offer through at the same frame one second later, and so on while the premium lasts
    List<Opportunity> offers = offers(moments);
    assertThat(offers).extracting(o -> o.observedAt().toEpochMilli() - RECORDING_T0)
        .containsExactly(1001L, 2001L, 3001L);
    assertThat(offers).allSatisfy(o -> {
      assertThat(o.symbol()).isEqualTo("XRP");
      assertThat(o.direction()).isEqualTo(Direction.KIMCHI);
      assertThat(o.premiumPercent()).isBetween(4.99, 5.01);
      // 1 % of XRP's smaller 24 h volume (80 M KRW at Upbit, against 140 M KRW at Binance), not the 1 M evaluation size
      assertThat(o.maxSizeKrw()).isEqualByComparingTo(new BigDecimal("800000"));
    });
    // TRX's 2.7 % never reaches the 3 % threshold
    assertThat(moments).anySatisfy(m -> assertThat(m.coin()).isEqualTo("TRX"));
    // every moment is a fresh, two-sided market at a non-decreasing time
    for (int i = 1; i < moments.size(); i++) {
      assertThat(moments.get(i).timeMs()).isGreaterThanOrEqualTo(moments.get(i - 1).timeMs());
    }
    assertThat(moments).allSatisfy(m -> {
      assertThat(m.upbit().hasBothSides() && m.binance().hasBothSides()).isTrue();
      assertThat(m.usdtKrw()).isEqualTo(1400.0);
    });
    MarketSource.Coverage c = src.coverage();
    assertThat(c.moments()).isEqualTo(moments.size());
    // the first tick: each coin's Upbit book arrives before its Binance book
    assertThat(c.skipped().get(RecordingMarketSource.ONE_SIDED)).isEqualTo(3);
    assertThat(c.gapEpisodes()).isZero();
  }

  @Test
  void malformedFramesBadLinesDuplicatesAndStaleCoinsAreCountedNotReplayed() {
    Path file = dir.resolve("damaged.jsonl");
    ScriptedRecording script = TestData.kimchiRecording()
        .frame(500, "upbit", "{\"ty\":\"orderbook\",\"cd\":")
        .frame(500, "binance", "{\"stream\":\"xrpusdt@bookTicker\",\"data\":{\"u\":999999,\"s\":\"XRPUSDT\","
            + "\"b\":\"-2.0\",\"B\":\"10\",\"a\":\"2.0\",\"A\":\"10\"}}")
        .line(600, "this is not a recorded frame")
        .duplicateBinanceBook(700, "XRP")
        // ADA at Upbit only, once: a coin without both books; then a lone Binance ADA book 3 s later: stale Upbit side
        .frame(800, "upbit", WireFormats.upbit(new MarketUpdate(SimVenue.UPBIT, MarketUpdate.Kind.BOOK, "ADA", 979,
            100, 981, 100, 980, 0, 1e9, 0, RECORDING_T0 + 800, 0), true))
        .frame(3_800, "binance", WireFormats.binanceCombined(new MarketUpdate(SimVenue.BINANCE, MarketUpdate.Kind.BOOK,
            "ADA", 0.69, 100, 0.71, 100, 0.7, 0, 1e6, 1_000_000, RECORDING_T0 + 3_800, 0)));
    long lines = script.write(file, 4_000);
    RecordingMarketSource src = new RecordingMarketSource(file, TestData.recordingSettings(Map.of()), Long.MIN_VALUE,
        Long.MAX_VALUE);
    List<MarketMoment> moments = drain(src);

    assertThat(moments).noneSatisfy(m -> assertThat(m.coin()).isEqualTo("ADA"));
    Map<String, Long> skipped = src.coverage().skipped();
    assertThat(skipped.get(RecordingMarketSource.DUPLICATE)).isEqualTo(1);
    assertThat(skipped.get(RecordingMarketSource.STALE)).isEqualTo(1);
    assertThat(skipped.get(RecordingMarketSource.ONE_SIDED)).isEqualTo(3 + 1);
    assertThat(skipped.get(RecordingMarketSource.NO_EVENT)).isEqualTo(2);
    assertThat(src.rejectedFrames(FeedVenue.UPBIT)).containsEntry("bad-json", 1L);
    assertThat(src.rejectedFrames(FeedVenue.BINANCE)).containsEntry("non-positive-price", 1L);

    List<InputSummary> inputs = src.inputs();
    assertThat(inputs).extracting(InputSummary::role).containsExactly("recording lines", "upbit frames",
        "binance frames");
    InputSummary recordingLines = inputs.get(0);
    assertThat(recordingLines.rows()).isEqualTo(lines);
    assertThat(recordingLines.skipped()).containsEntry("notARecordedFrame", 1L);
    assertThat(recordingLines.examples()).singleElement().asString().startsWith(file + ":").contains("bad JSON");
    assertThat(inputs.get(1).skipped()).containsExactly(Map.entry("bad-json", 1L));
    assertThat(inputs.get(2).skipped()).containsExactly(Map.entry("non-positive-price", 1L));
    // the damage changed nothing else: the same offers as the clean recording's
    assertThat(offers(moments)).extracting(o -> o.observedAt().toEpochMilli() - RECORDING_T0)
        .containsExactly(1001L, 2001L, 3001L);
  }

  @Test
  void aLineThatIsNotUtf8IsCountedAndTheRecordingIsReplayedOnPastIt() throws Exception {
    Path file = dir.resolve("bytes.jsonl");
    long lines = TestData.kimchiRecording().write(file, 4_000);
    // damage one line in the first half of the file: its bytes are no longer UTF-8
    byte[] b = java.nio.file.Files.readAllBytes(file);
    int secondLine = indexOf(b, (byte) '\n', 0) + 1;
    int third = indexOf(b, (byte) '\n', secondLine) + 1;
    b[third - 3] = (byte) 0xFF;
    java.nio.file.Files.write(file, b);

    RecordingMarketSource src =
        new RecordingMarketSource(file, TestData.recordingSettings(Map.of()), Long.MIN_VALUE, Long.MAX_VALUE);
    List<MarketMoment> moments = drain(src);

    InputSummary recordingLines = src.inputs().get(0);
    assertThat(recordingLines.rows()).isEqualTo(lines);
    assertThat(recordingLines.skipped()).containsExactly(Map.entry("notUtf8", 1L));
    assertThat(recordingLines.examples()).singleElement().asString().isEqualTo(file + ":2: not UTF-8 (byte "
        + (third - 3 - secondLine + 1) + ")");
    // every later line was replayed: the offers at the end of the recording are still made
    assertThat(offers(moments)).extracting(o -> o.observedAt().toEpochMilli() - RECORDING_T0)
        .contains(2001L, 3001L);
  }

  @Test
  void absurdPricesAndTimestampsAreRefusedCountedByVenueAndNeverOffered() {
    Path file = dir.resolve("absurd.jsonl");
    // between the first two offers: a Binance XRP best offer at 1e-320 USDT (a 100 % kimchi premium if believed), one
    // at 30 000 USDT (ten thousand times the last), an Upbit XRP ticker at 1e38 KRW, and an Upbit ticker whose
    // timestamp is text
    ScriptedRecording script = TestData.kimchiRecording()
        .frame(1_500, "binance", "{\"stream\":\"xrpusdt@bookTicker\",\"data\":{\"u\":999999,\"s\":\"XRPUSDT\","
            + "\"b\":\"1e-320\",\"B\":\"10\",\"a\":\"2e-320\",\"A\":\"10\"}}")
        .frame(1_510, "binance", "{\"stream\":\"xrpusdt@bookTicker\",\"data\":{\"u\":1000000,\"s\":\"XRPUSDT\","
            + "\"b\":\"30000\",\"B\":\"10\",\"a\":\"30001\",\"A\":\"10\"}}")
        .frame(1_520, "upbit", "{\"ty\":\"ticker\",\"cd\":\"KRW-XRP\",\"tp\":1e38,\"atp24h\":8e10,\"tms\":"
            + (RECORDING_T0 + 1_520) + "}")
        .frame(1_530, "upbit", "{\"ty\":\"ticker\",\"cd\":\"KRW-XRP\",\"tp\":3050,\"atp24h\":8e10,"
            + "\"tms\":\"yesterday\"}");
    script.write(file, 4_000);
    RecordingMarketSource src = new RecordingMarketSource(file, TestData.recordingSettings(Map.of()), Long.MIN_VALUE,
        Long.MAX_VALUE);
    List<MarketMoment> moments = drain(src);

    assertThat(src.coverage().skipped().get(RecordingMarketSource.IMPLAUSIBLE)).isEqualTo(4);
    assertThat(src.rejectedFrames(FeedVenue.BINANCE)).containsEntry("implausible-price", 2L);
    assertThat(src.rejectedFrames(FeedVenue.UPBIT)).containsEntry("implausible-price", 1L)
        .containsEntry("implausible-timestamp", 1L);
    // the offers are the clean recording's, at the recorded premium
    assertThat(offers(moments)).extracting(o -> o.observedAt().toEpochMilli() - RECORDING_T0)
        .containsExactly(1001L, 2001L, 3001L);
    assertThat(offers(moments)).allSatisfy(o -> assertThat(o.premiumPercent()).isBetween(4.99, 5.01));
    assertThat(moments).allSatisfy(m -> assertThat(m.binance().bestAsk()).isGreaterThan(0.1));
  }

  private static int indexOf(byte[] b, byte x, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void fromAndToKeepTheReplayInsideTheirSpanAndCountWhatIsOutside() {
    Path file = dir.resolve("kimchi.jsonl");
    TestData.kimchiRecording().write(file, 4_000);
    BacktestSettings s = TestData.recordingSettings(Map.of());
    RecordingMarketSource src = new RecordingMarketSource(file, s, RECORDING_T0 + 1_500, RECORDING_T0 + 3_000);
    List<MarketMoment> moments = drain(src);
    assertThat(moments).isNotEmpty().allSatisfy(m ->
        assertThat(m.timeMs()).isBetween(RECORDING_T0 + 1_500, RECORDING_T0 + 2_999));
    // the market starts empty at --from: the first offer waits for XRP's Binance book (2 ms into the tick), and the
    // cooldown runs from there
    assertThat(offers(moments)).extracting(o -> o.observedAt().toEpochMilli() - RECORDING_T0)
        .containsExactly(1502L, 2502L);
    assertThat(src.coverage().outsideOverlap()).isPositive();
  }

  @Test
  void theMarketViewIsTheLiveMarketStateJudgedOnTheReplayClock() {
    RecordingMarketSource src = kimchi(1_000);
    SimClock clock = new SimClock(Instant.ofEpochMilli(RECORDING_T0));
    ReplayMarket market = src.market(clock);
    while (src.peekTime() != MarketSource.END) {
      clock.advanceTo(Instant.ofEpochMilli(src.peekTime()));
      src.next();
    }
    assertThat(market.freshQuotes().keySet()).containsExactlyInAnyOrder("XRP", "TRX", "BTC");
    assertThat(market.book(Venue.BINANCE, "TRX")).get().satisfies(b -> assertThat(b.bidPrices()).hasSize(5));
    assertThat(market.fresh("XRP")).isTrue();
    // two seconds after the last frame every input is stale: no quote to rebalance with, nothing to trade on
    clock.advanceTo(clock.instant().plusMillis(2_001));
    assertThat(market.freshQuotes()).isEmpty();
    assertThat(market.fresh("XRP")).isFalse();
  }
}
