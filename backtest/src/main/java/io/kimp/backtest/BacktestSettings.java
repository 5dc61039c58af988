package io.kimp.backtest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.backtest.data.FxFile;
import io.kimp.backtest.market.CandleBookModel;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.CycleSettings;
import io.kimp.core.portfolio.PortfolioSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything one replay runs with: the live settings (read by {@link CoreSettings}, so a backtest validates and names
 * keys exactly as the engine does) and the simulated world's knobs ({@code kimp.backtest.*}).
 *
 * @param warnings adjustments made so the simulated world is coherent, reported with the result
 */
public record BacktestSettings(
    String symbol,
    double minSpreadPercent,
    double volumeCapFraction,
    CycleSettings cycle,
    PortfolioSettings portfolio,
    CandleBookModel books,
    Duration transferDelay,
    Duration staleAfter,
    FxFile.Options fx,
    boolean operatorRecovers,
    long seed,
    List<String> warnings) {

  public BacktestSettings {
    warnings = List.copyOf(warnings);
  }

  public static BacktestSettings from(Config c, String symbol) {
    List<String> warnings = new ArrayList<>();
    BigDecimal minSpread = CoreSettings.decimal(c, "kimp.strategy.min-spread-percent");
    if (minSpread.signum() < 0) {
      throw new ConfigException.BadValue("kimp.strategy.min-spread-percent", "must not be negative");
    }
    Duration transfer = CoreSettings.positive(c, "kimp.backtest.transfer-delay");
    CycleSettings cycle = CoreSettings.cycle(c);
    if (cycle.depositTimeout().compareTo(transfer) <= 0) {
      Duration raised = transfer.multipliedBy(2);
      warnings.add("kimp.transfer.deposit-timeout " + cycle.depositTimeout() + " is not above the transfer delay "
          + transfer + ": raised to " + raised + " for this run (every deposit would otherwise time out)");
      cycle = new CycleSettings(
          cycle.retryBaseDelay(), cycle.maxAttempts(), cycle.retryAlertThreshold(), cycle.orderTimeout(),
          cycle.withdrawTimeout(), raised, cycle.pollInterval(), cycle.reconcileInterval(),
          cycle.unknownOutcomeGrace(), cycle.rebalanceCheckInterval(), cycle.maxRebalanceWait(),
          cycle.finalizerMinProfitPercent(), cycle.redeliveryInterval(), cycle.costs(), cycle.transfers());
    }
    double halfSpreadBps = fraction(c, "kimp.backtest.half-spread-bps", 0, 500);
    double depth = fraction(c, "kimp.backtest.depth-fraction", 0, 1);
    if (depth == 0) {
      throw new ConfigException.BadValue("kimp.backtest.depth-fraction", "must be above 0");
    }
    double volumeCap = fraction(c, "kimp.backtest.volume-cap-fraction", 0, 1);
    String operator = c.getString("kimp.backtest.operator").trim().toLowerCase(Locale.ROOT);
    if (!operator.equals("recover") && !operator.equals("none")) {
      throw new ConfigException.BadValue("kimp.backtest.operator", "must be recover or none, not '" + operator + "'");
    }
    Duration effectiveAfter = c.getDuration("kimp.backtest.fx.daily-effective-after");
    if (effectiveAfter.isNegative()) {
      throw new ConfigException.BadValue("kimp.backtest.fx.daily-effective-after", "must not be negative");
    }
    return new BacktestSettings(
        symbol,
        minSpread.doubleValue(),
        volumeCap,
        cycle,
        CoreSettings.portfolio(c),
        new CandleBookModel(halfSpreadBps / 10_000.0, depth),
        transfer,
        CoreSettings.positive(c, "kimp.backtest.stale-after"),
        new FxFile.Options(effectiveAfter, CoreSettings.positive(c, "kimp.backtest.fx.daily-max-age"),
            CoreSettings.positive(c, "kimp.backtest.fx.intraday-max-age")),
        operator.equals("recover"),
        c.getLong("kimp.backtest.seed"),
        warnings);
  }

  private static double fraction(Config c, String path, double min, double max) {
    double v = CoreSettings.decimal(c, path).doubleValue();
    if (!(v >= min && v <= max)) {
      throw new ConfigException.BadValue(path, "must be between " + min + " and " + max + ", not " + v);
    }
    return v;
  }
}
