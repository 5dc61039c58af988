package io.kimp.core.market;

import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.FxRateEvent;
import io.kimp.core.market.MarketEvent.PerpBookTicker;
import io.kimp.core.market.MarketEvent.PerpMarkPrice;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The latest market as the feeds see it: per coin and venue the effective book, last trade, last ticker, 24 h traded value
 * and the receive time of the newest event; the USDT/KRW rate (Upbit KRW-USDT) and the optional USD/KRW rate; and every
 * coin's {@link Premium}s, recomputed whenever one of their inputs changes.
 *
 * <p>One writer, many readers: {@link #apply} must be called from one thread at a time (the market-data stream stage); the
 * read side ({@link MarketView}, {@link BookView}, {@link #premiums()} …) may be called from any thread at any time and
 * never blocks. Every published value is an immutable object behind a volatile field, so a reader sees a consistent book,
 * trade or premium (though the two venues' books may be from slightly different moments, as on the wire). The writer
 * publishes the hot fields with release stores ({@link VarHandle#setRelease}): with one writer, a reader's volatile read
 * still sees the object fully built and the writes in program order; what is dropped is the full fence after each write
 * (a locked instruction on x86, several per event), which only orders the writer's own later reads, of fields nobody
 * else writes.
 *
 * <p>Binance's best bid/offer stream ({@code topOnly} books) updates the top of its partial-depth book instead of replacing
 * it, using the venue's update ids to decide which of the two is newer; events whose id is not newer than the last applied
 * one of their stream (the copies overlapping connections deliver) are dropped and counted.
 *
 * <p>The coins' USDT-M perpetuals (the futures feed, for the transfer hedge) are kept beside the spot books, never in
 * them: a {@link PerpQuote} per coin ({@link PerpView}), fresh while both its book ticker and its mark price are no older
 * than the stale limit. A perpetual's event changes no premium, so it asks the detector for nothing
 * ({@link Applied#PERP}): the next spot event of the coin is evaluated with it.
 */
public final class MarketState implements MarketView, BookView, PerpView {

  /** What {@link #apply} changed, which tells the detector what to re-evaluate. */
  public enum Applied {
    /** Nothing (an event for no tracked instrument, or a non-positive rate). */
    IGNORED,
    /** A copy of an event already applied (same or older venue id). */
    DUPLICATE,
    /** The event's coin changed. */
    COIN,
    /** The USDT/KRW rate changed (or came back from stale): every coin needs a new look. */
    RATE,
    /** The USD/KRW rate changed: every coin's USD premium did (not an input of the trading rule). */
    USD_RATE,
    /** Refused as implausible ({@link Plausibility}): an absurd price or timestamp. Nothing changed. */
    REJECTED,
    /** The coin's perpetual changed (book ticker or mark price): no premium did, nothing to re-evaluate. */
    PERP
  }

  /** The coin whose Upbit KRW market is the USDT/KRW rate. */
  public static final String USDT = "USDT";

  /** The base of the optional fiat rate (USD/KRW). */
  public static final String USD = "USD";

  private final ConcurrentHashMap<String, CoinSlot> coins = new ConcurrentHashMap<>();
  private final VenueSide usdtMarket = new VenueSide();
  private final long staleAfterMillis;
  private final LongSupplier clock;
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final Plausibility plausibility;
  private Plausibility.Verdict lastRejection = Plausibility.Verdict.OK;
  private String lastRejectionDetail = "";
  private volatile double usdtKrw = Double.NaN;
  private volatile long usdtKrwAt;
  private volatile double usdKrw = Double.NaN;
  private volatile long usdKrwAt;
  private volatile long lastEventAt;

  private static final VarHandle LAST_EVENT_AT = handle(MarketState.class, "lastEventAt", long.class);

  /** A handle on one of this file's volatile fields, for the writer's release stores. */
  private static VarHandle handle(Class<?> owner, String field, Class<?> type) {
    try {
      return MethodHandles.lookup().findVarHandle(owner, field, type);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * @param staleAfter a side (or the rate) whose newest event is older than this is stale
   * @param clock the time {@link #freshQuotes()} judges freshness at (wall clock live, {@link #replayClock()} in replay)
   */
  public MarketState(Duration staleAfter, LongSupplier clock) {
    this(staleAfter, clock, Plausibility.Settings.defaults());
  }

  /**
   * @param plausibility which prices and timestamps are believed ({@code kimp.feeds.plausibility}); the others are
   *     refused ({@link Applied#REJECTED}) and counted
   */
  public MarketState(Duration staleAfter, LongSupplier clock, Plausibility.Settings plausibility) {
    this.plausibility = new Plausibility(plausibility);
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException("staleAfter must be positive");
    }
    this.staleAfterMillis = staleAfter.toMillis();
    this.clock = clock;
  }

  /** A state judging freshness by the wall clock. */
  public static MarketState live(Duration staleAfter) {
    return live(staleAfter, Plausibility.Settings.defaults());
  }

  public static MarketState live(Duration staleAfter, Plausibility.Settings plausibility) {
    return new MarketState(staleAfter, System::currentTimeMillis, plausibility);
  }

  /** A state judging freshness at the receive time of the newest event applied: replayed data is fresh as it replays. */
  public static MarketState replay(Duration staleAfter) {
    return replay(staleAfter, Plausibility.Settings.defaults());
  }

  public static MarketState replay(Duration staleAfter, Plausibility.Settings plausibility) {
    MarketState[] self = new MarketState[1];
    self[0] = new MarketState(staleAfter, () -> self[0].lastEventAt, plausibility);
    return self[0];
  }

  // ---------------------------------------------------------------- write side (one thread)

  /** Applies one event. Single writer: never call concurrently. */
  public Applied apply(MarketEvent event) {
    long at = event.receivedAt();
    if (at > lastEventAt) {
      LAST_EVENT_AT.setRelease(this, at);
    }
    if (!plausibility.timestamp(event.exchangeTs(), at)) {
      return reject(Plausibility.Verdict.IMPLAUSIBLE_TIMESTAMP, "exchange timestamp " + event.exchangeTs()
          + " is no epoch near the receive time " + at);
    }
    if (event instanceof FxRateEvent fx) {
      if (!USD.equals(fx.coin()) || !"KRW".equals(fx.quote()) || !(fx.rate() > 0)) {
        return Applied.IGNORED;
      }
      if (!plausibility.bounded(fx.rate()) || !plausibility.nearOwn(fx.rate(), usdKrw, usdKrwAt, at)) {
        return rejectPrice(event, fx.rate(), usdKrw, Double.NaN);
      }
      usdKrw = fx.rate();
      usdKrwAt = at;
      recomputeAll(at);
      return Applied.USD_RATE;
    }
    if (event instanceof PerpBookTicker || event instanceof PerpMarkPrice) {
      return applyPerp(event, at);
    }
    Venue venue = venueOf(event);
    if (venue == Venue.UPBIT && USDT.equals(event.coin())) {
      double bad = implausiblePrice(event, usdtKrw, usdtKrwAt, Double.NaN, 0, at);
      if (!Double.isNaN(bad)) {
        return rejectPrice(event, bad, usdtKrw, Double.NaN);
      }
      Applied a = usdtMarket.apply(event);
      if (a == Applied.DUPLICATE) {
        duplicates.increment();
        return a;
      }
      Book b = usdtMarket.book;
      double rate = b != null && b.hasBothSides() ? b.mid() : usdtMarket.lastPrice;
      if (!(rate > 0)) {
        return Applied.IGNORED;
      }
      boolean wasStale = usdtKrwAt < at - staleAfterMillis;
      usdtKrwAt = at;
      if (rate == usdtKrw && !wasStale) {
        return Applied.COIN; // fresher, same rate: premiums unchanged
      }
      usdtKrw = rate;
      recomputeAll(at);
      return Applied.RATE;
    }
    CoinSlot slot = coins.get(event.coin());
    if (slot == null) {
      slot = coins.computeIfAbsent(event.coin(), CoinSlot::new);
    }
    VenueSide side = slot.side(venue);
    VenueSide other = slot.side(venue == Venue.UPBIT ? Venue.BINANCE : Venue.UPBIT);
    double rate = usdtKrw;
    double fair = !(rate > 0) ? Double.NaN : venue == Venue.UPBIT ? other.refPrice * rate : other.refPrice / rate;
    long fairAt = Math.min(other.refAt, usdtKrwAt);
    double bad = implausiblePrice(event, side.refPrice, side.refAt, fair, fairAt, at);
    if (!Double.isNaN(bad)) {
      return rejectPrice(event, bad, side.refPrice, fair);
    }
    Applied a = side.apply(event);
    if (a == Applied.DUPLICATE) {
      duplicates.increment();
      return a;
    }
    side.refPrice = representativePrice(event);
    side.refAt = at;
    slot.recompute(usdtKrw, usdKrw, at);
    return a;
  }

  /**
   * A perpetual's book ticker or mark price: its prices checked against the perpetual's own last mid and against the
   * coin's Binance spot price (same quote, USDT), copies (update id, event time not newer) dropped.
   */
  private Applied applyPerp(MarketEvent event, long at) {
    CoinSlot slot = coins.get(event.coin());
    if (slot == null) {
      slot = coins.computeIfAbsent(event.coin(), CoinSlot::new);
    }
    VenueSide spot = slot.binance;
    double fair = spot.refPrice;
    long fairAt = spot.refAt;
    PerpTop old = slot.perp;
    double own = old == null ? Double.NaN : old.refPrice();
    long ownAt = old == null ? 0 : old.refAt();
    PerpTop next;
    if (event instanceof PerpBookTicker b) {
      if (old != null && b.sequence() != MarketEvent.NO_SEQUENCE && b.sequence() <= old.bookSeq()) {
        duplicates.increment();
        return Applied.DUPLICATE;
      }
      for (double p : new double[] {b.bid(), b.ask()}) {
        if (!plausibility.bounded(p) || !believable(p, own, ownAt, fair, fairAt, at)) {
          return rejectPrice(event, p, own, fair);
        }
      }
      next = old == null ? PerpTop.EMPTY.withBook(b, at) : old.withBook(b, at);
    } else {
      PerpMarkPrice m = (PerpMarkPrice) event;
      if (old != null && m.sequence() <= old.markSeq()) {
        duplicates.increment();
        return Applied.DUPLICATE;
      }
      double p = m.markPrice();
      if (!plausibility.bounded(p) || !believable(p, own, ownAt, fair, fairAt, at)) {
        return rejectPrice(event, p, own, fair);
      }
      next = old == null ? PerpTop.EMPTY.withMark(m, at) : old.withMark(m, at);
    }
    CoinSlot.PERP.setRelease(slot, next);
    return Applied.PERP;
  }

  /**
   * The first of the event's prices that is not believable against its references (NaN when all are): every book level
   * against the absolute bounds, the best bid and ask (or the trade / ticker price) against the bands.
   */
  private double implausiblePrice(MarketEvent e, double own, long ownAt, double fair, long fairAt, long now) {
    if (e instanceof BookEvent b) {
      Book book = b.book();
      double[] bids = book.bidPrices();
      double[] asks = book.askPrices();
      for (double p : bids) {
        if (!plausibility.bounded(p)) {
          return p;
        }
      }
      for (double p : asks) {
        if (!plausibility.bounded(p)) {
          return p;
        }
      }
      if (bids.length > 0 && !believable(bids[0], own, ownAt, fair, fairAt, now)) {
        return bids[0];
      }
      if (asks.length > 0 && !believable(asks[0], own, ownAt, fair, fairAt, now)) {
        return asks[0];
      }
      return Double.NaN;
    }
    double p = e instanceof TradeEvent t ? t.price() : ((TickerEvent) e).price();
    return plausibility.bounded(p) && believable(p, own, ownAt, fair, fairAt, now) ? Double.NaN : p;
  }

  private boolean believable(double p, double own, long ownAt, double fair, long fairAt, long now) {
    return plausibility.nearOwn(p, own, ownAt, now) && plausibility.nearFair(p, fair, fairAt, now);
  }

  /** The price an accepted event sets as its venue's reference: a book's mid (or its one side), else the price. */
  private static double representativePrice(MarketEvent e) {
    if (e instanceof BookEvent b) {
      Book book = b.book();
      return book.hasBothSides() ? book.mid()
          : book.bidPrices().length > 0 ? book.bestBid() : book.askPrices().length > 0 ? book.bestAsk() : Double.NaN;
    }
    return e instanceof TradeEvent t ? t.price() : ((TickerEvent) e).price();
  }

  private Applied rejectPrice(MarketEvent e, double price, double own, double fair) {
    return reject(Plausibility.Verdict.IMPLAUSIBLE_PRICE, e.coin() + " price " + price + " (last accepted " + own
        + ", other venue's price at this venue's quote " + fair + ")");
  }

  private Applied reject(Plausibility.Verdict why, String detail) {
    rejected.increment();
    lastRejection = why;
    lastRejectionDetail = detail;
    return Applied.REJECTED;
  }

  /**
   * Why the last event {@link Applied#REJECTED} was refused. Writer side: read it on the thread that called
   * {@link #apply}, right after.
   */
  public Plausibility.Verdict lastRejection() {
    return lastRejection;
  }

  /** The last refusal in words (the price or timestamp and its references), for the dropped-frame log. Writer side. */
  public String lastRejectionDetail() {
    return lastRejectionDetail;
  }

  /** Events refused as implausible. */
  public long rejected() {
    return rejected.sum();
  }

  private static Venue venueOf(MarketEvent e) {
    if (e instanceof BookEvent b) {
      return b.venue();
    }
    if (e instanceof TradeEvent t) {
      return t.venue();
    }
    return ((TickerEvent) e).venue();
  }

  private void recomputeAll(long at) {
    double rate = usdtKrw;
    double usd = usdKrw;
    for (CoinSlot s : coins.values()) {
      s.recompute(rate, usd, at);
    }
  }

  // ---------------------------------------------------------------- read side (any thread)

  /** The coin's perpetual, when both its book ticker and its mark price are fresh at the state's clock. */
  @Override
  public Optional<PerpQuote> perp(String coin) {
    CoinSlot s = coins.get(coin);
    PerpTop p = s == null ? null : s.perp;
    return p != null && isFresh(p, clock.getAsLong()) ? Optional.of(p.quote(coin)) : Optional.empty();
  }

  /** The coin's newest perpetual figures, fresh or not (what the dashboard shows); empty if none ever came. */
  public Optional<PerpQuote> latestPerp(String coin) {
    CoinSlot s = coins.get(coin);
    PerpTop p = s == null ? null : s.perp;
    return p == null ? Optional.empty() : Optional.of(p.quote(coin));
  }

  /** Whether both the book ticker and the mark price of a perpetual are no older than the stale limit at {@code now}. */
  boolean isFresh(PerpTop p, long now) {
    long limit = now - staleAfterMillis;
    return p.bookAt() >= limit && p.markAt() >= limit && p.bookAt() > 0 && p.markAt() > 0;
  }

  @Override
  public Optional<Book> book(Venue venue, String coin) {
    if (venue == Venue.UPBIT && USDT.equals(coin)) {
      return Optional.ofNullable(usdtMarket.book);
    }
    CoinSlot s = coins.get(coin);
    return s == null ? Optional.empty() : Optional.ofNullable(s.side(venue).book);
  }

  @Override
  public OptionalDouble usdtKrw() {
    double r = usdtKrw;
    return r > 0 ? OptionalDouble.of(r) : OptionalDouble.empty();
  }

  /** The USD/KRW rate, when a USD/KRW source is configured and has answered. */
  public OptionalDouble usdKrw() {
    double r = usdKrw;
    return r > 0 ? OptionalDouble.of(r) : OptionalDouble.empty();
  }

  /** Receive time of the newest USDT/KRW update (0 if none). */
  public long usdtKrwUpdatedAt() {
    return usdtKrwAt;
  }

  /** Receive time of the newest USD/KRW update (0 if none). */
  public long usdKrwUpdatedAt() {
    return usdKrwAt;
  }

  /** Receive time of the newest event applied (0 if none). */
  public long lastEventAt() {
    return lastEventAt;
  }

  /** Events dropped as copies of already applied ones. */
  public long duplicates() {
    return duplicates.sum();
  }

  public Duration staleAfter() {
    return Duration.ofMillis(staleAfterMillis);
  }

  /** The coins seen so far (the rate market excluded). */
  public Collection<String> coins() {
    return List.copyOf(coins.keySet());
  }

  /** The latest premiums of every coin both venues have priced, by coin. */
  public Map<String, Premium> premiums() {
    Map<String, Premium> out = new HashMap<>();
    for (CoinSlot s : coins.values()) {
      Premium p = s.premium;
      if (p != null) {
        out.put(s.coin, p);
      }
    }
    return out;
  }

  public Optional<Premium> premium(String coin) {
    CoinSlot s = coins.get(coin);
    return s == null ? Optional.empty() : Optional.ofNullable(s.premium);
  }

  public Optional<TradeEvent> lastTrade(Venue venue, String coin) {
    VenueSide side = sideOf(venue, coin);
    return side == null ? Optional.empty() : Optional.ofNullable(side.lastTrade);
  }

  public Optional<TickerEvent> lastTicker(Venue venue, String coin) {
    VenueSide side = sideOf(venue, coin);
    return side == null ? Optional.empty() : Optional.ofNullable(side.lastTicker);
  }

  /** The rolling 24 h traded value in the venue's quote currency, NaN when the venue has not said. */
  public double volume24hQuote(Venue venue, String coin) {
    VenueSide side = sideOf(venue, coin);
    return side == null ? Double.NaN : side.volume24hQuote;
  }

  /** Receive time of the newest event of {@code coin} at {@code venue} (0 if none). */
  public long updatedAt(Venue venue, String coin) {
    VenueSide side = sideOf(venue, coin);
    return side == null ? 0 : side.updatedAt;
  }

  /**
   * Whether {@code coin} may be traded on at {@code now}: both venues and the USDT/KRW rate have an event no older than the
   * stale limit.
   */
  public boolean isFresh(String coin, long now) {
    CoinSlot s = coins.get(coin);
    return s != null && isFresh(s, now);
  }

  /** {@link #isFresh(String, long)} of a slot the caller holds. */
  boolean isFresh(CoinSlot s, long now) {
    long limit = now - staleAfterMillis;
    return s.upbit.updatedAt >= limit && s.binance.updatedAt >= limit && usdtKrwAt >= limit;
  }

  /** Which of a coin's inputs are stale at {@code now}: any of "upbit", "binance", "usdt-krw". */
  public List<String> staleInputs(String coin, long now) {
    long limit = now - staleAfterMillis;
    List<String> out = new ArrayList<>(3);
    CoinSlot s = coins.get(coin);
    if (s == null || s.upbit.updatedAt < limit) {
      out.add("upbit");
    }
    if (s == null || s.binance.updatedAt < limit) {
      out.add("binance");
    }
    if (usdtKrwAt < limit) {
      out.add("usdt-krw");
    }
    return out;
  }

  @Override
  public Map<String, CoinQuote> freshQuotes() {
    long now = clock.getAsLong();
    double rate = usdtKrw;
    if (!(rate > 0) || usdtKrwAt < now - staleAfterMillis) {
      return Map.of();
    }
    BigDecimal rateDec = BigDecimal.valueOf(rate);
    Map<String, CoinQuote> out = new HashMap<>();
    for (CoinSlot s : coins.values()) {
      Book up = s.upbit.book;
      Book bn = s.binance.book;
      if (up == null || bn == null || !up.hasBothSides() || !bn.hasBothSides() || !isFresh(s.coin, now)) {
        continue;
      }
      long observed = Math.min(s.upbit.updatedAt, s.binance.updatedAt);
      out.put(
          s.coin,
          new CoinQuote(
              s.coin, BigDecimal.valueOf(up.bestBid()), BigDecimal.valueOf(up.bestAsk()),
              BigDecimal.valueOf(bn.bestBid()), BigDecimal.valueOf(bn.bestAsk()), rateDec,
              Instant.ofEpochMilli(observed)));
    }
    return out;
  }

  /**
   * Everything the detector reads of a coin, found with one lookup (null if the coin was never seen; the USDT market is
   * no coin slot): its books, volumes and update times are the slot's published (volatile) fields.
   */
  CoinSlot slotOrNull(String coin) {
    return coins.get(coin);
  }

  /** The USDT/KRW rate, NaN if none yet. */
  double usdtKrwOrNaN() {
    return usdtKrw;
  }

  private VenueSide sideOf(Venue venue, String coin) {
    if (venue == Venue.UPBIT && USDT.equals(coin)) {
      return usdtMarket;
    }
    CoinSlot s = coins.get(coin);
    return s == null ? null : s.side(venue);
  }

  // ---------------------------------------------------------------- per coin, per venue

  static final class CoinSlot {
    final String coin;
    final VenueSide upbit = new VenueSide();
    final VenueSide binance = new VenueSide();
    volatile Premium premium;
    /** The coin's perpetual, null until the futures feed sent something. */
    volatile PerpTop perp;

    private static final VarHandle PREMIUM = handle(CoinSlot.class, "premium", Premium.class);
    static final VarHandle PERP = handle(CoinSlot.class, "perp", PerpTop.class);

    CoinSlot(String coin) {
      this.coin = coin;
    }

    VenueSide side(Venue v) {
      return v == Venue.UPBIT ? upbit : binance;
    }

    void recompute(double usdtKrw, double usdKrw, long at) {
      Book up = upbit.book;
      Book bn = binance.book;
      double upMid = up != null && up.hasBothSides() ? up.mid() : upbit.lastPrice;
      double bnMid = bn != null && bn.hasBothSides() ? bn.mid() : binance.lastPrice;
      if (!(upMid > 0) || !(bnMid > 0)) {
        return;
      }
      PREMIUM.setRelease(
          this,
          Premium.of(
              coin,
              up == null ? Double.NaN : up.bestBid(), up == null ? Double.NaN : up.bestAsk(), upMid,
              bn == null ? Double.NaN : bn.bestBid(), bn == null ? Double.NaN : bn.bestAsk(), bnMid,
              usdtKrw, usdKrw, at));
    }
  }

  /**
   * A perpetual's newest figures, immutable, replaced whole on every event (a reader sees one consistent set). NaN / 0
   * for what has not come yet.
   *
   * @param bookSeq the last book ticker's update id; {@code markSeq} the last mark price's event time
   * @param refPrice the plausibility reference: the last accepted mid (or mark price before any book)
   */
  record PerpTop(
      double bid,
      double bidQuantity,
      double ask,
      double askQuantity,
      long bookAt,
      long bookSeq,
      double markPrice,
      double indexPrice,
      double fundingRate,
      long nextFundingTime,
      long markAt,
      long markSeq,
      double refPrice,
      long refAt) {
    static final PerpTop EMPTY =
        new PerpTop(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, MarketEvent.NO_SEQUENCE, Double.NaN, Double.NaN,
            Double.NaN, 0, 0, Long.MIN_VALUE, Double.NaN, 0);

    PerpTop withBook(PerpBookTicker b, long at) {
      return new PerpTop(b.bid(), b.bidQuantity(), b.ask(), b.askQuantity(), Math.max(at, bookAt), b.sequence(),
          markPrice, indexPrice, fundingRate, nextFundingTime, markAt, markSeq, (b.bid() + b.ask()) / 2, at);
    }

    PerpTop withMark(PerpMarkPrice m, long at) {
      boolean noBook = Double.isNaN(bid);
      return new PerpTop(bid, bidQuantity, ask, askQuantity, bookAt, bookSeq, m.markPrice(), m.indexPrice(),
          m.fundingRate(), m.nextFundingTime(), Math.max(at, markAt), m.sequence(),
          noBook ? m.markPrice() : refPrice, noBook ? at : refAt);
    }

    PerpQuote quote(String coin) {
      return new PerpQuote(coin, dec(bid), dec(bidQuantity), dec(ask), dec(askQuantity), dec(markPrice), dec(indexPrice),
          dec(fundingRate), nextFundingTime > 0 ? Instant.ofEpochMilli(nextFundingTime) : null,
          Instant.ofEpochMilli(Math.max(bookAt, markAt)));
    }

    private static BigDecimal dec(double v) {
      return Double.isFinite(v) ? BigDecimal.valueOf(v) : null;
    }
  }

  /** One instrument at one venue. Fields without volatile are the writer's own bookkeeping. */
  static final class VenueSide {
    volatile Book book;
    volatile TradeEvent lastTrade;
    volatile TickerEvent lastTicker;
    volatile double lastPrice = Double.NaN;
    volatile double volume24hQuote = Double.NaN;
    volatile long updatedAt;
    private Book depth;
    private long depthSeq = MarketEvent.NO_SEQUENCE;
    private Book top;
    private long topSeq = MarketEvent.NO_SEQUENCE;
    private long tradeSeq = MarketEvent.NO_SEQUENCE;
    /** The last accepted price and its receive time: the plausibility reference (writer only). */
    double refPrice = Double.NaN;
    long refAt;

    private static final VarHandle BOOK = handle(VenueSide.class, "book", Book.class);
    private static final VarHandle LAST_TRADE = handle(VenueSide.class, "lastTrade", TradeEvent.class);
    private static final VarHandle LAST_TICKER = handle(VenueSide.class, "lastTicker", TickerEvent.class);
    private static final VarHandle LAST_PRICE = handle(VenueSide.class, "lastPrice", double.class);
    private static final VarHandle VOLUME_24H_QUOTE = handle(VenueSide.class, "volume24hQuote", double.class);
    private static final VarHandle UPDATED_AT = handle(VenueSide.class, "updatedAt", long.class);

    Applied apply(MarketEvent e) {
      long seq = e.sequence();
      if (e instanceof BookEvent b) {
        if (b.topOnly()) {
          if (seq != MarketEvent.NO_SEQUENCE && seq <= topSeq) {
            return Applied.DUPLICATE;
          }
          top = b.book();
          topSeq = seq;
          boolean depthNewer = depth != null && seq != MarketEvent.NO_SEQUENCE && depthSeq >= seq;
          BOOK.setRelease(this, depth == null ? top : depthNewer ? depth : overlay(top, depth));
        } else {
          if (seq != MarketEvent.NO_SEQUENCE && seq <= depthSeq) {
            return Applied.DUPLICATE;
          }
          depth = b.book();
          depthSeq = seq;
          boolean topNewer = top != null && seq != MarketEvent.NO_SEQUENCE && topSeq > seq;
          BOOK.setRelease(this, topNewer ? overlay(top, depth) : depth);
        }
      } else if (e instanceof TradeEvent t) {
        if (seq != MarketEvent.NO_SEQUENCE && seq <= tradeSeq) {
          return Applied.DUPLICATE;
        }
        tradeSeq = seq;
        LAST_TRADE.setRelease(this, t);
        LAST_PRICE.setRelease(this, t.price());
      } else if (e instanceof TickerEvent t) {
        LAST_TICKER.setRelease(this, t);
        LAST_PRICE.setRelease(this, t.price());
        if (t.volume24hQuote() >= 0) {
          VOLUME_24H_QUOTE.setRelease(this, t.volume24hQuote());
        }
      }
      if (e.receivedAt() > updatedAt) {
        UPDATED_AT.setRelease(this, e.receivedAt());
      }
      return Applied.COIN;
    }
  }

  /**
   * A newer best bid/offer laid over an older deeper book: the new top, then the deeper levels strictly behind it on each
   * side. Never crossed if the top is not.
   */
  static Book overlay(Book top, Book depth) {
    double bid = top.bestBid();
    double ask = top.bestAsk();
    double[] dbp = depth.bidPrices();
    double[] dap = depth.askPrices();
    int nb = 0;
    while (nb < dbp.length && dbp[nb] >= bid) {
      nb++;
    }
    int na = 0;
    while (na < dap.length && dap[na] <= ask) {
      na++;
    }
    int bidLevels = 1 + dbp.length - nb;
    int askLevels = 1 + dap.length - na;
    double[] bp = new double[bidLevels];
    double[] bs = new double[bidLevels];
    double[] ap = new double[askLevels];
    double[] as = new double[askLevels];
    bp[0] = bid;
    bs[0] = top.bidSizes()[0];
    ap[0] = ask;
    as[0] = top.askSizes()[0];
    System.arraycopy(dbp, nb, bp, 1, bidLevels - 1);
    System.arraycopy(depth.bidSizes(), nb, bs, 1, bidLevels - 1);
    System.arraycopy(dap, na, ap, 1, askLevels - 1);
    System.arraycopy(depth.askSizes(), na, as, 1, askLevels - 1);
    return new Book(top.venue(), top.coin(), bp, bs, ap, as, top.exchangeTs());
  }
}
