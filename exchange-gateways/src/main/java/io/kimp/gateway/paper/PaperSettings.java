package io.kimp.gateway.paper;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.market.Venue;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Paper trading settings ({@code kimp.paper.*}).
 *
 * @param maxBookAge books older than this are not traded on (zero: any age)
 * @param futuresMargin the paper futures wallet's USDT when the ledger's futures account is first opened
 *     ({@code kimp.paper.balances.binance-futures.USDT})
 */
public record PaperSettings(
    Path ledgerFile,
    Map<Venue, Map<String, BigDecimal>> initialBalances,
    Duration defaultTransferTime,
    Map<String, Duration> transferTimes,
    Duration maxBookAge,
    PaperFaults faults,
    BigDecimal futuresMargin) {

  public PaperSettings {
    initialBalances = Map.copyOf(initialBalances);
    transferTimes = Map.copyOf(transferTimes);
  }

  /** Without a futures wallet (it starts empty). */
  public PaperSettings(Path ledgerFile, Map<Venue, Map<String, BigDecimal>> initialBalances, Duration defaultTransferTime,
      Map<String, Duration> transferTimes, Duration maxBookAge, PaperFaults faults) {
    this(ledgerFile, initialBalances, defaultTransferTime, transferTimes, maxBookAge, faults, BigDecimal.ZERO);
  }

  public Duration transferTime(String coin) {
    return transferTimes.getOrDefault(coin, defaultTransferTime);
  }

  public static PaperSettings from(Config c) {
    Map<Venue, Map<String, BigDecimal>> balances = new EnumMap<>(Venue.class);
    for (Venue v : Venue.values()) {
      String path = "kimp.paper.balances." + v.name().toLowerCase(Locale.ROOT);
      Map<String, BigDecimal> assets = new HashMap<>();
      if (c.hasPath(path)) {
        ConfigObject obj = c.getObject(path);
        for (String asset : obj.keySet()) {
          assets.put(asset, CoreSettings.nonNegativeDecimal(c, path + "." + asset));
        }
      }
      balances.put(v, assets);
    }
    Map<String, Duration> times = new HashMap<>();
    String coins = "kimp.paper.transfer-time.coins";
    if (c.hasPath(coins)) {
      for (String coin : c.getObject(coins).keySet()) {
        times.put(coin, CoreSettings.positive(c, coins + "." + coin));
      }
    }
    Duration maxAge = c.getDuration("kimp.paper.max-book-age");
    if (maxAge.isNegative()) {
      throw new ConfigException.BadValue("kimp.paper.max-book-age", "must not be negative");
    }
    String ledger = c.getString("kimp.paper.ledger-file");
    if (ledger.isBlank()) {
      throw new ConfigException.BadValue("kimp.paper.ledger-file", "must name a file");
    }
    return new PaperSettings(
        Path.of(ledger),
        balances,
        CoreSettings.positive(c, "kimp.paper.transfer-time.default"),
        times,
        maxAge,
        new PaperFaults(
            c.getLong("kimp.paper.faults.seed"),
            rate(c, "kimp.paper.faults.transient-failure-rate"),
            rate(c, "kimp.paper.faults.unknown-outcome-rate"),
            rate(c, "kimp.paper.faults.stuck-transfer-rate")),
        c.hasPath("kimp.paper.balances.binance-futures.USDT")
            ? CoreSettings.nonNegativeDecimal(c, "kimp.paper.balances.binance-futures.USDT")
            : BigDecimal.ZERO);
  }

  private static double rate(Config c, String path) {
    double r = c.getDouble(path);
    if (r < 0 || r > 1) {
      throw new ConfigException.BadValue(path, "is a probability between 0 and 1, not " + r);
    }
    return r;
  }
}
