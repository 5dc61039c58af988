package io.kimp.feeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.cycle.CycleSettings;
import io.kimp.core.strategy.HedgeCosts;
import io.kimp.feeds.binance.BinanceFuturesFeed;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kimp.feeds.binance-futures.*} and the hedge's cost keys as the feeds read them. */
class FuturesSettingsTest {
  private static com.typesafe.config.Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load());
  }

  @Test
  void theFuturesFeedIsOffUnlessEnabledOrTheHedgeIsOn() {
    FeedSettings off = FeedSettings.from(config(""));
    assertThat(off.futuresEnabled()).isFalse();
    assertThat(off.binanceFutures().webSocketUrl()).isEqualTo("wss://fstream.binance.com");
    assertThat(off.binanceFutures().restUrl()).isEqualTo("https://fapi.binance.com");
    assertThat(FeedSettings.from(config("kimp.hedge.enabled = on")).futuresEnabled()).isTrue();
    assertThat(FeedSettings.from(config("kimp.feeds.binance-futures.enabled = on")).futuresEnabled()).isTrue();
    FeedSettings sim = off.withFuturesEndpoints("ws://127.0.0.1:3", "http://127.0.0.1:3");
    assertThat(sim.binanceFutures().webSocketUrl()).isEqualTo("ws://127.0.0.1:3");
    assertThatThrownBy(() -> FeedSettings.from(config("kimp.feeds.binance-futures.websocket-url = \"fstream\"")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("kimp.feeds.binance-futures.websocket-url");
  }

  @Test
  void onlyTheListedPerpetualsOfTheWatchedCoinsAreSubscribed() {
    FeedSettings.BinanceFutures f = FeedSettings.from(config("")).binanceFutures();
    assertThat(f.coins(List.of("BTC", "XRP"))).containsExactly("BTC", "XRP"); // not resolved: all
    assertThat(f.withPerpetuals(List.of("XRP")).coins(List.of("BTC", "XRP"))).containsExactly("XRP");
    assertThat(f.withPerpetuals(List.of()).coins(List.of("BTC", "XRP"))).isEmpty();
    assertThat(BinanceFuturesFeed.streams(List.of("XRP"))).containsExactly("xrpusdt@bookTicker", "xrpusdt@markPrice@1s");
  }

  @Test
  void theHedgeKeysComeFromTheCoresOneParse() {
    CycleSettings.HedgePolicy policy = new CycleSettings.HedgePolicy(
        true, CycleSettings.Unlisted.SKIP, 2, Duration.ofMinutes(1), new BigDecimal("0.0003"));
    HedgeCosts h = FeedSettings.hedgeCosts(config("kimp.hedge.expected-transfer-minutes = 12"), policy);
    assertThat(h.enabled()).isTrue(); // the config says off: the policy decides
    assertThat(h.skipUnlisted()).isTrue();
    assertThat(h.futuresTaker()).isEqualTo(0.0003);
    assertThat(h.expectedMinutes("ETH")).isEqualTo(12);
  }

  @Test
  void theHedgesCostsAreReadWithTheirDefaults() {
    HedgeCosts none = FeedSettings.hedgeCosts(config(""));
    assertThat(none.enabled()).isFalse();
    assertThat(none.skipUnlisted()).isFalse();
    assertThat(none.futuresTaker()).isEqualTo(0.0005);
    assertThat(none.expectedMinutes("BTC")).isEqualTo(30);

    HedgeCosts h =
        FeedSettings.hedgeCosts(
            config("kimp.hedge { enabled = on, unlisted = skip, expected-transfer-minutes { default = 20, xrp = 3 } }\n"
                + "kimp.fees.binance-futures.taker = 0.0004\n"
                + "kimp.transfer.coins.BTC.expected-minutes = 60"));
    assertThat(h.enabled()).isTrue();
    assertThat(h.skipUnlisted()).isTrue();
    assertThat(h.futuresTaker()).isEqualTo(0.0004);
    assertThat(h.expectedMinutes("XRP")).isEqualTo(3);
    assertThat(h.expectedMinutes("BTC")).isEqualTo(60);
    assertThat(h.expectedMinutes("ETH")).isEqualTo(20);
    assertThat(FeedSettings.hedgeCosts(config("kimp.hedge.expected-transfer-minutes = 12")).expectedMinutes("ETH"))
        .isEqualTo(12);
    assertThat(FeedSettings.from(config("kimp.hedge { enabled = on, unlisted = skip }"))
            .detector(config("kimp.hedge { enabled = on, unlisted = skip }")).rule().hedge().skipUnlisted())
        .isTrue();

    assertThatThrownBy(() -> FeedSettings.hedgeCosts(config("kimp.hedge.unlisted = maybe")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kimp.hedge.unlisted");
    assertThatThrownBy(() -> FeedSettings.hedgeCosts(config("kimp.hedge.expected-transfer-minutes = -1")))
        .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("expected-transfer-minutes");
  }
}
