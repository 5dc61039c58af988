package io.kimp.backtest.sim;

import java.util.Arrays;

/** The premium at every replayed moment, with the inputs it was computed from, column-wise. */
public final class PremiumSeries {
  private long[] time = new long[1024];
  private double[] premium = new double[1024];
  private double[] upbitMid = new double[1024];
  private double[] binanceMid = new double[1024];
  private double[] usdtKrw = new double[1024];
  private int size;

  void add(long t, double p, double upbit, double binance, double rate) {
    if (size == time.length) {
      int cap = size * 2;
      time = Arrays.copyOf(time, cap);
      premium = Arrays.copyOf(premium, cap);
      upbitMid = Arrays.copyOf(upbitMid, cap);
      binanceMid = Arrays.copyOf(binanceMid, cap);
      usdtKrw = Arrays.copyOf(usdtKrw, cap);
    }
    time[size] = t;
    premium[size] = p;
    upbitMid[size] = upbit;
    binanceMid[size] = binance;
    usdtKrw[size] = rate;
    size++;
  }

  public int size() {
    return size;
  }

  public long time(int i) {
    return time[i];
  }

  public double premium(int i) {
    return premium[i];
  }

  public double upbitMid(int i) {
    return upbitMid[i];
  }

  public double binanceMid(int i) {
    return binanceMid[i];
  }

  public double usdtKrw(int i) {
    return usdtKrw[i];
  }

  /** Index of the moment at {@code t}, or -1. */
  public int indexOf(long t) {
    int i = Arrays.binarySearch(time, 0, size, t);
    return i >= 0 ? i : -1;
  }
}
