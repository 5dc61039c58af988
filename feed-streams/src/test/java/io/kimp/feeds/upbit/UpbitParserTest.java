package io.kimp.feeds.upbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.kimp.feeds.parse.VenueErrorException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

public class UpbitParserTest {
  private final FrameStats stats = new FrameStats(FeedVenue.UPBIT);
  private final UpbitParser parser = new UpbitParser(stats, CoinResolver.of(List.of("BTC", "XRP")));

  /** Upbit sends binary frames: parse the bytes, as the live connection does. */
  private MarketEvent binary(String json) {
    return parser.parse(RawFrame.binary(FeedVenue.UPBIT, json.getBytes(StandardCharsets.UTF_8), 42L, 0));
  }

  // the DEFAULT ticker of Upbit's WebSocket ticker documentation (fields as documented, values from its example)
  public static final String DOC_TICKER_DEFAULT =
      "{\"type\":\"ticker\",\"code\":\"KRW-BTC\",\"opening_price\":31883000,\"high_price\":32310000,"
          + "\"low_price\":31855000,\"trade_price\":32287000,\"prev_closing_price\":31883000.00000000,"
          + "\"acc_trade_price\":78039261076.51241000,\"change\":\"RISE\",\"change_price\":404000.00000000,"
          + "\"signed_change_price\":404000.00000000,\"change_rate\":0.0126713295,\"signed_change_rate\":0.0126713295,"
          + "\"ask_bid\":\"ASK\",\"trade_volume\":0.03103806,\"acc_trade_volume\":2429.58834336,"
          + "\"trade_date\":\"20230221\",\"trade_time\":\"074102\",\"trade_timestamp\":1676965262139,"
          + "\"acc_ask_volume\":1146.25573608,\"acc_bid_volume\":1283.33260728,\"highest_52_week_price\":57678000.00000000,"
          + "\"highest_52_week_date\":\"2022-03-28\",\"lowest_52_week_price\":20700000.00000000,"
          + "\"lowest_52_week_date\":\"2022-12-30\",\"market_state\":\"ACTIVE\",\"is_trading_suspended\":false,"
          + "\"delisting_date\":null,\"market_warning\":\"NONE\",\"timestamp\":1676965262177,"
          + "\"acc_trade_price_24h\":228827082483.70729000,\"acc_trade_volume_24h\":7158.80283560,"
          + "\"stream_type\":\"REALTIME\"}";

  public static final String DOC_TICKER_SIMPLE =
      "{\"ty\":\"ticker\",\"cd\":\"KRW-BTC\",\"op\":31883000,\"hp\":32310000,\"lp\":31855000,\"tp\":32287000,"
          + "\"pcp\":31883000.0,\"atp\":78039261076.51241,\"c\":\"RISE\",\"cp\":404000.0,\"scp\":404000.0,"
          + "\"cr\":0.0126713295,\"scr\":0.0126713295,\"ab\":\"ASK\",\"tv\":0.03103806,\"atv\":2429.58834336,"
          + "\"tdt\":\"20230221\",\"ttm\":\"074102\",\"ttms\":1676965262139,\"aav\":1146.25573608,"
          + "\"abv\":1283.33260728,\"h52wp\":57678000.0,\"h52wdt\":\"2022-03-28\",\"l52wp\":20700000.0,"
          + "\"l52wdt\":\"2022-12-30\",\"ms\":\"ACTIVE\",\"its\":false,\"dd\":null,\"mw\":\"NONE\",\"tms\":1676965262177,"
          + "\"atp24h\":228827082483.70729,\"atv24h\":7158.8028356,\"st\":\"REALTIME\"}";

  public static final String DOC_TRADE_DEFAULT =
      "{\"type\":\"trade\",\"code\":\"KRW-BTC\",\"timestamp\":1676965262213,\"trade_date\":\"2023-02-21\","
          + "\"trade_time\":\"07:41:02\",\"trade_timestamp\":1676965262139,\"trade_price\":32287000.00000000,"
          + "\"trade_volume\":0.00062196,\"ask_bid\":\"ASK\",\"prev_closing_price\":31883000.00000000,"
          + "\"change\":\"RISE\",\"change_price\":404000.00000000,\"sequential_id\":1676965262139000000,"
          + "\"best_ask_price\":32290000,\"best_ask_size\":0.0109,\"best_bid_price\":32287000,"
          + "\"best_bid_size\":0.5,\"stream_type\":\"REALTIME\"}";

