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
  private final long[] heads = new long[MAX_CODES * 2];
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
    int n = to - from;
    long head = head(b, from, n);
    int h = hash(head, n);
    int s = h & mask;
    byte[] c;
    while ((c = codes[s]) != null) {
      // codes of up to eight bytes (nearly all) are told apart by their first word and length alone
      if (heads[s] == head && c.length == n && (n <= 8 || same(c, b, from, to))) {
        return coinOf[s];
      }
      s = (s + 1) & mask;
    }
    String code = new String(b, from, n, StandardCharsets.ISO_8859_1);
    String coin = upbit ? coins.upbit(code) : coins.binance(code);
    if (coin != null && size < MAX_CODES) {
      codes[s] = code.getBytes(StandardCharsets.ISO_8859_1);
      heads[s] = head;
      coinOf[s] = coin;
      size++;
    }
    return coin;
  }

  /** The first (up to) eight bytes of {@code b[from, from + n)} as a little-endian word, zero past the code's end. */
  private static long head(byte[] b, int from, int n) {
    int k = Math.min(n, 8);
    if (from + 8 <= b.length) {
      long w = (long) FrameScanner.WORD.get(b, from);
      return k == 8 ? w : w & ((1L << (8 * k)) - 1);
    }
    long w = 0;
    for (int i = 0; i < k; i++) {
      w |= (b[from + i] & 0xFFL) << (8 * i);
    }
    return w;
  }

  private static int hash(long head, int n) {
    long x = (head ^ n) * 0x9E3779B97F4A7C15L;
    return (int) (x >>> 32) ^ (int) x;
  }

  private static boolean same(byte[] code, byte[] b, int from, int to) {
    for (int i = 8; i < to - from; i++) { // the first eight bytes matched as the head
      if (code[i] != b[from + i]) {
        return false;
      }
    }
    return true;
  }
}
