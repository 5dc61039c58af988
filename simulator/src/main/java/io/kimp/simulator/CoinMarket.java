package io.kimp.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One market of one simulated venue ({@code KRW-BTC} on Upbit, {@code BTCUSDT} on Binance): its order book, its recent
 * trades, its 24-hour figures and its one-minute candles, as the venue's streams and REST answers show them. Written by the
 * simulator's pump thread only ({@link #apply}); read by the event loops (REST answers, Upbit snapshots) through immutable
 * snapshots ({@link Book}, {@link Stats}) and synchronized copies (trades, candles), so REST and streams agree at every
 * moment.
 *
 * <p>Prices sit on the venue's tick grid ({@link #tick}), quantities on its lot step ({@link #step}); the book is a ladder
 * of {@link #levels} levels per side around the model's best bid and ask, one level per spread apart. Binance's book
 * carries a per-symbol update id that grows by the number of levels each change touched, as Binance's does, so the
 * {@code depthUpdate} diffs ({@code U}…{@code u}) continue the REST snapshot's {@code lastUpdateId}.
 */
final class CoinMarket {
  private static final int TRADES_KEPT = 500;
  private static final int MINUTES_KEPT = 24 * 60;

  /** A book: {@code levels} prices and quantities per side, best first. Immutable. */
  record Book(long updateId, long ts, double[] bidPx, double[] bidQty, double[] askPx, double[] askQty) {
    /**
     * The stateless five-level book of an update alone (the wire texts of {@link WireFormats}, for scripted recordings
     * and benchmarks): levels one spread apart, the top sizes on every level.
     */
    static Book fiveLevels(MarketUpdate u) {
      double gap = Math.max(u.ask() - u.bid(), u.bid() * 1e-5);
      double[] bp = new double[5];
      double[] ap = new double[5];
      double[] bq = new double[5];
      double[] aq = new double[5];
      for (int i = 0; i < 5; i++) {
        bp[i] = u.bid() - i * gap;
        ap[i] = u.ask() + i * gap;
        bq[i] = u.bidSize();
        aq[i] = u.askSize();
      }
      return new Book(u.seq(), u.ts(), bp, bq, ap, aq);
    }

    double bestBid() {
      return bidPx.length > 0 ? bidPx[0] : 0;
    }

    double bestAsk() {
      return askPx.length > 0 ? askPx[0] : 0;
    }
  }

  /** A trade as the venue reports it. */
  record Trade(long id, double price, double qty, boolean buyerMaker, long ts) {}

  /** The 24-hour figures (since the simulator started, at most a day): what tickers report. */
  record Stats(
      double open,
      double high,
      double low,
      double last,
      double lastQty,
      double baseVolume,
      double quoteVolume,
      long count,
      long firstTradeId,
      long lastTradeId,
      long openTime,
      long lastTradeTime,
      boolean buyerMaker) {}

  /** A one-minute candle. */
  record Candle(long openTime, double open, double high, double low, double close, double volume, double quoteVolume,
      long trades) {
    Candle with(double price, double qty) {
      return new Candle(openTime, open, Math.max(high, price), Math.min(low, price), price, volume + qty,
          quoteVolume + price * qty, trades + 1);
    }
  }

  final SimVenue venue;
  final String coin;
  /** {@code KRW-BTC} on Upbit, {@code BTCUSDT} on Binance. */
  final String symbol;
  /** Binance's lower-case stream prefix ({@code btcusdt}) and the event streams' names, made once. */
  final String streamSymbol;
  final String bookTickerStream;
  final String tradeStream;
  final String aggTradeStream;
  final String miniTickerStream;
  final String tickerStream;
  final double tick;
  final double step;
  final int levels;
  private final int priceScale;
  private final int qtyScale;
  private volatile Book book;
  private volatile Stats stats;
  private volatile double volume24hQuote;
  private final ArrayDeque<Trade> trades = new ArrayDeque<>();
  private final TreeMap<Long, Candle> minutes = new TreeMap<>();
  private long nextTradeId = 1;

  CoinMarket(SimVenue venue, String coin, double referencePrice, int levels, long startMillis) {
    this(venue, coin, venue == SimVenue.UPBIT ? "KRW-" + coin : coin + "USDT", referencePrice, levels, startMillis);
  }

  CoinMarket(SimVenue venue, String coin, String symbol, double referencePrice, int levels, long startMillis) {
    this.venue = venue;
    this.coin = coin;
    this.symbol = symbol;
    this.streamSymbol = symbol.toLowerCase(Locale.ROOT);
    this.bookTickerStream = streamSymbol + "@bookTicker";
    this.tradeStream = streamSymbol + "@trade";
    this.aggTradeStream = streamSymbol + "@aggTrade";
    this.miniTickerStream = streamSymbol + "@miniTicker";
    this.tickerStream = streamSymbol + "@ticker";
    this.tick = venue == SimVenue.UPBIT ? upbitTick(coin, referencePrice) : binanceTick(referencePrice);
    this.step = venue == SimVenue.UPBIT ? 1e-8 : binanceStep(referencePrice);
    this.levels = levels;
    this.priceScale = scale(tick);
    this.qtyScale = scale(step);
    this.book = new Book(1, startMillis, new double[0], new double[0], new double[0], new double[0]);
    this.stats = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, startMillis, 0, false);
  }

  /** Binance's PRICE_FILTER tick: four significant digits below the price, at most 0.01 (BTCUSDT 0.01, XRPUSDT 0.0001). */
  static double binanceTick(double price) {
    double t = Math.pow(10, Math.floor(Math.log10(price)) - 4);
    return clampPow10(t, 1e-8, 0.01);
  }

  /** Binance's LOT_SIZE step: about one USDT a step (BTCUSDT 0.00001, ETHUSDT 0.0001, XRPUSDT 0.1, DOGEUSDT 1). */
  static double binanceStep(double price) {
    double s = Math.pow(10, -Math.ceil(Math.log10(price)));
    return clampPow10(s, 1e-8, 1);
  }

  /** Upbit's KRW-market tick table (KRW-USDT quotes in 0.5 KRW as the simulator's model does). */
  static double upbitTick(String coin, double krw) {
    if (coin.equals("USDT")) {
      return 0.5;
    }
    if (krw >= 2_000_000) {
      return 1000;
    }
    if (krw >= 1_000_000) {
      return 500;
    }
    if (krw >= 500_000) {
      return 100;
    }
    if (krw >= 100_000) {
      return 50;
    }
    if (krw >= 10_000) {
      return 10;
    }
    if (krw >= 1_000) {
      return 1;
    }
    if (krw >= 100) {
      return 0.1;
    }
    if (krw >= 10) {
      return 0.01;
    }
    if (krw >= 1) {
      return 0.001;
    }
    return clampPow10(Math.pow(10, Math.floor(Math.log10(krw)) - 3), 1e-8, 1e-4);
  }

  private static double clampPow10(double v, double min, double max) {
    double r = Math.max(min, Math.min(max, v));
    return Double.parseDouble(String.format(Locale.ROOT, "%.0e", r));
  }

  private static int scale(double unit) {
    int s = 0;
    while (s < 8 && Math.abs(unit * Math.pow(10, s) - Math.rint(unit * Math.pow(10, s))) > 1e-9) {
      s++;
    }
    return s;
  }

  int priceScale() {
    return priceScale;
  }

  int qtyScale() {
    return qtyScale;
  }

  double floorTick(double p) {
    return round(Math.floor(p / tick + 1e-9) * tick);
  }

  double ceilTick(double p) {
    return round(Math.ceil(p / tick - 1e-9) * tick);
  }

  double lot(double q) {
    return Math.max(step, Math.round(q / step) * step);
  }

  private double round(double p) {
    double f = Math.pow(10, Math.max(priceScale, 2));
    return Math.round(p * f) / f;
  }

  Book book() {
    return book;
  }

  Stats stats() {
    return stats;
  }

  /** The model's 24-hour traded value in the quote currency (what the tickers report as quote volume). */
  double volume24hQuote() {
    return volume24hQuote;
  }

  /**
   * Gives the market a book around {@code price} ({@code notional} per level in the quote currency, one spread of two
   * ticks or 2 bp) and a 24-hour quote volume before the model's first update, so that REST answers and snapshots show a
   * market from the start. Before the pump starts.
   */
  void seed(double price, double notional, double quoteVolume24h, long now) {
    double half = Math.max(tick, price * 1e-4);
    double bid = floorTick(price - half);
    setBook(bid, lot(notional / price), Math.max(ceilTick(price + half), round(bid + tick)), lot(notional / price), now);
    volume24hQuote = quoteVolume24h;
  }

  /**
   * Puts the model's update on this market's grid, applies it, and returns it as the venue shows it: prices on ticks, the
   * ask at least a tick above the bid, sizes on lots, and {@code seq} the Binance book's update id (book updates) or the
   * trade id (trades). Pump thread.
   */
  MarketUpdate apply(MarketUpdate u) {
    volume24hQuote = u.volume24h();
    double bid = floorTick(u.bid());
    double ask = Math.max(ceilTick(u.ask()), round(bid + tick));
    MarketUpdate.Kind kind = u.kind() == MarketUpdate.Kind.DEPTH ? MarketUpdate.Kind.BOOK : u.kind();
    double bidSize = lot(u.bidSize());
    double askSize = lot(u.askSize());
    double price = Math.min(Math.max(u.price() > 0 ? floorTick(u.price()) : bid, bid), ask);
    double size = lot(u.size());
    long seq = u.seq();
    switch (kind) {
      case BOOK, DEPTH -> seq = setBook(bid, bidSize, ask, askSize, u.ts());
      case TRADE -> seq = trade(price, size, ((seq & 1) == 0), u.ts()).id();
      case TICKER -> {
        // the tickers read the stats; a ticker update changes nothing but is sent
      }
    }
    if (venue == SimVenue.UPBIT && kind != MarketUpdate.Kind.TRADE) {
      seq = u.seq();
    }
    // the depth streams are timed now (every 100 or 1000 ms): a depth update of the model is a book change
    return new MarketUpdate(u.venue(), kind, u.coin(), bid, bidSize, ask, askSize, price, size, u.volume24h(), seq,
        u.ts(), u.sentNanos());
  }

  private long setBook(double bid, double bidSize, double ask, double askSize, long ts) {
    Book old = book;
    double gap = Math.max(tick, floorTick(ask - bid));
    double[] bp = new double[levels];
    double[] bq = new double[levels];
    double[] ap = new double[levels];
    double[] aq = new double[levels];
    for (int i = 0; i < levels; i++) {
      bp[i] = round(bid - i * gap);
      ap[i] = round(ask + i * gap);
      bq[i] = lot(bidSize * (1 + 0.1 * i));
      aq[i] = lot(askSize * (1 + 0.1 * i));
    }
    int n;
    boolean listened = false;
    for (DiffWindow w : windows) {
      listened |= w.active;
    }
    if (listened) {
      Set<Double> bidsTouched = new HashSet<>();
      Set<Double> asksTouched = new HashSet<>();
      n = touched(old.bidPx, old.bidQty, bp, bq, -1, bidsTouched) + touched(old.askPx, old.askQty, ap, aq, 1, asksTouched);
      for (DiffWindow w : windows) {
        if (w.active) {
          w.bids.addAll(bidsTouched);
          w.asks.addAll(asksTouched);
        }
      }
    } else {
      n = touched(old.bidPx, old.bidQty, bp, bq, -1, null) + touched(old.askPx, old.askQty, ap, aq, 1, null);
    }
    book = new Book(old.updateId + Math.max(1, n), ts, bp, bq, ap, aq);
    return book.updateId;
  }

  /**
   * How many price levels differ between two sides of a book (a level that left counts), collected into {@code out}
   * when it is given. Both sides are sorted best first ({@code sign} 1 for asks, ascending; -1 for bids, descending), so
   * one merge walk finds them.
   */
  private static int touched(double[] oldPx, double[] oldQty, double[] px, double[] qty, int sign, Set<Double> out) {
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < px.length || j < oldPx.length) {
      int c = i == px.length ? 1 : j == oldPx.length ? -1 : Double.compare(px[i], oldPx[j]) * sign;
      double changed;
      if (c == 0) {
        boolean same = qty[i] == oldQty[j];
        changed = px[i];
        i++;
        j++;
        if (same) {
          continue;
        }
      } else if (c < 0) {
        changed = px[i++]; // a new level
      } else {
        changed = oldPx[j++]; // a level that left
      }
      n++;
      if (out != null) {
        out.add(changed);
      }
    }
    return n;
  }

  static int indexOf(double[] a, double v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The price levels changed since a diff stream's last event (one window per update speed): what its next
   * {@code depthUpdate} carries, every level touched in the window at its final quantity, so that a book built from any
   * REST snapshot taken inside the window comes out right.
   */
  final class DiffWindow {
    private final Set<Double> bids = new HashSet<>();
    private final Set<Double> asks = new HashSet<>();
    private long fromId = book.updateId;
    /** Whether anyone listens: only then are the touched levels collected (the pump's cost per book change). */
    private boolean active;

    /** The diff since the last one, or null if the book did not change; starts the next window. Pump thread. */
    String drain(long eventTime) {
      if (!active) {
        skip(); // the window starts now: what changed before is in any snapshot taken from here on
        active = true;
        return null;
      }
      Book b = book;
      if (b.updateId == fromId) {
        return null;
      }
      String out = BinanceWire.depthUpdate(symbol, eventTime, fromId + 1, b.updateId, levels(bids, b.bidPx, b.bidQty),
          levels(asks, b.askPx, b.askQty));
      fromId = b.updateId;
      bids.clear();
      asks.clear();
      return out;
    }

    /** Nobody listens: the window stops collecting. */
    void idle() {
      active = false;
      skip();
    }

    /** Starts the next window without sending. */
    void skip() {
      fromId = book.updateId;
      bids.clear();
      asks.clear();
    }

    private double[][] levels(Set<Double> prices, double[] px, double[] qty) {
      double[][] out = new double[prices.size()][];
      int k = 0;
      for (double p : prices) {
        int i = indexOf(px, p);
        out[k++] = new double[] {p, i < 0 ? 0 : qty[i]};
      }
      Arrays.sort(out, (x, y) -> Double.compare(y[0], x[0]));
      return out;
    }
  }

  private final List<DiffWindow> windows = new ArrayList<>();

  /** A new diff window (one per depth-diff update speed). Pump thread. */
  DiffWindow diffWindow() {
    DiffWindow w = new DiffWindow();
    windows.add(w);
    return w;
  }

  private Trade trade(double price, double qty, boolean buyerMaker, long ts) {
    Trade t = new Trade(nextTradeId++, price, qty, buyerMaker, ts);
    Stats s = stats;
    boolean first = s.count == 0;
    stats =
        new Stats(first ? price : s.open, first ? price : Math.max(s.high, price), first ? price : Math.min(s.low, price),
            price, qty, s.baseVolume + qty, s.quoteVolume + price * qty, s.count + 1, first ? t.id : s.firstTradeId,
            t.id, s.openTime, ts, buyerMaker);
    long minute = ts - Math.floorMod(ts, 60_000L);
    synchronized (this) {
      trades.addFirst(t);
      if (trades.size() > TRADES_KEPT) {
        trades.removeLast();
      }
      Candle c = minutes.get(minute);
      minutes.put(minute, c == null ? new Candle(minute, price, price, price, price, qty, price * qty, 1) : c.with(price, qty));
      while (minutes.size() > MINUTES_KEPT) {
        minutes.pollFirstEntry();
      }
    }
    return t;
  }

  /** The newest trade, if any. */
  synchronized Trade lastTrade() {
    return trades.peekFirst();
  }

  /** Up to {@code n} trades, newest first, older than {@code beforeId} when it is positive. */
  synchronized List<Trade> trades(int n, long beforeId) {
    List<Trade> out = new ArrayList<>(Math.min(n, trades.size()));
    for (Iterator<Trade> it = trades.iterator(); it.hasNext() && out.size() < n; ) {
      Trade t = it.next();
      if (beforeId <= 0 || t.id < beforeId) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Candles of {@code unitMinutes} built from the one-minute ones, oldest first, opening in [{@code from}, {@code to}];
   * minutes without trades are left out (Upbit's way), or with {@code fill} carried over at the previous close with no
   * volume (Binance's way).
   */
  synchronized List<Candle> candles(int unitMinutes, long from, long to, boolean fill) {
    long unit = unitMinutes * 60_000L;
    TreeMap<Long, Candle> grouped = new TreeMap<>();
    for (Map.Entry<Long, Candle> e : minutes.subMap(from - Math.floorMod(from, unit), true, to, true).entrySet()) {
      Candle c = e.getValue();
      long open = e.getKey() - Math.floorMod(e.getKey(), unit);
      Candle g = grouped.get(open);
      grouped.put(open, g == null ? new Candle(open, c.open(), c.high(), c.low(), c.close(), c.volume(), c.quoteVolume(),
          c.trades()) : new Candle(open, g.open(), Math.max(g.high(), c.high()), Math.min(g.low(), c.low()), c.close(),
          g.volume() + c.volume(), g.quoteVolume() + c.quoteVolume(), g.trades() + c.trades()));
    }
    List<Candle> out = new ArrayList<>();
    Candle prev = null;
    for (Candle c : grouped.values()) {
      if (fill && prev != null) {
        for (long t = prev.openTime() + unit; t < c.openTime(); t += unit) {
          out.add(new Candle(t, prev.close(), prev.close(), prev.close(), prev.close(), 0, 0, 0));
        }
      }
      if (c.openTime() >= from - Math.floorMod(from, unit)) {
        out.add(c);
      }
      prev = c;
    }
    return out;
  }
}