  public static final String DOC_TRADE_SIMPLE =
      "{\"ty\":\"trade\",\"cd\":\"KRW-BTC\",\"tms\":1676965262213,\"td\":\"2023-02-21\",\"ttm\":\"07:41:02\","
          + "\"ttms\":1676965262139,\"tp\":32287000.0,\"tv\":0.00062196,\"ab\":\"ASK\",\"pcp\":31883000.0,"
          + "\"c\":\"RISE\",\"cp\":404000.0,\"sid\":1676965262139000000,\"st\":\"REALTIME\"}";

  public static final String DOC_ORDERBOOK_DEFAULT =
      "{\"type\":\"orderbook\",\"code\":\"KRW-BTC\",\"timestamp\":1746601573804,\"total_ask_size\":4.79158413,"
          + "\"total_bid_size\":2.65609625,\"orderbook_units\":["
          + "{\"ask_price\":137002000,\"bid_price\":137001000,\"ask_size\":0.10623869,\"bid_size\":0.03656812},"
          + "{\"ask_price\":137023000,\"bid_price\":137000000,\"ask_size\":0.06144079,\"bid_size\":0.33543433},"
          + "{\"ask_price\":137038000,\"bid_price\":136999000,\"ask_size\":0.33545998,\"bid_size\":0.00127661}],"
          + "\"stream_type\":\"REALTIME\",\"level\":0}";

  public static final String DOC_ORDERBOOK_SIMPLE =
      "{\"ty\":\"orderbook\",\"cd\":\"KRW-BTC\",\"tms\":1746601573804,\"tas\":4.79158413,\"tbs\":2.65609625,"
          + "\"obu\":[{\"ap\":137002000,\"bp\":137001000,\"as\":0.10623869,\"bs\":0.03656812},"
          + "{\"ap\":137023000,\"bp\":137000000,\"as\":0.06144079,\"bs\":0.33543433}],\"st\":\"REALTIME\",\"lv\":0}";

  @Test
  void documentedTickerInBothFormats() {
    for (String frame : List.of(DOC_TICKER_DEFAULT, DOC_TICKER_SIMPLE)) {
      TickerEvent t = (TickerEvent) binary(frame);
      assertThat(t.venue()).isEqualTo(Venue.UPBIT);
      assertThat(t.coin()).isEqualTo("BTC");
      assertThat(t.quote()).isEqualTo("KRW");
      assertThat(t.price()).isEqualTo(32_287_000.0);
      assertThat(t.volume24hQuote()).isEqualTo(228827082483.70729);
      assertThat(t.exchangeTs()).isEqualTo(1676965262177L);
      assertThat(t.receivedAt()).isEqualTo(42L);
    }
    assertThat(stats.events()).isEqualTo(2);
    assertThat(stats.rejectedTotal()).isZero();
    assertThat(parser.fastPathTaken()).as("read by the fast path").isEqualTo(2);
  }

  @Test
  void documentedTradeInBothFormatsWithTheSequentialIdBeyondDoublePrecision() {
    for (String frame : List.of(DOC_TRADE_DEFAULT, DOC_TRADE_SIMPLE)) {
      TradeEvent t = (TradeEvent) binary(frame);
      assertThat(t.coin()).isEqualTo("BTC");
      assertThat(t.price()).isEqualTo(32_287_000.0);
      assertThat(t.size()).isEqualTo(0.00062196);
      assertThat(t.exchangeTs()).isEqualTo(1676965262139L);
    }
    assertThat(stats.rejectedTotal()).isZero();
    assertThat(parser.fastPathTaken()).as("read by the fast path").isEqualTo(2);
  }

