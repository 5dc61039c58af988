package io.kimp.feeds.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.strategy.OpportunityRule;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.Venue;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.MarketPipeline;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.binance.BinanceParser;
import io.kimp.feeds.upbit.UpbitParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A time field a venue sends that is no epoch (text, negative, zero, a fraction) is refused and counted as an implausible
 * timestamp, through the fast path and through the Jackson parser alike; it never falls back to the receive time.
 */
class ExchangeTimePlausibilityTest {
  private static final long RECEIVED = 1_672_515_782_200L;
  private static final String GOOD = "1672515782136";

  private static final String BINANCE_TRADE =
      "{\"e\":\"trade\",\"E\":%s,\"s\":\"XRPUSDT\",\"t\":12345,\"p\":\"0.5\",\"q\":\"100\",\"T\":1672515782136}";
  private static final String BINANCE_TRADE_TIME =
      "{\"e\":\"trade\",\"E\":1672515782136,\"s\":\"XRPUSDT\",\"t\":12345,\"p\":\"0.5\",\"q\":\"100\",\"T\":%s}";
  private static final String BINANCE_MINI_TICKER =
      "{\"e\":\"24hrMiniTicker\",\"E\":%s,\"s\":\"XRPUSDT\",\"c\":\"0.5\",\"q\":\"18\"}";
  private static final String BINANCE_DEPTH =
      "{\"stream\":\"xrpusdt@depth5@100ms\",\"data\":{\"E\":%s,\"lastUpdateId\":160,\"bids\":[[\"0.49\",\"10\"]],"
          + "\"asks\":[[\"0.51\",\"100\"]]}}";
  private static final String BINANCE_BOOK_TICKER =
      "{\"u\":400900217,\"E\":%s,\"s\":\"XRPUSDT\",\"b\":\"0.49\",\"B\":\"31\",\"a\":\"0.51\",\"A\":\"40\"}";
  private static final String UPBIT_TICKER =
      "{\"ty\":\"ticker\",\"cd\":\"KRW-XRP\",\"tp\":700,\"atp24h\":1e9,\"ttms\":1672515782136,\"tms\":%s}";
  private static final String UPBIT_TRADE =
      "{\"ty\":\"trade\",\"cd\":\"KRW-XRP\",\"tp\":700,\"tv\":3,\"tms\":1672515782136,\"ttms\":%s}";
  private static final String UPBIT_ORDERBOOK =
      "{\"ty\":\"orderbook\",\"cd\":\"KRW-XRP\",\"tms\":%s,\"obu\":[{\"ap\":701,\"bp\":699,\"as\":1,\"bs\":2}]}";

  private record Counted(long implausibleTimestamps, long otherRejections, MarketState.Applied applied) {}

  private static Counted run(
      FeedVenue venue, BiFunction<FrameStats, CoinResolver, JsonFrameParser> parsers, String frame, boolean binary) {
    FrameStats stats = new FrameStats(venue);
    JsonFrameParser parser = parsers.apply(stats, CoinResolver.of(List.of("XRP")));
    MarketState state = new MarketState(Duration.ofSeconds(10), () -> RECEIVED);
    OpportunityDetector detector =
        new OpportunityDetector(state, new OpportunityDetector.Settings(Duration.ZERO,
            new OpportunityRule.Settings(3, 1_000_000, 0.01, TradingCosts.defaults())), o -> {});
    MarketState.Applied[] applied = {null};
    MarketPipeline pipeline =
        new MarketPipeline(state, detector, null, (f, a, n) -> applied[0] = a, Map.of(venue, stats));
    RawFrame raw =
        binary
            ? RawFrame.binary(venue, frame.getBytes(StandardCharsets.UTF_8), RECEIVED, 0)
            : RawFrame.text(venue, frame, RECEIVED, 0);
    pipeline.onFrame(raw.withEvent(parser.parse(raw)));
    long implausible = stats.rejected(Reject.IMPLAUSIBLE_TIMESTAMP);
    return new Counted(implausible, stats.rejectedTotal() - implausible, applied[0]);
  }

  private static void assertRefused(FeedVenue venue, String template, String time) {
    List<BiFunction<FrameStats, CoinResolver, JsonFrameParser>> parsers =
        venue == FeedVenue.BINANCE
            ? List.of(BinanceParser::new, BinanceParser::withoutFastPath)
            : List.of(UpbitParser::new, UpbitParser::withoutFastPath);
    for (var parser : parsers) {
      // the same frame with a good time is applied: only the time field makes the difference
      Counted good = run(venue, parser, template.formatted(GOOD), venue == FeedVenue.UPBIT);
      assertThat(good.applied()).as("%s with a good time", template).isNotNull().isNotEqualTo(MarketState.Applied.REJECTED);
      assertThat(good.implausibleTimestamps() + good.otherRejections()).isZero();

      Counted bad = run(venue, parser, template.formatted(time), venue == FeedVenue.UPBIT);
      assertThat(bad.applied()).as("%s with time %s", template, time).isEqualTo(MarketState.Applied.REJECTED);
      assertThat(bad.implausibleTimestamps()).isEqualTo(1);
      assertThat(bad.otherRejections()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1672515782136\"", "\"abc\"", "-1672515782136", "-1", "0", "1672515782136.5", "true"})
  void binanceTimesThatAreNoEpochAreRefused(String time) {
    assertRefused(FeedVenue.BINANCE, BINANCE_TRADE, time);
    assertRefused(FeedVenue.BINANCE, BINANCE_TRADE_TIME, time);
    assertRefused(FeedVenue.BINANCE, BINANCE_MINI_TICKER, time);
    assertRefused(FeedVenue.BINANCE, BINANCE_DEPTH, time);
    assertRefused(FeedVenue.BINANCE, BINANCE_BOOK_TICKER, time);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1672515782136\"", "\"abc\"", "-1672515782136", "-1", "0", "1672515782136.5", "null"})
  void upbitTimesThatAreNoEpochAreRefused(String time) {
    assertRefused(FeedVenue.UPBIT, UPBIT_TICKER, time);
    assertRefused(FeedVenue.UPBIT, UPBIT_TRADE, time);
    assertRefused(FeedVenue.UPBIT, UPBIT_ORDERBOOK, time);
  }
}
