package io.kimp.feeds;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.CycleSettings;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.Plausibility;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.strategy.HedgeCosts;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.OpportunityRule;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.stream.RestartSettings;

/**
 * The feeds' settings from {@code kimp.feeds.*}, parsed once at the edge ({@link #from}) into typed groups, each read and
 * validated by its own named factory: every problem is a {@link ConfigException} naming the key. The groups are small
 * records; a copy with other symbols or endpoints is made with {@link #withSymbols} / {@link #withEndpoints}.
 *
 * @param market what is watched and when a quote counts ({@code symbols}, {@code stale-after}, the detector's keys)
 * @param connection how every connection is kept up ({@code reconnect.*}, {@code idle-timeout})
 * @param upbit {@code upbit.*}
 * @param binance {@code binance.*}
 * @param fx {@code fx.*}
 * @param binanceFutures {@code binance-futures.*}: the USDT-M perpetuals the transfer hedge needs
 */
public record FeedSettings(
    Market market, Connection connection, Upbit upbit, Binance binance, Fx fx, BinanceFutures binanceFutures) {

  private static final String P = "kimp.feeds.";
  private static final Pattern COIN = Pattern.compile("[A-Z0-9]{1,15}");
  private static final Set<String> UPBIT_TYPES = Set.of("ticker", "trade", "orderbook");
  private static final Pattern BINANCE_STREAM =
      Pattern.compile("bookTicker|trade|aggTrade|miniTicker|ticker|depth(5|10|20)(@100ms)?");

  /**
   * @param symbols the watched coins, or empty when {@code auto} (resolve from the venues' market lists)
   */
  public record Market(
      List<String> symbols,
      Duration staleAfter,
      Duration opportunityCooldown,
      double volumeCapFraction,
      double evaluationSizeKrw) {
    public static Market from(Config c) {
      double cap = c.getDouble(P + "volume-cap-fraction");
      if (!(cap > 0) || cap > 1) {
        throw new ConfigException.BadValue(P + "volume-cap-fraction", "must be in (0, 1], not " + cap);
      }
      double size = c.getDouble(P + "evaluation-size-krw");
      if (size < 0) {
        throw new ConfigException.BadValue(P + "evaluation-size-krw", "must not be negative");
      }
      return new Market(
          FeedSettings.symbols(c, P + "symbols"),
          CoreSettings.positive(c, P + "stale-after"),
          nonNegative(c, P + "opportunity-cooldown"),
          cap,
          size);
    }

    public Market withSymbols(List<String> coins) {
      return new Market(List.copyOf(coins), staleAfter, opportunityCooldown, volumeCapFraction, evaluationSizeKrw);
    }
  }

  /** Reconnect backoff and the idle timeout of every connection. */
  public record Connection(Duration minBackoff, Duration maxBackoff, double randomFactor, Duration idleTimeout) {
    public static Connection from(Config c) {
      Duration min = CoreSettings.positive(c, P + "reconnect.min-backoff");
      Duration max = CoreSettings.positive(c, P + "reconnect.max-backoff");
      if (max.compareTo(min) < 0) {
        throw new ConfigException.BadValue(P + "reconnect.max-backoff", "must not be below reconnect.min-backoff");
      }
      double random = c.getDouble(P + "reconnect.random-factor");
      if (random < 0 || random > 1) {
        throw new ConfigException.BadValue(P + "reconnect.random-factor", "must be between 0 and 1");
      }
      removedClientKey(c, P + "websocket-client");
      return new Connection(min, max, random, CoreSettings.positive(c, P + "idle-timeout"));
    }

    public RestartSettings restartSettings() {
      return RestartSettings.create(minBackoff, maxBackoff, randomFactor);
    }
  }

  /** Upbit's endpoints and subscription. */
  public record Upbit(String webSocketUrl, String restUrl, String format, List<String> types, Duration keepAlive) {
    public static Upbit from(Config c) {
      String p = P + "upbit.";
      String format = c.getString(p + "format").trim().toUpperCase(Locale.ROOT);
      if (!format.equals("DEFAULT") && !format.equals("SIMPLE")) {
        throw new ConfigException.BadValue(p + "format", "must be DEFAULT or SIMPLE, not '" + format + "'");
      }
      List<String> types = c.getStringList(p + "types");
      for (String t : types) {
        if (!UPBIT_TYPES.contains(t)) {
          throw new ConfigException.BadValue(p + "types", "unknown type '" + t + "' (ticker, trade, orderbook)");
        }
      }
      if (types.isEmpty()) {
        throw new ConfigException.BadValue(p + "types", "must not be empty");
      }
      return new Upbit(
          url(p + "websocket-url", c.getString(p + "websocket-url"), "ws", "wss"),
          url(p + "rest-url", c.getString(p + "rest-url"), "http", "https"),
          format,
          List.copyOf(types),
          CoreSettings.positive(c, p + "keep-alive"));
    }

    public Upbit withUrls(String ws, String rest) {
      return new Upbit(ws, rest, format, types, keepAlive);
    }
  }

  /** Binance's endpoints, streams and connection rotation. */
  public record Binance(
      String webSocketUrl,
      String restUrl,
      List<String> streams,
      int maxStreamsPerConnection,
      Duration rotateAfter,
      Duration rotationOverlap) {
    public static Binance from(Config c) {
      String p = P + "binance.";
      List<String> streams = c.getStringList(p + "streams");
      for (String s : streams) {
        if (!BINANCE_STREAM.matcher(s).matches()) {
          throw new ConfigException.BadValue(p + "streams", "unsupported stream '" + s + "'");
        }
      }
      if (streams.isEmpty()) {
        throw new ConfigException.BadValue(p + "streams", "must not be empty");
      }
      int perConnection = CoreSettings.atLeast(c, p + "max-streams-per-connection", 1);
      if (perConnection > 1024) {
        throw new ConfigException.BadValue(p + "max-streams-per-connection", "Binance allows at most 1024");
      }
      Duration rotate = CoreSettings.positive(c, p + "rotate-after");
      if (rotate.compareTo(Duration.ofHours(24)) >= 0) {
        throw new ConfigException.BadValue(p + "rotate-after", "must be below Binance's 24 h connection limit");
      }
      return new Binance(
          url(p + "websocket-url", c.getString(p + "websocket-url"), "ws", "wss"),
          url(p + "rest-url", c.getString(p + "rest-url"), "http", "https"),
          List.copyOf(streams),
          perConnection,
          rotate,
          CoreSettings.positive(c, p + "rotation-overlap"));
    }

    public Binance withUrls(String ws, String rest) {
      return new Binance(ws, rest, streams, maxStreamsPerConnection, rotateAfter, rotationOverlap);
    }
  }

  /**
   * Binance's USDT-M perpetuals ({@code fstream}): {@code <coin>usdt@bookTicker} and {@code <coin>usdt@markPrice@1s} of
   * the watched coins, for the transfer hedge's edge and its paper fills.
   *
   * @param enabled {@code enabled}, or on because {@code kimp.hedge.enabled} is
   * @param perpetuals the watched coins listed as perpetuals ({@code /fapi/v1/exchangeInfo}), or null when not resolved:
   *     then every watched coin is subscribed (an unlisted one just never sends anything)
   */
  public record BinanceFutures(
      boolean enabled,
      String webSocketUrl,
      String restUrl,
      List<String> perpetuals,
      int maxStreamsPerConnection,
      Duration rotateAfter,
      Duration rotationOverlap) {
    public static BinanceFutures from(Config c) {
      String p = P + "binance-futures.";
      boolean hedge = c.hasPath("kimp.hedge.enabled") && c.getBoolean("kimp.hedge.enabled");
      int perConnection = CoreSettings.atLeast(c, p + "max-streams-per-connection", 1);
      if (perConnection > 1024) {
        throw new ConfigException.BadValue(p + "max-streams-per-connection", "Binance allows at most 1024");
      }
      Duration rotate = CoreSettings.positive(c, p + "rotate-after");
      if (rotate.compareTo(Duration.ofHours(24)) >= 0) {
        throw new ConfigException.BadValue(p + "rotate-after", "must be below Binance's 24 h connection limit");
      }
      return new BinanceFutures(
          c.getBoolean(p + "enabled") || hedge,
          url(p + "websocket-url", c.getString(p + "websocket-url"), "ws", "wss"),
          url(p + "rest-url", c.getString(p + "rest-url"), "http", "https"),
          null,
          perConnection,
          rotate,
          CoreSettings.positive(c, p + "rotation-overlap"));
    }

    public BinanceFutures withUrls(String ws, String rest) {
      return new BinanceFutures(enabled, ws, rest, perpetuals, maxStreamsPerConnection, rotateAfter, rotationOverlap);
    }

    public BinanceFutures withPerpetuals(List<String> coins) {
      return new BinanceFutures(
          enabled, webSocketUrl, restUrl, List.copyOf(coins), maxStreamsPerConnection, rotateAfter, rotationOverlap);
    }

    public BinanceFutures withEnabled(boolean on) {
      return new BinanceFutures(on, webSocketUrl, restUrl, perpetuals, maxStreamsPerConnection, rotateAfter,
          rotationOverlap);
    }

    /** The coins whose perpetuals are subscribed: the listed ones among {@code watched}, or all of them if unresolved. */
    public List<String> coins(List<String> watched) {
      if (perpetuals == null) {
        return watched;
      }
      List<String> out = new ArrayList<>();
      for (String c : watched) {
        if (perpetuals.contains(c)) {
          out.add(c);
        }
      }
      return out;
    }
  }

  /**
   * The optional USD/KRW poller.
   *
   * @param usdKrwUrl empty = off
   */
  public record Fx(String usdKrwUrl, String jsonPointer, Duration pollInterval) {
    public static Fx from(Config c) {
      String p = P + "fx.";
      String usdUrl = c.getString(p + "usd-krw-url").trim();
      if (!usdUrl.isEmpty()) {
        url(p + "usd-krw-url", usdUrl, "http", "https");
      }
      return new Fx(usdUrl, c.getString(p + "usd-krw-json-pointer"), CoreSettings.positive(c, p + "poll-interval"));
    }

    public boolean configured() {
      return !usdKrwUrl.isBlank();
    }

    public Fx withUrl(String url) {
      return new Fx(url == null ? "" : url, jsonPointer, pollInterval);
    }
  }

  /** Reads and validates {@code kimp.feeds.*}. */
  public static FeedSettings from(Config c) {
    return new FeedSettings(
        Market.from(c), Connection.from(c), Upbit.from(c), Binance.from(c), Fx.from(c), BinanceFutures.from(c));
  }

  // ---- the questions most callers ask

  /** The watched coins; empty when {@code auto}. */
  public List<String> symbols() {
    return market.symbols();
  }

  public Duration staleAfter() {
    return market.staleAfter();
  }

  public boolean autoSymbols() {
    return market.symbols().isEmpty();
  }

  public boolean usdKrwConfigured() {
    return fx.configured();
  }

  /** A copy watching {@code coins}. */
  public FeedSettings withSymbols(List<String> coins) {
    return new FeedSettings(market.withSymbols(coins), connection, upbit, binance, fx, binanceFutures);
  }

  /** Whether the futures feed runs ({@code kimp.feeds.binance-futures.enabled} or {@code kimp.hedge.enabled}). */
  public boolean futuresEnabled() {
    return binanceFutures.enabled();
  }

  /** A copy with other futures endpoints (the simulator's). */
  public FeedSettings withFuturesEndpoints(String ws, String rest) {
    return new FeedSettings(market, connection, upbit, binance, fx, binanceFutures.withUrls(ws, rest));
  }

  /** A copy with the futures feed's settings replaced. */
  public FeedSettings withBinanceFutures(BinanceFutures f) {
    return new FeedSettings(market, connection, upbit, binance, fx, f);
  }

  /** A copy with other venue endpoints (the simulator's); {@code usdKrw} null = no USD/KRW poller. */
  public FeedSettings withEndpoints(
      String upbitWs, String upbitRest, String binanceWs, String binanceRest, String usdKrw) {
    return new FeedSettings(
        market, connection, upbit.withUrls(upbitWs, upbitRest), binance.withUrls(binanceWs, binanceRest),
        fx.withUrl(usdKrw), binanceFutures);
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

  /**
   * The detector's settings: the cooldown and the trading rule at {@code kimp.strategy.min-spread-percent}, the costs of
   * {@code kimp.fees.*}, and the evaluation size (configured, or what the portfolio's sizing rule gives a cycle).
   */
  public OpportunityDetector.Settings detector(Config c) {
    return detector(CoreSettings.portfolio(c), CoreSettings.costs(c), hedgeCosts(c));
  }

  /** {@link #detector(Config)} from settings already read, without the transfer hedge. */
  public OpportunityDetector.Settings detector(PortfolioSettings portfolio, TradingCosts costs) {
    return detector(portfolio, costs, HedgeCosts.off());
  }

  /** {@link #detector(Config)} from settings already read; {@code hedge} from {@link #hedgeCosts(Config)}. */
  public OpportunityDetector.Settings detector(PortfolioSettings portfolio, TradingCosts costs, HedgeCosts hedge) {
    double minSpread = portfolio.minSpreadPercent().doubleValue();
    if (!(minSpread > 0)) {
      throw new ConfigException.BadValue("kimp.strategy.min-spread-percent", "must be positive");
    }
    double sizeKrw = market.evaluationSizeKrw() > 0 ? market.evaluationSizeKrw() : sizeFromPortfolio(portfolio);
    return new OpportunityDetector.Settings(
        market.opportunityCooldown(),
        new OpportunityRule.Settings(minSpread, sizeKrw, market.volumeCapFraction(), costs, hedge));
  }

  /**
   * What the transfer hedge costs the edge: {@link #hedgeCosts(Config, CycleSettings.HedgePolicy)} with the policy
   * {@link CoreSettings#hedge(Config)} reads from {@code c}.
   */
  public static HedgeCosts hedgeCosts(Config c) {
    return hedgeCosts(c, CoreSettings.hedge(c));
  }

  /**
   * What the transfer hedge costs the edge: whether it is on, what becomes of an unlisted coin and the futures taker fee
   * from {@code hedge} ({@code kimp.hedge.enabled}, {@code kimp.hedge.unlisted}, {@code kimp.fees.binance-futures.taker},
   * read once by {@link CoreSettings#hedge(Config)}), and the expected transfer time from {@code c}:
   * {@code kimp.hedge.expected-transfer-minutes} (a number for every coin, or {@code {default = 30, XRP = 5, …}}), a
   * coin's own {@code kimp.transfer.coins.<COIN>.expected-minutes} winning over it; absent, 30 minutes.
   */
  public static HedgeCosts hedgeCosts(Config c, CycleSettings.HedgePolicy hedge) {
    String m = "kimp.hedge.expected-transfer-minutes";
    double dflt = 30;
    Map<String, Double> perCoin = new HashMap<>();
    if (c.hasPath(m)) {
      if (c.getValue(m).valueType() == ConfigValueType.OBJECT) {
        Config o = c.getConfig(m);
        for (String key : o.root().keySet()) {
          double v = minutes(o, key, m + "." + key);
          if (key.equals("default")) {
            dflt = v;
          } else {
            perCoin.put(key.toUpperCase(Locale.ROOT), v);
          }
        }
      } else {
        dflt = minutes(c, m, m);
      }
    }
    if (c.hasPath("kimp.transfer.coins")) {
      Config coins = c.getConfig("kimp.transfer.coins");
      for (String coin : coins.root().keySet()) {
        String k = "\"" + coin + "\".expected-minutes";
        if (coins.hasPath(k)) {
          perCoin.put(
              coin.toUpperCase(Locale.ROOT), minutes(coins, k, "kimp.transfer.coins." + coin + ".expected-minutes"));
        }
      }
    }
    return new HedgeCosts(hedge.enabled(), hedge.unlisted() == CycleSettings.Unlisted.SKIP,
        hedge.futuresTakerFee().doubleValue(), dflt, perCoin);
  }

  private static double minutes(Config c, String path, String name) {
    double v = c.getDouble(path);
    if (!(v >= 0) || v > 7 * 24 * 60) {
      throw new ConfigException.BadValue(name, "must be minutes between 0 and a week, not " + v);
    }
    return v;
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
