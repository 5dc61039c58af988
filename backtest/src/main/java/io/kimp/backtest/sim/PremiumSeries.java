package io.kimp.backtest.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The premium at every replayed moment, with the coin and the inputs it was computed from, column-wise. */
public final class PremiumSeries {
  private final List<String> coins = new ArrayList<>();
  private final Map<String, Integer> coinIndex = new HashMap<>();
  private long[] time = new long[1024];
  private int[] coin = new int[1024];
  private double[] premium = new double[1024];
  private double[] upbitMid = new double[1024];
  private double[] binanceMid = new double[1024];
  private double[] usdtKrw = new double[1024];
  private int size;

  void add(String c, long t, double p, double upbit, double binance, double rate) {
    if (size == time.length) {
      int cap = size * 2;
      time = Arrays.copyOf(time, cap);
      coin = Arrays.copyOf(coin, cap);
      premium = Arrays.copyOf(premium, cap);
      upbitMid = Arrays.copyOf(upbitMid, cap);
      binanceMid = Arrays.copyOf(binanceMid, cap);
      usdtKrw = Arrays.copyOf(usdtKrw, cap);
    }
    Integer k = coinIndex.get(c);
    if (k == null) {
      k = coins.size();
      coins.add(c);
      coinIndex.put(c, k);
    }
    time[size] = t;
    coin[size] = k;
    premium[size] = p;
    upbitMid[size] = upbit;
    binanceMid[size] = binance;
    usdtKrw[size] = rate;
    size++;
  }

  public int size() {
    return size;
  }

  /** The coins in the order they first appeared. */
  public List<String> coins() {
    return Collections.unmodifiableList(coins);
  }

  public long time(int i) {
    return time[i];
  }

  /** The coin of point {@code i}, as an index into {@link #coins()}. */
  public int coinIndex(int i) {
    return coin[i];
  }

  public String coin(int i) {
    return coins.get(coin[i]);
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

  /** Index of the first moment at {@code t}, or -1. */
  public int indexOf(long t) {
    int i = Arrays.binarySearch(time, 0, size, t);
    if (i < 0) {
      return -1;
    }
    while (i > 0 && time[i - 1] == t) {
      i--;
    }
    return i;
  }
}
