package io.kimp.feeds.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import io.kimp.core.market.Venue;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.Reject;
import java.util.List;
import org.junit.jupiter.api.Test;

public class BinanceParserTest {
  private final FrameStats stats = new FrameStats(FeedVenue.BINANCE);
  private final BinanceParser parser = new BinanceParser(stats, CoinResolver.of(List.of("BNB", "XRP")));

  private MarketEvent text(String json) {
    return parser.parse(RawFrame.text(FeedVenue.BINANCE, json, 7L, 0));
  }

  private static String wrap(String stream, String data) {
    return "{\"stream\":\"" + stream + "\",\"data\":" + data + "}";
  }

  // the payloads of Binance's web-socket-streams documentation
  public static final String DOC_BOOK_TICKER =
      "{\"u\":400900217,\"s\":\"BNBUSDT\",\"b\":\"25.35190000\",\"B\":\"31.21000000\",\"a\":\"25.36520000\","
          + "\"A\":\"40.66000000\"}";
  public static final String DOC_TRADE =
      "{\"e\":\"trade\",\"E\":1672515782136,\"s\":\"BNBUSDT\",\"t\":12345,\"p\":\"0.001\",\"q\":\"100\",\"b\":88,"
          + "\"a\":50,\"T\":1672515782136,\"m\":true,\"M\":true}";
  public static final String DOC_DEPTH =
      "{\"lastUpdateId\":160,\"bids\":[[\"0.0024\",\"10\"]],\"asks\":[[\"0.0026\",\"100\"]]}";
  public static final String DOC_MINI_TICKER =
      "{\"e\":\"24hrMiniTicker\",\"E\":1672515782136,\"s\":\"BNBUSDT\",\"c\":\"0.0025\",\"o\":\"0.0010\","
          + "\"h\":\"0.0025\",\"l\":\"0.0010\",\"v\":\"10000\",\"q\":\"18\"}";

  @Test
  void documentedBookTickerWrappedAndRaw() {
    for (String frame : List.of(DOC_BOOK_TICKER, wrap("bnbusdt@bookTicker", DOC_BOOK_TICKER))) {
      BookEvent e = (BookEvent) text(frame);
      assertThat(e.venue()).isEqualTo(Venue.BINANCE);
      assertThat(e.coin()).isEqualTo("BNB");
      assertThat(e.quote()).isEqualTo("USDT");
      assertThat(e.topOnly()).isTrue();
      assertThat(e.book().bestBid()).isEqualTo(25.3519);
      assertThat(e.book().bidSizes()).containsExactly(31.21);
      assertThat(e.book().bestAsk()).isEqualTo(25.3652);
      assertThat(e.book().askSizes()).containsExactly(40.66);
      assertThat(e.sequence()).isEqualTo(400900217L);
      assertThat(e.exchangeTs()).isEqualTo(7L); // no time in a bookTicker: the receive time
    }
    assertThat(parser.fastPathTaken()).as("read by the fast path").isEqualTo(2);
  }

  @Test
  void documentedTradeWrappedAndRaw() {
    for (String frame : List.of(DOC_TRADE, wrap("bnbusdt@trade", DOC_TRADE))) {
      TradeEvent t = (TradeEvent) text(frame);
      assertThat(t.coin()).isEqualTo("BNB");
      assertThat(t.price()).isEqualTo(0.001);
      assertThat(t.size()).isEqualTo(100);
      assertThat(t.exchangeTs()).isEqualTo(1672515782136L);
      assertThat(t.sequence()).isEqualTo(12345L);
    }
    assertThat(parser.fastPathTaken()).as("read by the fast path").isEqualTo(2);
  }

  @Test
  void documentedPartialDepthTakesItsSymbolFromTheStreamName() {
    BookEvent e = (BookEvent) text(wrap("bnbusdt@depth5@100ms", DOC_DEPTH));
    assertThat(e.coin()).isEqualTo("BNB");
    assertThat(e.topOnly()).isFalse();
    assertThat(e.book().bidPrices()).containsExactly(0.0024);
    assertThat(e.book().askSizes()).containsExactly(100);
    assertThat(e.sequence()).isEqualTo(160L);
    // raw, it has no symbol at all
    assertThat(text(DOC_DEPTH)).isNull();
    assertThat(stats.rejected(Reject.MISSING_FIELD)).isEqualTo(1);
  }

