package io.kimp.feeds.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.MarketEvent;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.binance.BinanceParser;
import io.kimp.feeds.upbit.UpbitParser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The fast paths change nothing but speed: over a large seeded corpus of valid frames of every shape and of mutated and
 * corrupted ones ({@link FrameCorpus}), a parser with its fast path (fast path + Jackson fallback) and a Jackson-only
 * parser give, frame by frame, the same event (or none), the same venue error, the same server-shutdown notice and the same
 * counts (frames, events, control messages, rejections per reason). The test also shows the fast path is really used: it
 * takes every valid market-data frame of the venues' shapes, and a good share of the valid-but-unusual ones.
 */
class FastPathDifferentialTest {
  private static final List<String> WATCHED = List.of("BTC", "ETH", "XRP", "SOL", "DOGE", "ADA");
  private static final int FRAMES = 60_000;

  @Test
  void upbitFastPathAndFallbackEqualJackson() {
    Totals t =
        compare(
            FeedVenue.UPBIT, 11, true, CoinResolver.of(WATCHED),
            (stats, coins) -> new UpbitParser(stats, coins), UpbitParser::withoutFastPath);
    t.assertCoverage();
  }

  @Test
  void binanceFastPathAndFallbackEqualJackson() {
    Totals t =
        compare(
            FeedVenue.BINANCE, 12, false, CoinResolver.of(WATCHED),
            (stats, coins) -> new BinanceParser(stats, coins), BinanceParser::withoutFastPath);
    t.assertCoverage();
  }

  @Test
  void openResolversOfReplayToo() {
    compare(
        FeedVenue.UPBIT, 13, true, CoinResolver.open(), (stats, coins) -> new UpbitParser(stats, coins),
        UpbitParser::withoutFastPath);
    compare(
        FeedVenue.BINANCE, 14, false, CoinResolver.open(), (stats, coins) -> new BinanceParser(stats, coins),
        BinanceParser::withoutFastPath);
  }

  /** What happened over the corpus, for the coverage checks. */
  private static final class Totals {
    final FeedVenue venue;
    long validEvents;
    long validEventsFast;
    long mutatedEvents;
    long mutatedEventsFast;
    long fallbacks;
    FrameStats stats;

    Totals(FeedVenue venue) {
      this.venue = venue;
    }

    void assertCoverage() {
      // every unmutated market-data frame of the venues' shapes is read by the fast path
      assertThat(validEvents).isGreaterThan(FRAMES / 4);
      assertThat(validEventsFast).isEqualTo(validEvents);
      // valid but unusual (reordered, other-format names, extra members, whitespace, reformatted numbers): mostly fast
      assertThat(mutatedEvents).isGreaterThan(1000);
      assertThat(mutatedEventsFast).isGreaterThan(mutatedEvents / 2);
      assertThat(fallbacks).isGreaterThan(FRAMES / 4);
      // every reason of rejection a parser gives occurred (implausible values are refused later, by the market state)
      for (Reject reason : Reject.values()) {
        if (reason == Reject.IMPLAUSIBLE_PRICE || reason == Reject.IMPLAUSIBLE_TIMESTAMP) {
          continue;
        }
        assertThat(stats.rejected(reason)).as("%s rejected for %s", venue, reason).isPositive();
      }
      assertThat(stats.controlMessages()).isPositive();
    }
  }

  private record Outcome(MarketEvent event, String venueError, boolean shutdownNotice) {}

  private Totals compare(
      FeedVenue venue,
      long seed,
      boolean binaryByDefault,
      CoinResolver coins,
      BiFunction<FrameStats, CoinResolver, JsonFrameParser> withFastPath,
      BiFunction<FrameStats, CoinResolver, JsonFrameParser> jacksonOnly) {
    FrameStats fastStats = new FrameStats(venue);
    FrameStats refStats = new FrameStats(venue);
    JsonFrameParser fast = withFastPath.apply(fastStats, coins);
    JsonFrameParser ref = jacksonOnly.apply(refStats, coins);
    FrameCorpus corpus = new FrameCorpus(seed, WATCHED);
    Supplier<String> valid = venue == FeedVenue.UPBIT ? corpus::validUpbit : corpus::validBinance;
    Totals t = new Totals(venue);
    t.stats = fastStats;
    for (int i = 0; i < FRAMES; i++) {
      FrameCorpus.Frame f = corpus.frame(valid.get(), binaryByDefault, 0.6);
      RawFrame raw =
          f.binary()
              ? RawFrame.binary(venue, f.text().getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L + i, 0)
              : RawFrame.text(venue, f.text(), 1_700_000_000_000L + i, 0);
      long takenBefore = fast.fastPathTaken();
      long fullBefore = fast.fullParses();
      Outcome got = run(fast, raw);
      Outcome want = run(ref, raw);
      assertThat(got).as("frame %d (%s): %s", i, f.binary() ? "bytes" : "text", f.text()).isEqualTo(want);
      assertThat(counts(fastStats)).as("counts after frame %d: %s", i, f.text()).isEqualTo(counts(refStats));
      boolean tookFast = fast.fastPathTaken() > takenBefore;
      assertThat(tookFast || fast.fullParses() > fullBefore).isTrue();
      if (tookFast) {
        assertThat(got.event()).as("the fast path took it, so there is an event").isNotNull();
      } else {
        t.fallbacks++;
      }
      if (want.event() != null) {
        if (f.mutated()) {
          t.mutatedEvents++;
          t.mutatedEventsFast += tookFast ? 1 : 0;
        } else {
          t.validEvents++;
          t.validEventsFast += tookFast ? 1 : 0;
        }
      }
    }
    return t;
  }

  private static Outcome run(JsonFrameParser p, RawFrame f) {
    MarketEvent e = null;
    String error = null;
    try {
      e = p.parse(f);
    } catch (VenueErrorException x) {
      error = x.getMessage();
    }
    boolean shutdown = p instanceof BinanceParser b && b.takeShutdownNotice();
    return new Outcome(e, error, shutdown);
  }

  private static Map<String, Long> counts(FrameStats s) {
    Map<String, Long> m = new LinkedHashMap<>(s.rejectedByReason());
    m.put("frames", s.frames());
    m.put("events", s.events());
    m.put("control", s.controlMessages());
    return m;
  }
}
