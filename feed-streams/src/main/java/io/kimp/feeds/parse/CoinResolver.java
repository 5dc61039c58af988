package io.kimp.feeds.parse;

import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps venue market codes to kimp's coin names: Upbit {@code KRW-XRP} and Binance {@code XRPUSDT} / {@code xrpusdt} to
 * {@code XRP}. A closed resolver knows only the watched coins (plus {@code USDT}, the rate market) and rejects anything else
 * as an unknown symbol; an open one (replaying a recording of unknown scope) derives the coin from the code. Resolved names
 * are shared String instances, so downstream maps hash and compare them cheaply.
 */
public final class CoinResolver {
  private final boolean open;
  private final ConcurrentHashMap<String, String> byCode = new ConcurrentHashMap<>();

  private CoinResolver(boolean open) {
    this.open = open;
  }

  /** Knows exactly these coins (and the USDT/KRW market). */
  public static CoinResolver of(Collection<String> coins) {
    CoinResolver r = new CoinResolver(false);
    r.add("USDT");
    for (String c : coins) {
      r.add(c.toUpperCase(Locale.ROOT));
    }
    return r;
  }

  /** Accepts any well-formed KRW or USDT market. */
  public static CoinResolver open() {
    return new CoinResolver(true);
  }

  private void add(String coin) {
    String c = coin.intern();
    byCode.put("KRW-" + c, c);
    byCode.put(c + "USDT", c);
    byCode.put(c.toLowerCase(Locale.ROOT) + "usdt", c);
  }

  /** The coin of an Upbit KRW market code, or null (unknown, or not a KRW market). */
  public String upbit(String code) {
    String c = byCode.get(code);
    if (c != null || !open) {
      return c;
    }
    if (code.length() > 4 && code.startsWith("KRW-")) {
      return derive(code, code.substring(4));
    }
    return null;
  }

  /** The coin of a Binance USDT symbol, either case, or null. */
  public String binance(String symbol) {
    String c = byCode.get(symbol);
    if (c != null || !open) {
      return c;
    }
    int n = symbol.length();
    if (n > 4 && symbol.regionMatches(true, n - 4, "USDT", 0, 4)) {
      return derive(symbol, symbol.substring(0, n - 4).toUpperCase(Locale.ROOT));
    }
    return null;
  }

  private String derive(String code, String coin) {
    String c = coin.intern();
    byCode.putIfAbsent(code, c);
    return c;
  }
}
