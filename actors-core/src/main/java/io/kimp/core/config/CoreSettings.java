package io.kimp.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import io.kimp.core.cycle.CycleSettings;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.portfolio.SizingRule;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRule;
import io.kimp.core.strategy.TransferRules;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and validates the core's settings from {@code kimp.*}. Every problem is a {@link ConfigException} naming the key.
 */
public final class CoreSettings {
  private CoreSettings() {}

  public static CycleSettings cycle(Config c) {
    return new CycleSettings(
        new CycleSettings.RetryPolicy(
            positive(c, "kimp.retry.base-delay"),
            atLeast(c, "kimp.retry.max-attempts", 1),
            atLeast(c, "kimp.alerts.retry-threshold", 1)),
        new CycleSettings.Execution(
            positive(c, "kimp.execution.order-timeout"),
            positive(c, "kimp.execution.withdraw-timeout"),
            positive(c, "kimp.execution.reconcile-interval"),
            positive(c, "kimp.execution.unknown-outcome-grace"),
            positive(c, "kimp.execution.redelivery-interval")),
        new CycleSettings.TransferPolling(
            positive(c, "kimp.transfer.deposit-timeout"),
            positive(c, "kimp.transfer.poll-interval")),
        new CycleSettings.RebalancePolicy(
            positive(c, "kimp.strategy.rebalance-check-interval"),
            positive(c, "kimp.strategy.max-rebalance-wait"),
            decimal(c, "kimp.strategy.finalizer-min-profit-percent")),
        costs(c),
        transfers(c),
        hedge(c));
  }

  /**
   * {@code kimp.hedge.*} and {@code kimp.fees.binance-futures.taker}. A bad value is an {@link IllegalArgumentException}
   * that names its key.
   */
  public static CycleSettings.HedgePolicy hedge(Config c) {
    boolean enabled = read(c, "kimp.hedge.enabled", () -> c.getBoolean("kimp.hedge.enabled"));
    CycleSettings.Unlisted unlisted = CycleSettings.Unlisted.parse(
        read(c, "kimp.hedge.unlisted", () -> c.getString("kimp.hedge.unlisted")));
    int leverage = read(c, "kimp.hedge.leverage", () -> c.getInt("kimp.hedge.leverage"));
    Duration interval =
        read(c, "kimp.hedge.position-check-interval", () -> c.getDuration("kimp.hedge.position-check-interval"));
    BigDecimal fee = read(c, "kimp.fees.binance-futures.taker", () -> decimal(c, "kimp.fees.binance-futures.taker"));
    return new CycleSettings.HedgePolicy(enabled, unlisted, leverage, interval, fee);
  }

