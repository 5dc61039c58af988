package io.kimp.feeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.feeds.binance.BinanceFeed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedSettingsTest {
  private final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  private static FeedSettings with(String overrides) {
    return FeedSettings.from(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()));
  }

  @Test
  void defaultsWatchTwentyCoinsOnThePublicEndpoints() {
    FeedSettings s = with("");
    assertThat(s.symbols()).hasSize(20).contains("BTC", "XRP", "APT").doesNotContain("USDT");
    assertThat(s.upbit().webSocketUrl()).isEqualTo("wss://api.upbit.com/websocket/v1");
    assertThat(s.binance().webSocketUrl()).isEqualTo("wss://stream.binance.com:9443");
    assertThat(s.binance().rotateAfter()).isLessThan(Duration.ofHours(24));
    assertThat(s.connection().minBackoff()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(s.connection().maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.usdKrwConfigured()).isFalse();
    OpportunityDetector.Settings d = s.detector(ConfigFactory.load());
    assertThat(d.rule().minSpreadPercent()).isEqualTo(0.5);
    assertThat(d.rule().sizeKrw()).isEqualTo(250_000); // FIXED_AMOUNT
    assertThat(d.rule().volumeCapFraction()).isEqualTo(0.01);
  }

  @Test
  void theConfigIsParsedOnceIntoTypedGroupsWithReferenceConfDefaults() {
    FeedSettings s = with("kimp.feeds.fx.usd-krw-url = \"https://rates.example/usd\"");
    assertThat(s.market().staleAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.market().opportunityCooldown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.market().volumeCapFraction()).isEqualTo(0.01);
    assertThat(s.market().evaluationSizeKrw()).isZero();
    assertThat(s.connection()).isEqualTo(new FeedSettings.Connection(
        Duration.ofMillis(500), Duration.ofSeconds(30), 0.2, Duration.ofSeconds(30)));
    assertThat(s.upbit()).isEqualTo(new FeedSettings.Upbit("wss://api.upbit.com/websocket/v1", "https://api.upbit.com",
        "SIMPLE", List.of("ticker", "trade", "orderbook"), Duration.ofSeconds(60)));
    assertThat(s.binance()).isEqualTo(new FeedSettings.Binance("wss://stream.binance.com:9443",
        "https://api.binance.com", List.of("bookTicker", "trade", "depth5@100ms", "miniTicker"), 1024,
        Duration.ofHours(23), Duration.ofSeconds(5)));
    assertThat(s.fx()).isEqualTo(new FeedSettings.Fx("https://rates.example/usd", "/rates/KRW", Duration.ofSeconds(60)));
    assertThat(s.usdKrwConfigured()).isTrue();

    // copies change what they name and nothing else
    FeedSettings sim = s.withEndpoints("ws://127.0.0.1:1/up", "http://127.0.0.1:1", "ws://127.0.0.1:2", "http://127.0.0.1:2",
        null).withSymbols(List.of("XRP"));
    assertThat(sim.upbit().webSocketUrl()).isEqualTo("ws://127.0.0.1:1/up");
    assertThat(sim.binance().restUrl()).isEqualTo("http://127.0.0.1:2");
    assertThat(sim.usdKrwConfigured()).isFalse();
    assertThat(sim.symbols()).containsExactly("XRP");
    assertThat(sim.connection()).isEqualTo(s.connection());
    assertThat(sim.binance().rotateAfter()).isEqualTo(s.binance().rotateAfter());
    assertThat(sim.upbit().types()).isEqualTo(s.upbit().types());
    assertThat(sim.staleAfter()).isEqualTo(s.staleAfter());
  }

  @Test
  void autoMeansResolveFromTheMarketLists() {
    assertThat(with("kimp.feeds.symbols = auto").autoSymbols()).isTrue();
    assertThat(with("kimp.feeds.symbols = [xrp, \"btc \"]").symbols()).containsExactly("XRP", "BTC");
  }

  @Test
  void badValuesFailNamingTheKey() {
    assertThatThrownBy(() -> with("kimp.feeds.stale-after = 0s"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.feeds.stale-after");
    assertThatThrownBy(() -> with("kimp.feeds.binance.rotate-after = 25h"))
        .hasMessageContaining("kimp.feeds.binance.rotate-after");
    assertThatThrownBy(() -> with("kimp.feeds.symbols = [USDT]")).hasMessageContaining("kimp.feeds.symbols");
    assertThatThrownBy(() -> with("kimp.feeds.symbols = everything")).hasMessageContaining("kimp.feeds.symbols");
    assertThatThrownBy(() -> with("kimp.feeds.upbit.format = XML")).hasMessageContaining("kimp.feeds.upbit.format");
    assertThatThrownBy(() -> with("kimp.feeds.upbit.websocket-url = \"http://x\""))
        .hasMessageContaining("kimp.feeds.upbit.websocket-url");
    assertThatThrownBy(() -> with("kimp.feeds.binance.streams = [\"kline_1m\"]"))
        .hasMessageContaining("kimp.feeds.binance.streams");
    assertThatThrownBy(() -> with("kimp.feeds.binance.max-streams-per-connection = 2000"))
        .hasMessageContaining("max-streams-per-connection");
    assertThatThrownBy(() -> with("kimp.feeds.reconnect.max-backoff = 100ms"))
        .hasMessageContaining("kimp.feeds.reconnect.max-backoff");
    assertThatThrownBy(() -> with("kimp.feeds.fx.usd-krw-url = \"ftp://rates\""))
        .hasMessageContaining("kimp.feeds.fx.usd-krw-url");
    // the removed client choice: only the one client left may still be named
    assertThatThrownBy(() -> with("kimp.feeds.websocket-client = netty"))
        .hasMessageContaining("kimp.feeds.websocket-client").hasMessageContaining("removed");
    assertThat(with("kimp.feeds.websocket-client = jdk").symbols()).isNotEmpty();
  }

  @Test
  void moreStreamsThanOneConnectionTakesAreSplit() {
    List<String> streams = BinanceFeed.streams(List.of("BTC", "XRP", "ETH"), List.of("bookTicker", "trade"));
    assertThat(streams).containsExactly("btcusdt@bookTicker", "btcusdt@trade", "xrpusdt@bookTicker", "xrpusdt@trade",
        "ethusdt@bookTicker", "ethusdt@trade");
    assertThat(BinanceFeed.shards(streams, 4)).hasSize(2)
        .satisfies(s -> assertThat(s.get(1)).containsExactly("ethusdt@bookTicker", "ethusdt@trade"));
    assertThat(BinanceFeed.url("wss://x:9443", List.of("a@b", "c@d")))
        .isEqualTo("wss://x:9443/stream?streams=a@b/c@d");
  }

  @Test
  void autoSymbolsAreTheCoinsListedOnBothVenues() throws Exception {
    try (SimulatedVenues venues = SimulatedVenues.start(kit.system(), 0, List.of("XRP", "ETH", "SOL"), 10)) {
      FeedSettings auto = FeedSettings.from(venues.config("kimp.feeds.symbols = auto"));
      FeedSettings resolved =
          MarketFeeds.resolveSymbols(kit.system(), auto).toCompletableFuture().get(1, TimeUnit.MINUTES); // liveness guard
      // UPONLY is on Upbit only (and halted on Binance), BNONLY on Binance only, USDT is the rate market
      assertThat(resolved.symbols()).containsExactly("ETH", "SOL", "XRP");
    }
  }
}
