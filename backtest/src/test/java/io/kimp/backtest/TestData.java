package io.kimp.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/** Where the shared real data is, and settings for synthetic replays. */
public final class TestData {
  private TestData() {}

  /** {@code ../shared/data/btc-2025}, read in place (surefire sets {@code kimp.shared.dir}). */
  public static Path btc2025() {
    String shared = System.getProperty("kimp.shared.dir", "../../shared");
    Path dir = Paths.get(shared).resolve("data/btc-2025").toAbsolutePath().normalize();
    assertThat(dir.resolve("upbit_KRW-BTC_5m.csv"))
        .as("the shared real data (kimp.shared.dir=%s)", shared)
        .isRegularFile();
    return dir;
  }

  public static Path upbitCandles() {
    return btc2025().resolve("upbit_KRW-BTC_5m.csv");
  }

  public static Path binanceCandles() {
    return btc2025().resolve("binance_BTCUSDT_5m.csv");
  }

  public static Path usdKrwDaily() {
    return btc2025().resolve("usdkrw_1d.csv");
  }

  /** Backtest settings: the live defaults with {@code overrides} on top, validated as the CLI validates them. */
  public static BacktestSettings settings(String symbol, Map<String, ?> overrides) {
    return BacktestSettings.from(
        ConfigFactory.parseMap(overrides, "test").withFallback(ConfigFactory.load()).resolve(), symbol);
  }

  public static Path write(Path dir, String name, String content) throws java.io.IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }
}