  @Test
  void documentedOrderbookInBothFormats() {
    BookEvent d = (BookEvent) binary(DOC_ORDERBOOK_DEFAULT);
    assertThat(d.topOnly()).isFalse();
    assertThat(d.book().bidPrices()).containsExactly(137001000, 137000000, 136999000);
    assertThat(d.book().askPrices()).containsExactly(137002000, 137023000, 137038000);
    assertThat(d.book().askSizes()).containsExactly(0.10623869, 0.06144079, 0.33545998);
    assertThat(d.exchangeTs()).isEqualTo(1746601573804L);
    BookEvent s = (BookEvent) binary(DOC_ORDERBOOK_SIMPLE);
    assertThat(s.book().bidSizes()).containsExactly(0.03656812, 0.33543433);
    assertThat(s.book().bestAsk()).isEqualTo(137002000);
    assertThat(parser.fastPathTaken()).as("read by the fast path").isEqualTo(2);
  }

  @Test
  void textFramesParseToo() {
    assertThat(parser.parse(RawFrame.text(FeedVenue.UPBIT, DOC_TICKER_SIMPLE, 1, 0))).isInstanceOf(TickerEvent.class);
  }

  @Test
  void theUsdtMarketIsAlwaysKnown() {
    MarketEvent e = binary(DOC_TICKER_SIMPLE.replace("KRW-BTC", "KRW-USDT").replace("32287000", "1395"));
    assertThat(e.coin()).isEqualTo("USDT");
  }

  @Test
  void keepAliveAnswerIsControl() {
    assertThat(binary("{\"status\":\"UP\"}")).isNull();
    assertThat(stats.controlMessages()).isEqualTo(1);
    assertThat(stats.rejectedTotal()).isZero();
  }

  @Test
  void errorMessageFailsTheConnection() {
    assertThatThrownBy(() -> binary("{\"error\":{\"name\":\"INVALID_PARAM\",\"message\":\"bad codes\"}}"))
        .isInstanceOf(VenueErrorException.class)
        .hasMessageContaining("INVALID_PARAM");
    assertThat(stats.rejected(Reject.VENUE_ERROR)).isEqualTo(1);
  }

  @Test
  void malformedFramesAreCountedByReasonAndDropped() {
    assertThat(binary("{\"ty\":\"ticker\",\"cd\":\"KRW-BTC\",\"tp\":")).isNull();
    assertThat(binary("not json")).isNull();
    assertThat(binary("{\"ty\":\"ticker\",\"tp\":1}")).isNull();
    assertThat(binary("{\"ty\":\"ticker\",\"cd\":\"KRW-BTC\",\"tp\":0}")).isNull();
    assertThat(binary("{\"ty\":\"ticker\",\"cd\":\"KRW-BTC\",\"tp\":-5}")).isNull();
    assertThat(binary("{\"ty\":\"ticker\",\"cd\":\"KRW-BTC\",\"tp\":\"NaN\"}")).isNull();
    assertThat(binary("{\"ty\":\"ticker\",\"cd\":\"KRW-DOGE\",\"tp\":100}")).isNull();
    assertThat(binary("{\"ty\":\"candle.1s\",\"cd\":\"KRW-BTC\"}")).isNull();
    assertThat(binary("{\"ty\":\"orderbook\",\"cd\":\"KRW-BTC\",\"obu\":[{\"ap\":100,\"bp\":101,\"as\":1,\"bs\":1}]}"))
        .isNull();
    assertThat(binary("{\"ty\":\"trade\",\"cd\":\"KRW-BTC\",\"tp\":100}")).isNull();
    assertThat(binary("[1,2]")).isNull();

    assertThat(stats.rejected(Reject.BAD_JSON)).isEqualTo(3);
    assertThat(stats.rejected(Reject.MISSING_FIELD)).isEqualTo(2); // no code, trade without volume
    assertThat(stats.rejected(Reject.BAD_NUMBER)).isEqualTo(1); // "NaN" price
    assertThat(stats.rejected(Reject.NON_POSITIVE_PRICE)).isEqualTo(2);
    assertThat(stats.rejected(Reject.UNKNOWN_SYMBOL)).isEqualTo(1);
    assertThat(stats.rejected(Reject.UNKNOWN_TYPE)).isEqualTo(1);
    assertThat(stats.rejected(Reject.CROSSED_BOOK)).isEqualTo(1);
    assertThat(stats.frames()).isEqualTo(11);
    assertThat(stats.events()).isZero();
    assertThat(parser.fastPathTaken()).as("bad frames are Jackson's to judge").isZero();
    // and the parser still works
    assertThat(binary(DOC_TICKER_DEFAULT)).isNotNull();
  }
}
