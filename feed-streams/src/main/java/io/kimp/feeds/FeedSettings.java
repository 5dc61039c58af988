package io.kimp.feeds;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.Plausibility;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.strategy.OpportunityRule;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.stream.RestartSettings;

/**
 * The feeds' settings from {@code kimp.feeds.*}, validated at start-up: every problem is a {@link ConfigException} naming
 * the key.
 *
 * @param symbols the watched coins, or empty when {@code auto} (resolve from the venues' market lists)
 */
public record FeedSettings(
    List<String> symbols,
    Duration staleAfter,
    Duration opportunityCooldown,
    double volumeCapFraction,
    double evaluationSizeKrw,
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor,
    Duration idleTimeout,
    String upbitWebSocketUrl,
    String upbitRestUrl,
    String upbitFormat,
    List<String> upbitTypes,
    Duration upbitKeepAlive,
    String binanceWebSocketUrl,
    String binanceRestUrl,
    List<String> binanceStreams,
    int binanceMaxStreamsPerConnection,
    Duration binanceRotateAfter,
    Duration binanceRotationOverlap,
    String usdKrwUrl,
    String usdKrwJsonPointer,
    Duration usdKrwPollInterval) {

  private static final Pattern COIN = Pattern.compile("[A-Z0-9]{1,15}");
  private static final Set<String> UPBIT_TYPES = Set.of("ticker", "trade", "orderbook");
  private static final Pattern BINANCE_STREAM =
      Pattern.compile("bookTicker|trade|aggTrade|miniTicker|ticker|depth(5|10|20)(@100ms)?");

  public boolean autoSymbols() {
    return symbols.isEmpty();
  }

  public boolean usdKrwConfigured() {
    return !usdKrwUrl.isBlank();
  }

  public RestartSettings restartSettings() {
    return RestartSettings.create(minBackoff, maxBackoff, randomFactor);
  }

  /** A copy watching {@code coins}. */
  public FeedSettings withSymbols(List<String> coins) {
    return new FeedSettings(
        List.copyOf(coins), staleAfter, opportunityCooldown, volumeCapFraction, evaluationSizeKrw, minBackoff, maxBackoff,
        randomFactor, idleTimeout, upbitWebSocketUrl, upbitRestUrl, upbitFormat, upbitTypes,
        upbitKeepAlive,
        binanceWebSocketUrl, binanceRestUrl, binanceStreams, binanceMaxStreamsPerConnection, binanceRotateAfter,
        binanceRotationOverlap,
        usdKrwUrl, usdKrwJsonPointer, usdKrwPollInterval);
  }

  /** A copy with other venue endpoints (the simulator's). */
  public FeedSettings withEndpoints(
      String upbitWs, String upbitRest, String binanceWs, String binanceRest, String usdKrw) {
    return new FeedSettings(
        symbols, staleAfter, opportunityCooldown, volumeCapFraction, evaluationSizeKrw, minBackoff, maxBackoff,
        randomFactor, idleTimeout, upbitWs, upbitRest, upbitFormat, upbitTypes, upbitKeepAlive, binanceWs, binanceRest,
        binanceStreams, binanceMaxStreamsPerConnection, binanceRotateAfter, binanceRotationOverlap,
        usdKrw == null ? "" : usdKrw,
        usdKrwJsonPointer, usdKrwPollInterval);
  }

  /** Which market values are believed ({@code kimp.feeds.plausibility}): the others are refused and counted. */
  public static Plausibility.Settings plausibility(Config c) {
    String p = "kimp.feeds.plausibility.";
    double move = c.getDouble(p + "max-move");
    double cross = c.getDouble(p + "max-cross-venue-deviation");
    double min = c.getDouble(p + "min-price");
    double max = c.getDouble(p + "max-price");
    if (!(move > 0) || !(cross > 0)) {
      throw new ConfigException.BadValue(p + (move > 0 ? "max-cross-venue-deviation" : "max-move"),
          "must be a positive fraction (0.2 = 20 %)");
    }
    if (!(min > 0) || !(max > min)) {
      throw new ConfigException.BadValue(p + "max-price", "must be above min-price, and min-price above 0");
    }
    return new Plausibility.Settings(move, cross, CoreSettings.positive(c, p + "reference-max-age"), min, max,
        CoreSettings.positive(c, p + "max-clock-skew"));
  }

  public static FeedSettings from(Config c) {
    String p = "kimp.feeds.";
    Duration min = CoreSettings.positive(c, p + "reconnect.min-backoff");
    Duration max = CoreSettings.positive(c, p + "reconnect.max-backoff");
    if (max.compareTo(min) < 0) {
      throw new ConfigException.BadValue(p + "reconnect.max-backoff", "must not be below reconnect.min-backoff");
    }
    double random = c.getDouble(p + "reconnect.random-factor");
    if (random < 0 || random > 1) {
      throw new ConfigException.BadValue(p + "reconnect.random-factor", "must be between 0 and 1");
    }
    double cap = c.getDouble(p + "volume-cap-fraction");
    if (!(cap > 0) || cap > 1) {
      throw new ConfigException.BadValue(p + "volume-cap-fraction", "must be in (0, 1], not " + cap);
    }
    double size = c.getDouble(p + "evaluation-size-krw");
    if (size < 0) {
      throw new ConfigException.BadValue(p + "evaluation-size-krw", "must not be negative");
    }
    String format = c.getString(p + "upbit.format").trim().toUpperCase(Locale.ROOT);
    if (!format.equals("DEFAULT") && !format.equals("SIMPLE")) {
      throw new ConfigException.BadValue(p + "upbit.format", "must be DEFAULT or SIMPLE, not '" + format + "'");
    }
    List<String> types = c.getStringList(p + "upbit.types");
    for (String t : types) {
      if (!UPBIT_TYPES.contains(t)) {
        throw new ConfigException.BadValue(p + "upbit.types", "unknown type '" + t + "' (ticker, trade, orderbook)");
      }
    }
    if (types.isEmpty()) {
      throw new ConfigException.BadValue(p + "upbit.types", "must not be empty");
    }
    List<String> streams = c.getStringList(p + "binance.streams");
    for (String s : streams) {
      if (!BINANCE_STREAM.matcher(s).matches()) {
        throw new ConfigException.BadValue(p + "binance.streams", "unsupported stream '" + s + "'");
      }
    }
    if (streams.isEmpty()) {
      throw new ConfigException.BadValue(p + "binance.streams", "must not be empty");
    }
    int perConnection = CoreSettings.atLeast(c, p + "binance.max-streams-per-connection", 1);
    if (perConnection > 1024) {
      throw new ConfigException.BadValue(p + "binance.max-streams-per-connection", "Binance allows at most 1024");
    }
    Duration rotate = CoreSettings.positive(c, p + "binance.rotate-after");
    if (rotate.compareTo(Duration.ofHours(24)) >= 0) {
      throw new ConfigException.BadValue(p + "binance.rotate-after", "must be below Binance's 24 h connection limit");
    }
    removedClientKey(c, p + "websocket-client");
    String usdUrl = c.getString(p + "fx.usd-krw-url").trim();
    if (!usdUrl.isEmpty()) {
      url(p + "fx.usd-krw-url", usdUrl, "http", "https");
    }
    return new FeedSettings(
        symbols(c, p + "symbols"),
        CoreSettings.positive(c, p + "stale-after"),
        nonNegative(c, p + "opportunity-cooldown"),
        cap,
        size,
        min,
        max,
        random,
        CoreSettings.positive(c, p + "idle-timeout"),
        url(p + "upbit.websocket-url", c.getString(p + "upbit.websocket-url"), "ws", "wss"),
        url(p + "upbit.rest-url", c.getString(p + "upbit.rest-url"), "http", "https"),
        format,
        List.copyOf(types),
        CoreSettings.positive(c, p + "upbit.keep-alive"),
        url(p + "binance.websocket-url", c.getString(p + "binance.websocket-url"), "ws", "wss"),
        url(p + "binance.rest-url", c.getString(p + "binance.rest-url"), "http", "https"),
        List.copyOf(streams),
        perConnection,
        rotate,
        CoreSettings.positive(c, p + "binance.rotation-overlap"),
        usdUrl,
        c.getString(p + "fx.usd-krw-json-pointer"),
        CoreSettings.positive(c, p + "fx.poll-interval"));
  }

  /**
   * The detector's settings: the cooldown and the trading rule at {@code kimp.strategy.min-spread-percent}, the costs of
   * {@code kimp.fees.*}, and the evaluation size (configured, or what the portfolio's sizing rule gives a cycle).
   */
  public OpportunityDetector.Settings detector(Config c) {
    double minSpread = CoreSettings.decimal(c, "kimp.strategy.min-spread-percent").doubleValue();
    if (!(minSpread > 0)) {
      throw new ConfigException.BadValue("kimp.strategy.min-spread-percent", "must be positive");
    }
    double sizeKrw = evaluationSizeKrw > 0 ? evaluationSizeKrw : sizeFromPortfolio(CoreSettings.portfolio(c));
    return new OpportunityDetector.Settings(
        opportunityCooldown,
        new OpportunityRule.Settings(minSpread, sizeKrw, volumeCapFraction, CoreSettings.costs(c)));
  }

  static double sizeFromPortfolio(PortfolioSettings s) {
    BigDecimal size;
    switch (s.sizing()) {
      case FIXED_AMOUNT:
        size = s.fixedAmountKrw();
        break;
      case PERCENTAGE:
        size = s.capitalKrw().multiply(s.percentage()).movePointLeft(2);
        break;
      default:
        size = s.capitalKrw();
    }
    return size.min(s.maxExposureKrw()).doubleValue();
  }

  private static List<String> symbols(Config c, String path) {
    if (c.getValue(path).valueType() == ConfigValueType.STRING) {
      String v = c.getString(path).trim();
      if (v.equalsIgnoreCase("auto")) {
        return List.of();
      }
      throw new ConfigException.BadValue(path, "must be a list of coins or \"auto\", not '" + v + "'");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String s : c.getStringList(path)) {
      String coin = s.trim().toUpperCase(Locale.ROOT);
      if (!COIN.matcher(coin).matches()) {
        throw new ConfigException.BadValue(path, "'" + s + "' is not a coin symbol");
      }
      if (coin.equals("USDT")) {
        throw new ConfigException.BadValue(path, "USDT is the rate market, always watched; do not list it");
      }
      out.add(coin);
    }
    if (out.isEmpty()) {
      throw new ConfigException.BadValue(path, "must not be empty (use \"auto\" for all common markets)");
    }
    return new ArrayList<>(out);
  }

  /** {@code websocket-client} is gone (one client is left): a configuration still asking for another one is refused. */
  private static void removedClientKey(Config c, String path) {
    if (c.hasPath(path) && !c.getString(path).trim().equalsIgnoreCase("jdk")) {
      throw new ConfigException.BadValue(path, "was removed: kimp has one WebSocket client (the JDK's); delete the key");
    }
  }

  private static Duration nonNegative(Config c, String path) {
    Duration d = c.getDuration(path);
    if (d.isNegative()) {
      throw new ConfigException.BadValue(path, "must not be negative");
    }
    return d;
  }

  private static String url(String path, String raw, String... schemes) {
    String v = raw.trim();
    try {
      URI u = new URI(v);
      for (String s : schemes) {
        if (s.equalsIgnoreCase(u.getScheme()) && u.getHost() != null) {
          return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        }
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new ConfigException.BadValue(path, "must be a " + String.join("/", schemes) + " URL, not '" + raw + "'");
  }
}
