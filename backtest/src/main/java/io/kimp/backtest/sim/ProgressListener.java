package io.kimp.backtest.sim;

/** Told now and then how far a replay is. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (fraction, moments) -> {};

  /**
   * @param fraction 0 to 1
   * @param moments moments replayed so far
   */
  void progress(double fraction, long moments);
}
