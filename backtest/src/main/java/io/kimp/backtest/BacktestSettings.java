package io.kimp.backtest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.backtest.data.FxFile;
import io.kimp.backtest.market.CandleBookModel;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.CycleSettings;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.strategy.OpportunityRule;
import io.kimp.feeds.FeedSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything one replay runs with: the live settings (read by {@link CoreSettings} and, for a recording, by the
 * feeds' own {@link FeedSettings}, so a backtest validates and names keys exactly as the engine does) and the simulated
 * world's knobs ({@code kimp.backtest.*}).
 *
 * @param symbols the coins cycles may trade; empty: every coin of the data (a recording's)
 * @param volumeCapFraction the live {@code kimp.feeds.volume-cap-fraction}, unless
 *     {@code kimp.backtest.volume-cap-fraction} overrides it for the replay
 * @param staleAfter how old a book may be to trade on: {@code kimp.backtest.stale-after} for candles, the live
 *     {@code kimp.feeds.stale-after} for a recording
 * @param recording what only a recording's replay needs (the live detector's settings), null for candles
 * @param warnings adjustments made so the simulated world is coherent, reported with the result
 */
public record BacktestSettings(
    List<String> symbols,
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
    RecordingReplay recording,
    List<String> warnings) {

  /** The live key both the live detector and the backtest read the volume cap from. */
  public static final String VOLUME_CAP = "kimp.feeds.volume-cap-fraction";
  /** An optional override of {@link #VOLUME_CAP} for replays only. */
  public static final String VOLUME_CAP_OVERRIDE = "kimp.backtest.volume-cap-fraction";

  /**
   * The live detector's settings a recording is replayed with: cooldown, evaluation size, threshold, volume cap and
   * costs as {@code kimp run} reads them ({@link FeedSettings#detector}), the volume cap possibly overridden.
   *
   * @param usdKrwJsonPointer where the FX frames hold the USD/KRW rate ({@code kimp.feeds.fx.usd-krw-json-pointer})
   */
  public record RecordingReplay(OpportunityDetector.Settings detector, String usdKrwJsonPointer) {}

  public BacktestSettings {
    symbols = List.copyOf(symbols);
    warnings = List.copyOf(warnings);
  }

  /** The settings of a candle replay of {@code symbol}. */
  public static BacktestSettings from(Config c, String symbol) {
    return of(c, List.of(symbol), false);
  }

  /** The settings of a recording's replay, trading {@code symbols} (empty: every recorded coin). */
  public static BacktestSettings forRecording(Config c, List<String> symbols) {
    return of(c, symbols, true);
  }

  /** These settings with the transfer hedge ({@code kimp.hedge.enabled}) switched on or off, all else the same. */
  public BacktestSettings withHedge(boolean on) {
    return new BacktestSettings(symbols, minSpreadPercent, volumeCapFraction,
        cycle.withHedge(cycle.hedge().withEnabled(on)), portfolio, books, transferDelay, staleAfter, fx,
        operatorRecovers, seed, recording, warnings);
  }

  /** The coins as a label: the coin, a list, or "all coins". */
  public String symbol() {
    return symbols.isEmpty() ? "all coins" : String.join(",", symbols);
  }

  /** Whether a cycle of {@code coin} may be started. */
  public boolean trades(String coin) {
    return symbols.isEmpty() || symbols.contains(coin);
  }

  private static BacktestSettings of(Config c, List<String> symbols, boolean recording) {
    List<String> warnings = new ArrayList<>();
    BigDecimal minSpread = CoreSettings.decimal(c, "kimp.strategy.min-spread-percent");
    if (minSpread.signum() < 0) {
      throw new ConfigException.BadValue("kimp.strategy.min-spread-percent", "must not be negative");
    }
    Duration transfer = CoreSettings.positive(c, "kimp.backtest.transfer-delay");
    CycleSettings cycle = CoreSettings.cycle(c);
    if (cycle.transfer().depositTimeout().compareTo(transfer) <= 0) {
      Duration raised = transfer.multipliedBy(2);
      warnings.add("kimp.transfer.deposit-timeout " + cycle.transfer().depositTimeout() + " is not above the transfer delay "
          + transfer + ": raised to " + raised + " for this run (every deposit would otherwise time out)");
      cycle = cycle.withTransfer(cycle.transfer().withDepositTimeout(raised));
    }
    double halfSpreadBps = fraction(c, "kimp.backtest.half-spread-bps", 0, 500);
    double depth = fraction(c, "kimp.backtest.depth-fraction", 0, 1);
    if (depth == 0) {
      throw new ConfigException.BadValue("kimp.backtest.depth-fraction", "must be above 0");
    }
    double volumeCap = volumeCap(c);
    String operator = c.getString("kimp.backtest.operator").trim().toLowerCase(Locale.ROOT);
    if (!operator.equals("recover") && !operator.equals("none")) {
      throw new ConfigException.BadValue("kimp.backtest.operator", "must be recover or none, not '" + operator + "'");
    }
    Duration effectiveAfter = c.getDuration("kimp.backtest.fx.daily-effective-after");
    if (effectiveAfter.isNegative()) {
      throw new ConfigException.BadValue("kimp.backtest.fx.daily-effective-after", "must not be negative");
    }
    Duration staleAfter;
    RecordingReplay replay = null;
    if (recording) {
      FeedSettings feeds = FeedSettings.from(c);
      OpportunityDetector.Settings live = feeds.detector(c);
      OpportunityRule.Settings rule = live.rule();
      replay = new RecordingReplay(
          new OpportunityDetector.Settings(live.cooldown(),
              new OpportunityRule.Settings(rule.minSpreadPercent(), rule.sizeKrw(), volumeCap, rule.costs())),
          feeds.fx().jsonPointer());
      staleAfter = feeds.staleAfter();
    } else {
      staleAfter = CoreSettings.positive(c, "kimp.backtest.stale-after");
    }
    return new BacktestSettings(
        symbols,
        minSpread.doubleValue(),
        volumeCap,
        cycle,
        CoreSettings.portfolio(c),
        new CandleBookModel(halfSpreadBps / 10_000.0, depth),
        transfer,
        staleAfter,
        new FxFile.Options(effectiveAfter, CoreSettings.positive(c, "kimp.backtest.fx.daily-max-age"),
            CoreSettings.positive(c, "kimp.backtest.fx.intraday-max-age")),
        operator.equals("recover"),
        c.getLong("kimp.backtest.seed"),
        replay,
        warnings);
  }

  /** The live volume cap, or the replay's override of it; (0, 1] as the live reader requires. */
  private static double volumeCap(Config c) {
    String key = c.hasPath(VOLUME_CAP_OVERRIDE) ? VOLUME_CAP_OVERRIDE : VOLUME_CAP;
    double v = fraction(c, key, 0, 1);
    if (v == 0) {
      throw new ConfigException.BadValue(key, "must be in (0, 1], not 0");
    }
    return v;
  }

  private static double fraction(Config c, String path, double min, double max) {
    double v = CoreSettings.decimal(c, path).doubleValue();
    if (!(v >= min && v <= max)) {
      throw new ConfigException.BadValue(path, "must be between " + min + " and " + max + ", not " + v);
    }
    return v;
  }
}