  /** Reads one key; a missing or malformed value becomes an {@link IllegalArgumentException} naming it. */
  private static <T> T read(Config c, String path, java.util.function.Supplier<T> get) {
    try {
      return get.get();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  /** The config key of each {@link PortfolioSettings} component, for errors that name the key. */
  private static final Map<String, String> PORTFOLIO_KEYS =
      Map.ofEntries(
          Map.entry("capitalKrw", "kimp.portfolio.capital-krw"),
          Map.entry("sizing", "kimp.portfolio.sizing"),
          Map.entry("fixedAmountKrw", "kimp.portfolio.fixed-amount-krw"),
          Map.entry("percentage", "kimp.portfolio.percentage"),
          Map.entry("minOrderKrw", "kimp.portfolio.min-order-krw"),
          Map.entry("maxConcurrentCycles", "kimp.risk.max-concurrent-cycles"),
          Map.entry("maxExposureKrw", "kimp.risk.max-exposure-krw"),
          Map.entry("dailyLossLimitKrw", "kimp.risk.daily-loss-limit-krw"),
          Map.entry("tradingDayZone", "kimp.risk.trading-day-zone"),
          Map.entry("minSpreadPercent", "kimp.strategy.min-spread-percent"),
          Map.entry("finalizerMinProfitPercent", "kimp.strategy.finalizer-min-profit-percent"));

  /** The configured capital, risk limits and strategy thresholds; the ranges are {@link PortfolioSettings#problems}. */
  public static PortfolioSettings portfolio(Config c) {
    SizingRule sizing;
    String raw = c.getString("kimp.portfolio.sizing");
    try {
      sizing = SizingRule.valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("kimp.portfolio.sizing", "must be FIXED_AMOUNT, PERCENTAGE or FULL_CAPITAL, not '" + raw + "'");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(c.getString("kimp.risk.trading-day-zone"));
    } catch (DateTimeException e) {
      throw new ConfigException.BadValue("kimp.risk.trading-day-zone", e.getMessage());
    }
    PortfolioSettings s =
        new PortfolioSettings(
            decimal(c, "kimp.portfolio.capital-krw"),
            sizing,
            decimal(c, "kimp.portfolio.fixed-amount-krw"),
            decimal(c, "kimp.portfolio.percentage"),
            decimal(c, "kimp.portfolio.min-order-krw"),
            c.getInt("kimp.risk.max-concurrent-cycles"),
            decimal(c, "kimp.risk.max-exposure-krw"),
            decimal(c, "kimp.risk.daily-loss-limit-krw"),
            zone,
            decimal(c, "kimp.strategy.min-spread-percent"),
            decimal(c, "kimp.strategy.finalizer-min-profit-percent"));
    Map<String, String> problems = s.problems();
    if (!problems.isEmpty()) {
      Map.Entry<String, String> first = problems.entrySet().iterator().next();
      throw new ConfigException.BadValue(PORTFOLIO_KEYS.get(first.getKey()), first.getValue());
    }
    return s;
  }

  public static TradingCosts costs(Config c) {
    Map<Venue, BigDecimal> taker = new EnumMap<>(Venue.class);
    Map<Venue, Map<String, BigDecimal>> withdrawal = new EnumMap<>(Venue.class);
    for (Venue v : Venue.values()) {
      String venue = v.name().toLowerCase(Locale.ROOT);
      BigDecimal fee = nonNegativeDecimal(c, "kimp.fees." + venue + ".taker");
      if (fee.compareTo(new BigDecimal("0.05")) > 0) {
        throw new ConfigException.BadValue(
            "kimp.fees." + venue + ".taker", "is a fraction (0.001 = 0.1 %); " + fee + " looks like a percentage");
      }
      taker.put(v, fee);
      Map<String, BigDecimal> fees = new HashMap<>();
      String path = "kimp.fees.withdrawal." + venue;
      if (c.hasPath(path)) {
        ConfigObject obj = c.getObject(path);
        for (String coin : obj.keySet()) {
          fees.put(coin, nonNegativeDecimal(c, path + "." + coin));
        }
      }
      withdrawal.put(v, fees);
    }
    return new TradingCosts(taker, withdrawal);
  }

  public static TransferRules transfers(Config c) {
    Map<String, TransferRule> rules = new HashMap<>();
    String base = "kimp.transfer.coins";
    if (c.hasPath(base)) {
      for (String coin : c.getObject(base).keySet()) {
        String p = base + "." + coin;
        int decimals = c.getInt(p + ".decimals");
        if (decimals < 0 || decimals > 18) {
          throw new ConfigException.BadValue(p + ".decimals", "must be between 0 and 18");
        }
        rules.put(
            coin,
            new TransferRule(
                coin, c.getString(p + ".network"), decimals, nonNegativeDecimal(c, p + ".minimum"),
                c.getBoolean(p + ".whole-units"), c.getBoolean(p + ".tag-required")));
      }
    }
    return new TransferRules(rules);
  }

  // ---- typed, validated reads

  public static Duration positive(Config c, String path) {
    Duration d = c.getDuration(path);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException.BadValue(path, "must be a positive duration, not " + d);
    }
    return d;
  }

  public static int atLeast(Config c, String path, int min) {
    int v = c.getInt(path);
    if (v < min) {
      throw new ConfigException.BadValue(path, "must be at least " + min + ", not " + v);
    }
    return v;
  }

  public static BigDecimal decimal(Config c, String path) {
    String raw = c.getString(path);
    try {
      return new BigDecimal(raw.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException.BadValue(path, "must be a number, not '" + raw + "'");
    }
  }

  public static BigDecimal positiveDecimal(Config c, String path) {
    BigDecimal v = decimal(c, path);
    if (v.signum() <= 0) {
      throw new ConfigException.BadValue(path, "must be positive, not " + v.toPlainString());
    }
    return v;
  }

  public static BigDecimal nonNegativeDecimal(Config c, String path) {
    BigDecimal v = decimal(c, path);
    if (v.signum() < 0) {
      throw new ConfigException.BadValue(path, "must not be negative, not " + v.toPlainString());
    }
    return v;
  }
}
