package io.kimp.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.core.config.CoreSettings;
import io.kimp.gateway.binance.BinanceFuturesSettings;
import io.kimp.gateway.binance.BinanceSettings;
import io.kimp.gateway.http.ApiCredentials;
import io.kimp.gateway.limit.RateLimitSettings;
import io.kimp.gateway.upbit.UpbitSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Reads the live venues' settings ({@code kimp.exchanges.*}). Missing keys fail start-up naming the setting (and the
 * environment variable that can supply it); the keys themselves never appear in a message.
 */
public final class LiveSettings {
  private LiveSettings() {}

  public static UpbitSettings upbit(Config c) {
    String p = "kimp.exchanges.upbit.";
    return new UpbitSettings(
        baseUrl(c, p + "base-url"),
        new ApiCredentials(secret(c, p + "access-key", "UPBIT_ACCESS_KEY"), secret(c, p + "secret-key", "UPBIT_SECRET_KEY")),
        CoreSettings.positive(c, p + "connect-timeout"),
        CoreSettings.positive(c, p + "request-timeout"),
        CoreSettings.positive(c, p + "default-backoff"),
        CoreSettings.positive(c, p + "ban-backoff"),
        CoreSettings.positive(c, p + "withdrawal-match-window"));
  }

  public static BinanceSettings binance(Config c) {
    String p = "kimp.exchanges.binance.";
    Duration recv = CoreSettings.positive(c, p + "recv-window");
    if (recv.toMillis() > 60_000) {
      throw new ConfigException.BadValue(p + "recv-window", "Binance accepts at most 60000 ms, not " + recv.toMillis());
    }
    return new BinanceSettings(
        baseUrl(c, p + "base-url"),
        new ApiCredentials(secret(c, p + "api-key", "BINANCE_API_KEY"), secret(c, p + "secret-key", "BINANCE_SECRET_KEY")),
        recv,
        CoreSettings.positive(c, p + "connect-timeout"),
        CoreSettings.positive(c, p + "request-timeout"),
        CoreSettings.positive(c, p + "default-backoff"),
        CoreSettings.positive(c, p + "symbol-rules-ttl"));
  }

  /**
   * Binance USDT-M futures ({@code kimp.exchanges.binance.futures-url}, the spot key and timeouts of
   * {@code kimp.exchanges.binance.*}); the taker fee is the fallback when the account's rate cannot be read.
   */
  public static BinanceFuturesSettings binanceFutures(Config c, BinanceSettings spot) {
    return BinanceFuturesSettings.of(spot, baseUrl(c, "kimp.exchanges.binance.futures-url"), futuresTakerFee(c));
  }

  /** {@code kimp.fees.binance-futures.taker} (0.0005 when not set). */
  public static java.math.BigDecimal futuresTakerFee(Config c) {
    String path = "kimp.fees.binance-futures.taker";
    if (!c.hasPath(path)) {
      return new java.math.BigDecimal("0.0005");
    }
    java.math.BigDecimal fee = new java.math.BigDecimal(c.getString(path).trim());
    if (fee.signum() < 0 || fee.compareTo(java.math.BigDecimal.ONE) >= 0) {
      throw new ConfigException.BadValue(path, "is a fraction between 0 and 1, not " + fee.toPlainString());
    }
    return fee;
  }

  /**
   * The venues' per-key limits and the safety margin ({@code kimp.exchanges.rate-limits.*}); every limit must be positive
   * and the margin in [0, 1).
   */
  public static RateLimitSettings rateLimits(Config c) {
    String p = "kimp.exchanges.rate-limits.";
    double margin = c.getDouble(p + "safety-margin");
    if (!(margin >= 0 && margin < 1)) {
      throw new ConfigException.BadValue(p + "safety-margin", "must be at least 0 and below 1, not " + margin);
    }
    return new RateLimitSettings(
        margin,
        positiveInt(c, p + "upbit.order-per-second"),
        positiveInt(c, p + "upbit.default-per-second"),
        positiveInt(c, p + "binance.request-weight-per-minute"),
        positiveInt(c, p + "binance.sapi-weight-per-minute"),
        positiveInt(c, p + "binance.orders-per-10s"),
        positiveInt(c, p + "binance.orders-per-day"),
        positiveInt(c, p + "binance-futures.request-weight-per-minute"),
        positiveInt(c, p + "binance-futures.orders-per-minute"),
        positiveInt(c, p + "binance-futures.orders-per-10s"),
        positiveInt(c, p + "binance.sapi-uid-weight-per-minute"));
  }

  /** The live pre-flight's settings ({@code kimp.exchanges.preflight.*}). */
  public static PreflightSettings preflight(Config c) {
    String p = "kimp.exchanges.preflight.";
    java.math.BigDecimal usdt = new java.math.BigDecimal(c.getString(p + "min-free-usdt"));
    java.math.BigDecimal krw = new java.math.BigDecimal(c.getString(p + "min-free-krw"));
    if (usdt.signum() < 0 || krw.signum() < 0) {
      throw new ConfigException.BadValue(p + (usdt.signum() < 0 ? "min-free-usdt" : "min-free-krw"), "must not be negative");
    }
    return new PreflightSettings(CoreSettings.positive(c, p + "interval"), CoreSettings.positive(c, p + "timeout"),
        CoreSettings.positive(c, p + "unchecked-retry"), usdt, krw);
  }

  /**
   * @param interval how often the pre-flight runs again (besides at start and on every resume)
   * @param timeout how long the start-up waits for its first pre-flight before the node goes on
   * @param uncheckedRetry how soon the pre-flight runs again when a venue could not be asked
   * @param minFreeUsdt a coin is excluded while Binance's free USDT is below this (the forward leg starts there)
   * @param minFreeKrw a coin is excluded while Upbit's free KRW is below this (the rebalance leg starts there)
   */
  public record PreflightSettings(
      Duration interval, Duration timeout, Duration uncheckedRetry, java.math.BigDecimal minFreeUsdt,
      java.math.BigDecimal minFreeKrw) {}

  private static int positiveInt(Config c, String path) {
    int v = c.getInt(path);
    if (v <= 0) {
      throw new ConfigException.BadValue(path, "must be positive, not " + v);
    }
    return v;
  }

  private static String secret(Config c, String path, String env) {
    if (!c.hasPath(path) || c.getString(path).isBlank()) {
      throw new ConfigException.Missing(
          path + " (live trading needs it; set it in the config or the " + env + " environment variable)");
    }
    return c.getString(path).trim();
  }

  private static String baseUrl(Config c, String path) {
    String raw = c.getString(path).trim();
    try {
      URI u = new URI(raw);
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
        throw new ConfigException.BadValue(path, "must be an http(s) URL, not '" + raw + "'");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException.BadValue(path, "must be an http(s) URL, not '" + raw + "'");
    }
    return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
  }
}