  @Test
  void dataBeforeStreamStillParses() {
    BookEvent e = (BookEvent) text("{\"data\":" + DOC_DEPTH + ",\"stream\":\"xrpusdt@depth5@100ms\"}");
    assertThat(e.coin()).isEqualTo("XRP");
  }

  @Test
  void documentedMiniTickerCarriesTheQuoteVolume() {
    TickerEvent t = (TickerEvent) text(wrap("bnbusdt@miniTicker", DOC_MINI_TICKER));
    assertThat(t.price()).isEqualTo(0.0025);
    assertThat(t.volume24hQuote()).isEqualTo(18);
  }

  @Test
  void subscriptionAnswersAndShutdownNoticesAreControl() {
    assertThat(text("{\"result\":null,\"id\":1}")).isNull();
    assertThat(parser.takeShutdownNotice()).isFalse();
    assertThat(text("{\"event\":{\"e\":\"serverShutdown\",\"E\":1770123456789}}")).isNull();
    assertThat(parser.takeShutdownNotice()).isTrue();
    assertThat(parser.takeShutdownNotice()).isFalse();
    assertThat(text(wrap("serverShutdown", "{\"e\":\"serverShutdown\",\"E\":1}"))).isNull();
    assertThat(parser.takeShutdownNotice()).isTrue();
    assertThat(stats.controlMessages()).isEqualTo(3);
    assertThat(stats.rejectedTotal()).isZero();
  }

  @Test
  void malformedFramesAreCountedByReasonAndDropped() {
    assertThat(text("{\"stream\":\"bnbusdt@bookTicker\",\"data\":{\"u\":1,")).isNull();
    assertThat(text("garbage")).isNull();
    assertThat(text(DOC_BOOK_TICKER.replace("25.35190000", "NaN"))).isNull();
    assertThat(text(DOC_BOOK_TICKER.replace("25.35190000", "abc"))).isNull();
    assertThat(text(DOC_BOOK_TICKER.replace("25.35190000", "0"))).isNull();
    assertThat(text(DOC_BOOK_TICKER.replace("25.35190000", "-1"))).isNull();
    assertThat(text(DOC_BOOK_TICKER.replace("25.35190000", "26"))).isNull();
    assertThat(text(DOC_BOOK_TICKER.replace("BNBUSDT", "DOGEUSDT"))).isNull();
    assertThat(text(DOC_BOOK_TICKER.replace("\"b\":\"25.35190000\",", ""))).isNull();
    assertThat(text("{\"e\":\"kline\",\"s\":\"BNBUSDT\"}")).isNull();
    assertThat(text("{\"code\":2,\"msg\":\"Invalid request\"}")).isNull();

    assertThat(stats.rejected(Reject.BAD_JSON)).isEqualTo(2);
    assertThat(stats.rejected(Reject.MISSING_FIELD)).isEqualTo(1); // missing b
    assertThat(stats.rejected(Reject.BAD_NUMBER)).isEqualTo(2); // "NaN", "abc"
    assertThat(stats.rejected(Reject.NON_POSITIVE_PRICE)).isEqualTo(2);
    assertThat(stats.rejected(Reject.CROSSED_BOOK)).isEqualTo(1);
    assertThat(stats.rejected(Reject.UNKNOWN_SYMBOL)).isEqualTo(1);
    assertThat(stats.rejected(Reject.UNKNOWN_TYPE)).isEqualTo(1);
    assertThat(stats.rejected(Reject.VENUE_ERROR)).isEqualTo(1);
    assertThat(parser.fastPathTaken()).as("bad frames are Jackson's to judge").isZero();
    assertThat(text(DOC_BOOK_TICKER)).isNotNull();
  }

  @Test
  void anOpenResolverDerivesCoinsForReplay() {
    BinanceParser open = new BinanceParser(new FrameStats(FeedVenue.BINANCE), CoinResolver.open());
    MarketEvent e = open.parse(RawFrame.text(FeedVenue.BINANCE, DOC_BOOK_TICKER.replace("BNBUSDT", "DOGEUSDT"), 1, 0));
    assertThat(e.coin()).isEqualTo("DOGE");
  }
}
