package io.kimp.feeds.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.PerpBookTicker;
import io.kimp.core.market.MarketEvent.PerpMarkPrice;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameParsers;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.Reject;
import io.kimp.feeds.record.TickPrinter;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinanceFuturesParserTest {
  private final FrameStats stats = new FrameStats(FeedVenue.BINANCE_FUTURES);
  private final BinanceFuturesParser parser = new BinanceFuturesParser(stats, CoinResolver.of(List.of("BNB", "BTC")));

  private MarketEvent text(String json) {
    return parser.parse(RawFrame.text(FeedVenue.BINANCE_FUTURES, json, 1_568_014_460_900L, 0));
  }

  private static String wrap(String stream, String data) {
    return "{\"stream\":\"" + stream + "\",\"data\":" + data + "}";
  }

  // the payloads of Binance's USDS-M futures websocket-market-streams documentation
  static final String DOC_BOOK_TICKER =
      "{\"e\":\"bookTicker\",\"u\":400900217,\"E\":1568014460893,\"T\":1568014460891,\"s\":\"BNBUSDT\","
          + "\"b\":\"25.35190000\",\"B\":\"31.21000000\",\"a\":\"25.36520000\",\"A\":\"40.66000000\"}";
  static final String DOC_MARK_PRICE =
      "{\"e\":\"markPriceUpdate\",\"E\":1562305380000,\"s\":\"BTCUSDT\",\"p\":\"11794.15000000\","
          + "\"i\":\"11784.62659091\",\"P\":\"11784.25641265\",\"r\":\"0.00038167\",\"T\":1562306400000}";

  @Test
  void documentedBookTickerWrappedAndRaw() {
    for (String frame : List.of(DOC_BOOK_TICKER, wrap("bnbusdt@bookTicker", DOC_BOOK_TICKER))) {
      PerpBookTicker e = (PerpBookTicker) text(frame);
      assertThat(e.coin()).isEqualTo("BNB");
      assertThat(e.quote()).isEqualTo("USDT");
      assertThat(e.bid()).isEqualTo(25.3519);
      assertThat(e.bidQuantity()).isEqualTo(31.21);
      assertThat(e.ask()).isEqualTo(25.3652);
      assertThat(e.askQuantity()).isEqualTo(40.66);
      assertThat(e.sequence()).isEqualTo(400900217L);
      assertThat(e.exchangeTs()).isEqualTo(1568014460891L); // the transaction time
      assertThat(e.receivedAt()).isEqualTo(1_568_014_460_900L);
    }
    assertThat(stats.events()).isEqualTo(2);
  }

  @Test
  void documentedMarkPriceWithFundingWrappedAndRaw() {
    // the key order does not matter: T is the next funding time here, not a transaction time
    String reordered =
        "{\"T\":1562306400000,\"r\":\"-0.00010000\",\"p\":\"11794.15\",\"s\":\"BTCUSDT\",\"E\":1562305380000,"
            + "\"e\":\"markPriceUpdate\"}";
    PerpMarkPrice m = (PerpMarkPrice) text(wrap("btcusdt@markPrice@1s", DOC_MARK_PRICE));
    assertThat(m.coin()).isEqualTo("BTC");
    assertThat(m.markPrice()).isEqualTo(11794.15);
    assertThat(m.indexPrice()).isEqualTo(11784.62659091);
    assertThat(m.fundingRate()).isEqualTo(0.00038167);
    assertThat(m.nextFundingTime()).isEqualTo(1562306400000L);
    assertThat(m.exchangeTs()).isEqualTo(1562305380000L);
    assertThat(m.sequence()).isEqualTo(1562305380000L);
    PerpMarkPrice r = (PerpMarkPrice) text(reordered);
    assertThat(r.fundingRate()).isEqualTo(-0.0001);
    assertThat(r.nextFundingTime()).isEqualTo(1562306400000L);
    assertThat(r.indexPrice()).isNaN(); // not sent
  }

  @Test
  void aPayloadWithoutItsSymbolTakesTheCoinFromTheStreamName() {
    String noSymbol = DOC_BOOK_TICKER.replace("\"s\":\"BNBUSDT\",", "");
    PerpBookTicker e = (PerpBookTicker) text(wrap("bnbusdt@bookTicker", noSymbol));
    assertThat(e.coin()).isEqualTo("BNB");
    assertThat(text(noSymbol)).isNull(); // raw: no stream name either
    assertThat(stats.rejected(Reject.MISSING_FIELD)).isEqualTo(1);
  }

  @Test
  void controlMessagesAreNoEventsAndAShutdownNoticeIsTakenOnce() {
    assertThat(text("{\"result\":null,\"id\":1}")).isNull();
    assertThat(text("{\"e\":\"serverShutdown\",\"E\":1}")).isNull();
    assertThat(parser.takeShutdownNotice()).isTrue();
    assertThat(parser.takeShutdownNotice()).isFalse();
    assertThat(stats.controlMessages()).isEqualTo(2);
    assertThat(stats.rejectedTotal()).isZero();
  }

  @Test
  void malformedFramesAreCountedByReasonAndDropped() {
    String[][] cases = {
      {"<html>502</html>", "BAD_JSON"},
      {"{\"e\":\"bookTicker\",\"s\":\"BNBUSDT\",\"b\":", "BAD_JSON"},
      {"{\"e\":\"bookTicker\",\"u\":1,\"s\":\"BNBUSDT\",\"b\":\"26\",\"B\":\"1\",\"a\":\"25\",\"A\":\"1\"}",
        "CROSSED_BOOK"},
      {"{\"e\":\"bookTicker\",\"u\":1,\"s\":\"BNBUSDT\",\"b\":\"0\",\"B\":\"1\",\"a\":\"25\",\"A\":\"1\"}",
        "NON_POSITIVE_PRICE"},
      {"{\"e\":\"bookTicker\",\"u\":1,\"s\":\"BNBUSDT\",\"b\":\"NaN\",\"B\":\"1\",\"a\":\"25\",\"A\":\"1\"}",
        "BAD_NUMBER"},
      {"{\"e\":\"bookTicker\",\"u\":1,\"s\":\"XRPUSDT\",\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\"}",
        "UNKNOWN_SYMBOL"},
      {"{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1\",\"r\":\"\",\"T\":0}", "BAD_NUMBER"},
      {"{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1\",\"r\":\"0.5\",\"T\":0}", "BAD_NUMBER"},
      {"{\"e\":\"markPriceUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1\",\"T\":0}", "MISSING_FIELD"},
      {"{\"e\":\"markPriceUpdate\",\"s\":\"BTCUSDT\",\"p\":\"1\",\"r\":\"0.0001\"}", "MISSING_FIELD"},
      {"{\"e\":\"kline\",\"s\":\"BTCUSDT\"}", "UNKNOWN_TYPE"},
      {"{\"s\":\"BTCUSDT\",\"b\":\"1\"}", "MISSING_FIELD"},
      {"{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":1}", "VENUE_ERROR"},
    };
    for (String[] c : cases) {
      long before = stats.rejected(Reject.valueOf(c[1]));
      assertThat(text(c[0])).as(c[0]).isNull();
      assertThat(stats.rejected(Reject.valueOf(c[1]))).as(c[0]).isEqualTo(before + 1);
    }
    assertThat(stats.rejectedTotal()).isEqualTo(cases.length);
    assertThat(stats.events()).isZero();
  }

  @Test
  void aRecordingsFuturesFramesAreReadByTheFuturesParser() {
    FrameParsers parsers = new FrameParsers(CoinResolver.open(), "/rates/KRW");
    RawFrame f = parsers.parse(RawFrame.text(FeedVenue.BINANCE_FUTURES, DOC_BOOK_TICKER, 1, 0));
    assertThat(f.event()).isInstanceOf(PerpBookTicker.class);
    assertThat(FeedVenue.ofWireName("binance_futures")).isEqualTo(FeedVenue.BINANCE_FUTURES);
    // kimp replay --print shows them
    assertThat(TickPrinter.json(FeedVenue.BINANCE_FUTURES, f.event()))
        .isEqualTo("{\"venue\":\"binance_futures\",\"symbol\":\"BNB\",\"quote\":\"USDT\",\"kind\":\"perp-book\","
            + "\"ts\":1568014460891,\"bid\":25.3519,\"ask\":25.3652,\"bidSize\":31.21,\"askSize\":40.66}");
    assertThat(TickPrinter.json(FeedVenue.BINANCE_FUTURES, text(DOC_MARK_PRICE)))
        .contains("\"kind\":\"perp-mark\"", "\"price\":11794.15", "\"fundingRate\":3.8167E-4",
            "\"nextFundingTime\":1562306400000");
  }
}
