package io.kimp.app.dashboard;

import com.typesafe.config.Config;

/**
 * What the console's backtests page works with: the runs and reports ({@link Backtests}) and the uploaded candle files
 * ({@link BacktestUploads}), both under {@code kimp.dashboard.backtests.*}.
 */
public record BacktestsPage(Backtests runs, BacktestUploads uploads) {

  public static BacktestsPage fromConfig(Config config) {
    return new BacktestsPage(Backtests.fromConfig(config), BacktestUploads.fromConfig(config));
  }
}
