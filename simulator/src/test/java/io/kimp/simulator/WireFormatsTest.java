package io.kimp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.simulator.MarketUpdate.Kind;
import org.junit.jupiter.api.Test;

class WireFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MarketUpdate update(SimVenue v, Kind k) {
    return new MarketUpdate(v, k, "XRP", 3010.25, 12.5, 3011.75, 7.125, 3011.0, 0.00062196, 228827082483.70729,
        1676965262139000000L, 1676965262177L, 0);
  }

  @Test
  void decimalsArePlainAndExact() {
    assertThat(Decimals.text(3010.25, 2)).isEqualTo("3010.25");
    assertThat(Decimals.text(0.00062196, 8)).isEqualTo("0.00062196");
    assertThat(Decimals.text(2.0, 8)).isEqualTo("2");
    assertThat(Decimals.text(0.05, 8)).isEqualTo("0.05");
    assertThat(Decimals.text(1400.5, 2)).isEqualTo("1400.5");
    assertThat(Decimals.text(228827082483.70729, 2)).isEqualTo("228827082483.71");
    assertThat(Decimals.text(-1.5, 2)).isEqualTo("-1.5");
    assertThat(Double.parseDouble(Decimals.text(107123.45678901, 8))).isEqualTo(107123.45678901);
  }

  @Test
  void upbitFramesCarryTheDocumentedKeysInBothFormats() throws Exception {
    JsonNode simple = JSON.readTree(WireFormats.upbit(update(SimVenue.UPBIT, Kind.TICKER), true));
    assertThat(simple.get("ty").asText()).isEqualTo("ticker");
    assertThat(simple.get("cd").asText()).isEqualTo("KRW-XRP");
    assertThat(simple.get("tp").asDouble()).isEqualTo(3011.0);
    assertThat(simple.get("atp24h").asDouble()).isEqualTo(228827082483.71);
    JsonNode dflt = JSON.readTree(WireFormats.upbit(update(SimVenue.UPBIT, Kind.BOOK), false));
    assertThat(dflt.get("type").asText()).isEqualTo("orderbook");
    assertThat(dflt.get("orderbook_units")).hasSize(5);
    assertThat(dflt.get("orderbook_units").get(0).get("bid_price").asDouble()).isEqualTo(3010.25);
    assertThat(dflt.get("orderbook_units").get(0).get("ask_size").asDouble()).isEqualTo(7.125);
    JsonNode trade = JSON.readTree(WireFormats.upbit(update(SimVenue.UPBIT, Kind.TRADE), true));
    assertThat(trade.get("sid").asLong()).isEqualTo(1676965262139000000L); // beyond 2^53, exact
  }

  @Test
  void binanceFramesAreWrappedWithTheirStreamName() throws Exception {
    JsonNode book = JSON.readTree(WireFormats.binanceCombined(update(SimVenue.BINANCE, Kind.BOOK)));
    assertThat(book.get("stream").asText()).isEqualTo("xrpusdt@bookTicker");
    assertThat(book.get("data").get("b").asText()).isEqualTo("3010.25");
    assertThat(book.get("data").get("u").asLong()).isEqualTo(1676965262139000000L);
    JsonNode depth = JSON.readTree(WireFormats.binanceCombined(update(SimVenue.BINANCE, Kind.DEPTH)));
    assertThat(depth.get("stream").asText()).isEqualTo("xrpusdt@depth5@100ms");
    assertThat(depth.get("data").get("bids")).hasSize(5);
    JsonNode mini = JSON.readTree(WireFormats.binanceRaw(update(SimVenue.BINANCE, Kind.TICKER)));
    assertThat(mini.get("e").asText()).isEqualTo("24hrMiniTicker");
  }

  @Test
  void upbitSubscriptionsAreCheckedAsUpbitDoes() throws Exception {
    UpbitWire.Subscription s =
        UpbitWire.parse("[{\"ticket\":\"t\"},{\"type\":\"ticker\",\"codes\":[\"KRW-XRP\",\"KRW-BTC.5\"]},"
            + "{\"format\":\"SIMPLE\"}]");
    assertThat(s.simple()).isTrue();
    assertThat(s.wants("ticker", "KRW-BTC")).isTrue();
    assertThat(s.wants("trade", "KRW-XRP")).isFalse();
    assertThatThrownBy(() -> UpbitWire.parse("{\"type\":\"ticker\"}"))
        .isInstanceOfSatisfying(UpbitWire.Refused.class, e -> assertThat(e.name).isEqualTo("WRONG_FORMAT"));
    assertThatThrownBy(() -> UpbitWire.parse("[{\"type\":\"ticker\",\"codes\":[\"KRW-XRP\"]}]"))
        .isInstanceOfSatisfying(UpbitWire.Refused.class, e -> assertThat(e.name).isEqualTo("NO_TICKET"));
    assertThatThrownBy(() -> UpbitWire.parse("[{\"ticket\":\"t\"},{\"type\":\"ticker\"}]"))
        .isInstanceOfSatisfying(UpbitWire.Refused.class, e -> assertThat(e.name).isEqualTo("NO_CODES"));
    assertThatThrownBy(() -> UpbitWire.parse("[{\"ticket\":\"t\"},{\"type\":\"ticker\",\"codes\":[\"KRW-xrp\"]}]"))
        .isInstanceOfSatisfying(UpbitWire.Refused.class, e -> assertThat(e.name).isEqualTo("INVALID_PARAM"));
    assertThatThrownBy(() -> UpbitWire.parse("[{\"ticket\":\"t\"}]"))
        .isInstanceOfSatisfying(UpbitWire.Refused.class, e -> assertThat(e.name).isEqualTo("NO_TYPE"));
    assertThat(UpbitWire.error("NO_TICKET", "x")).isEqualTo("{\"error\":{\"name\":\"NO_TICKET\",\"message\":\"x\"}}");
  }
}
