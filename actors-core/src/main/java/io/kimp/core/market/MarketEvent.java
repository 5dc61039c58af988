package io.kimp.core.market;

/**
 * One normalized market-data event, whatever venue and wire format it came from. Prices are in the venue's quote currency
 * ({@link Venue#quoteCurrency()}); times are epoch milliseconds.
 *
 * <p>{@code receivedAt} is the local wall-clock time the frame arrived (the recorded time when replaying): staleness is
 * judged on it, never on the venue's clock, so a skewed exchange clock cannot make dead data look fresh. {@code sequence}
 * is the venue's monotonic id for the stream (Binance update / trade ids), or {@link #NO_SEQUENCE}: overlapping connections
 * deliver the same event twice and the id is how the copy is recognised.
 */
public sealed interface MarketEvent
    permits MarketEvent.BookEvent,
        MarketEvent.TradeEvent,
        MarketEvent.TickerEvent,
        MarketEvent.FxRateEvent,
        MarketEvent.PerpBookTicker,
        MarketEvent.PerpMarkPrice {

  long NO_SEQUENCE = -1L;

  /** The coin (base currency), upper case: {@code XRP}; {@code USDT} for Upbit KRW-USDT, {@code USD} for USD/KRW. */
  String coin();

  /** The quote currency the prices are in. */
  String quote();

  /** The venue's timestamp, or the receive time when the venue sends none (Binance bookTicker and partial depth). */
  long exchangeTs();

  long receivedAt();

  long sequence();

  /**
   * A book snapshot. {@code topOnly} marks a best bid/offer (Binance bookTicker) that updates the top of a deeper book
   * rather than replacing it.
   */
  record BookEvent(Book book, boolean topOnly, long receivedAt, long sequence) implements MarketEvent {
    public Venue venue() {
      return book.venue();
    }

    @Override
    public String coin() {
      return book.coin();
    }

    @Override
    public String quote() {
      return book.venue().quoteCurrency();
    }

    @Override
    public long exchangeTs() {
      return book.exchangeTs();
    }
  }

  /** One executed trade. */
  record TradeEvent(
      Venue venue, String coin, double price, double size, long exchangeTs, long receivedAt, long sequence)
      implements MarketEvent {
    @Override
    public String quote() {
      return venue.quoteCurrency();
    }
  }

  /**
   * A ticker: last price and the rolling 24 h traded value in the quote currency (NaN when the venue's message has none).
   */
  record TickerEvent(Venue venue, String coin, double price, double volume24hQuote, long exchangeTs, long receivedAt)
      implements MarketEvent {
    @Override
    public String quote() {
      return venue.quoteCurrency();
    }

    @Override
    public long sequence() {
      return NO_SEQUENCE;
    }
  }

  /** A fiat exchange rate from the FX source (USD/KRW): {@code rate} units of {@code quote} per {@code coin}. */
  record FxRateEvent(String coin, String quote, double rate, long exchangeTs, long receivedAt) implements MarketEvent {
    @Override
    public long sequence() {
      return NO_SEQUENCE;
    }
  }

  /**
   * The best bid and offer of a coin's USDT-M perpetual (Binance futures {@code <symbol>@bookTicker}). Kept apart from the
   * spot {@link BookEvent}: the perpetual is no venue kimp buys or sells coins on, only what the transfer hedge shorts, so
   * it must never reach a spot book or a premium. {@code sequence} is the futures update id ({@code u}).
   */
  record PerpBookTicker(
      String coin,
      double bid,
      double bidQuantity,
      double ask,
      double askQuantity,
      long exchangeTs,
      long receivedAt,
      long sequence)
      implements MarketEvent {
    @Override
    public String quote() {
      return Venue.BINANCE.quoteCurrency();
    }
  }

  /**
   * A perpetual's mark price, index price and funding (Binance futures {@code <symbol>@markPrice@1s}).
   *
   * @param fundingRate the current period's rate as a fraction, signed: shorts receive it when positive
   * @param nextFundingTime when it is next paid, epoch ms (0 if the venue did not say)
   */
  record PerpMarkPrice(
      String coin,
      double markPrice,
      double indexPrice,
      double fundingRate,
      long nextFundingTime,
      long exchangeTs,
      long receivedAt)
      implements MarketEvent {
    @Override
    public String quote() {
      return Venue.BINANCE.quoteCurrency();
    }

    /** The event time orders mark-price updates: a copy from an overlapping connection has the same one. */
    @Override
    public long sequence() {
      return exchangeTs;
    }
  }
}
