package io.kimp.feeds.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.core.market.Venue;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.SimulatedVenues;
import io.kimp.simulator.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The simulator driven by the real 2025 BTC candles of both venues: the feeds see the historical premium. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CandleSimulationTest {
  private final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void realCandlesGiveTheirHistoricalPremium() throws Exception {
    Path data = Path.of(System.getProperty("kimp.shared.dir", "../../shared"), "data", "btc-2025");
    Path upbit = data.resolve("upbit_KRW-BTC_5m.csv");
    Path binance = data.resolve("binance_BTCUSDT_5m.csv");
    assertThat(upbit).exists();
    assertThat(Files.size(binance)).isPositive();
    SimulatorConfig candles =
        SimulatorConfig.defaults().withCoins(List.of("BTC")).withCandles(upbit, binance, "BTC").withUpdatesPerSecond(300);
    try (SimulatedVenues venues = SimulatedVenues.start(kit.system(), candles)) {
      MarketFeeds feeds = venues.startFeeds(kit.system(), "kimp.feeds.binance.streams = [bookTicker]");
      // a premium computed before the second venue's first book is NaN until the next update: wait for both sides
      await().atMost(Duration.ofSeconds(10))
          .until(() -> feeds.market().premium("BTC").filter(p -> !Double.isNaN(p.midPercent())).isPresent());
      // BTC in mid-2025: about 108,000 USDT on Binance, about 150,000,000 KRW on Upbit
      assertThat(feeds.market().book(Venue.BINANCE, "BTC").orElseThrow().mid()).isBetween(90_000.0, 125_000.0);
      assertThat(feeds.market().book(Venue.UPBIT, "BTC").orElseThrow().mid()).isBetween(1.3e8, 1.7e8);
      // against the simulator's flat 1,400 USDT/KRW the candle premium stays within a few percent
      assertThat(feeds.market().premium("BTC").orElseThrow().midPercent()).isBetween(-5.0, 5.0);
      feeds.stop().toCompletableFuture().get();
    }
  }
}
