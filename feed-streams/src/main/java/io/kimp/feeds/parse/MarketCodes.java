package io.kimp.feeds.parse;

import java.nio.charset.StandardCharsets;

/**
 * The {@link CoinResolver}'s answers for market codes as they appear in frames (bytes), remembered per code so that the
 * fast path resolves a known code without building a String. Only codes the resolver knows are remembered, at most
 * {@link #MAX_CODES} of them (an open resolver replaying a recording of unknown scope derives a coin for any code; past the
 * limit codes are still resolved, just not remembered). One per parser: not thread safe.
 */
public final class MarketCodes {
  static final int MAX_CODES = 2048;

  private final CoinResolver coins;
  private final boolean upbit;
  private final byte[][] codes = new byte[MAX_CODES * 2][];
  private final int[] hashes = new int[MAX_CODES * 2];
  private final String[] coinOf = new String[MAX_CODES * 2];
  private final int mask = MAX_CODES * 2 - 1;
  private int size;

  private MarketCodes(CoinResolver coins, boolean upbit) {
    this.coins = coins;
    this.upbit = upbit;
  }

  /** Upbit market codes ({@code KRW-XRP}). */
  public static MarketCodes upbit(CoinResolver coins) {
    return new MarketCodes(coins, true);
  }

  /** Binance symbols, either case ({@code XRPUSDT}, {@code xrpusdt}). */
  public static MarketCodes binance(CoinResolver coins) {
    return new MarketCodes(coins, false);
  }

  /** The coin of the code in {@code b[from, to)} (ASCII), or null if the resolver does not know it. */
  public String coin(byte[] b, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    int s = (h ^ (h >>> 16)) & mask;
    byte[] c;
    while ((c = codes[s]) != null) {
      if (hashes[s] == h && same(c, b, from, to)) {
        return coinOf[s];
      }
      s = (s + 1) & mask;
    }
    String code = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    String coin = upbit ? coins.upbit(code) : coins.binance(code);
    if (coin != null && size < MAX_CODES) {
      codes[s] = code.getBytes(StandardCharsets.ISO_8859_1);
      hashes[s] = h;
      coinOf[s] = coin;
      size++;
    }
    return coin;
  }

  private static boolean same(byte[] code, byte[] b, int from, int to) {
    int n = to - from;
    if (code.length != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (code[i] != b[from + i]) {
        return false;
      }
    }
    return true;
  }
}
