package io.kimp.feeds.upbit;

import static io.kimp.feeds.parse.FrameScanner.DECLINE;

import io.kimp.core.market.Book;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import io.kimp.core.market.Venue;
import io.kimp.feeds.parse.Checks;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.ExchangeTime;
import io.kimp.feeds.parse.FieldNames;
import io.kimp.feeds.parse.FrameScanner;
import io.kimp.feeds.parse.MarketCodes;
import io.kimp.feeds.parse.MemberNames;
import io.kimp.feeds.parse.ScanningFastPath;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link UpbitParser}: ticker, trade and orderbook frames, DEFAULT or SIMPLE keys (or a mix), read in one
 * pass of a {@link FrameScanner}, taking only the fields kimp uses and skipping (while validating) the rest. It takes a
 * frame only when it yields an event: a field read twice, a value of an unexpected type, a missing field, a price out of
 * range, a crossed book, an unknown code or type, an error or status message all make it decline, and the Jackson parser
 * decides, counts and reports.
 */
final class UpbitFastPath extends ScanningFastPath {
  private static final int MAX_LEVELS = 64;
  /** The exchange time of a ticker or trade that carries no time field at all: no epoch (refused, as before). */
  private static final long NO_TIME = -1;

  private static final int TYPE = 0;
  private static final int CODE = 1;
  private static final int PRICE = 2;
  private static final int VOLUME = 3;
  private static final int ACC_24H = 4;
  private static final int TS = 5;
  private static final int TRADE_TS = 6;
  private static final int UNITS = 7;
  private static final int ERROR = 8;
  private static final FieldNames FIELDS =
      new FieldNames(
          "type", TYPE, "ty", TYPE, "code", CODE, "cd", CODE, "trade_price", PRICE, "tp", PRICE, "trade_volume", VOLUME,
          "tv", VOLUME, "acc_trade_price_24h", ACC_24H, "atp24h", ACC_24H, "timestamp", TS, "tms", TS,
          "trade_timestamp", TRADE_TS, "ttms", TRADE_TS, "orderbook_units", UNITS, "obu", UNITS, "error", ERROR);

  private static final int ASK_PRICE = 0;
  private static final int BID_PRICE = 1;
  private static final int ASK_SIZE = 2;
  private static final int BID_SIZE = 3;
  private static final FieldNames LEVEL_FIELDS =
      new FieldNames(
          "ask_price", ASK_PRICE, "ap", ASK_PRICE, "bid_price", BID_PRICE, "bp", BID_PRICE, "ask_size", ASK_SIZE, "as",
          ASK_SIZE, "bid_size", BID_SIZE, "bs", BID_SIZE);

  private static final byte[] TICKER = "ticker".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRADE = "trade".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ORDERBOOK = "orderbook".getBytes(StandardCharsets.US_ASCII);
  private static final int KIND_TICKER = 1;
  private static final int KIND_TRADE = 2;
  private static final int KIND_ORDERBOOK = 3;

  private final MemberNames names = new MemberNames(FIELDS);
  private final MemberNames levelNames = new MemberNames(LEVEL_FIELDS);
  private final double[] askP = new double[MAX_LEVELS];
  private final double[] askS = new double[MAX_LEVELS];
  private final double[] bidP = new double[MAX_LEVELS];
  private final double[] bidS = new double[MAX_LEVELS];

  UpbitFastPath(CoinResolver coins) {
    super(MarketCodes.upbit(coins));
  }

  @Override
  protected MarketEvent event(long at) {
    int kind = 0;
    String coin = null;
    double price = Double.NaN;
    double volume = Double.NaN;
    double acc24h = Double.NaN;
    long ts = ExchangeTime.ABSENT;
    long tradeTs = ExchangeTime.ABSENT;
    int levels = -1;
    int seen = 0;
    in.beginObject();
    for (int f = in.firstMember(names); f != FrameScanner.END; f = in.nextMember(names)) {
      if (f < 0) {
        in.skipValue();
        continue;
      }
      if ((seen & (1 << f)) != 0) {
        throw DECLINE; // Jackson's last-one-wins is not worth copying
      }
      seen |= 1 << f;
      switch (f) {
        case TYPE:
          in.readString();
          kind = in.tokenIs(TICKER) ? KIND_TICKER : in.tokenIs(TRADE) ? KIND_TRADE : in.tokenIs(ORDERBOOK) ? KIND_ORDERBOOK : 0;
          if (kind == 0) {
            throw DECLINE;
          }
          break;
        case CODE:
          in.readString();
          coin = codes.coin(in.bytes(), in.tokenStart(), in.tokenEnd());
          if (coin == null) {
            throw DECLINE;
          }
          break;
        case PRICE:
        case VOLUME:
        case ACC_24H:
          { // one call of number() (inlined whole), not one per field: the loop stays within what the JIT inlines
            double v = in.number();
            if (f == PRICE) {
              price = v;
            } else if (f == VOLUME) {
              volume = v;
            } else {
              acc24h = v;
            }
            break;
          }
        case TS:
        case TRADE_TS:
          {
            long v = ExchangeTime.present(in.integer());
            if (f == TS) {
              ts = v;
            } else {
              tradeTs = v;
            }
            break;
          }
        case UNITS:
          levels = units();
          break;
        default: // ERROR: the connection fails, which the full parser does
          throw DECLINE;
      }
    }
    in.endOfFrame();
    if (kind == 0 || coin == null) {
      throw DECLINE;
    }
    switch (kind) {
      case KIND_TICKER:
        if (Checks.price(price) != null || (!Double.isNaN(acc24h) && Checks.size(acc24h) != null)) {
          throw DECLINE;
        }
        return new TickerEvent(Venue.UPBIT, coin, price, acc24h, ExchangeTime.choose(ts, tradeTs, NO_TIME), at);
      case KIND_TRADE:
        if (Checks.price(price) != null || Checks.size(volume) != null) {
          throw DECLINE;
        }
        return new TradeEvent(Venue.UPBIT, coin, price, volume, ExchangeTime.choose(tradeTs, ts, NO_TIME), at, MarketEvent.NO_SEQUENCE);
      default:
        return book(coin, levels, ExchangeTime.choose(ts, at), at);
    }
  }

  /** The units array into the scratch levels; their number. */
  private int units() {
    in.beginArray();
    int n = 0;
    if (in.firstElement()) {
      do {
        if (n == MAX_LEVELS) {
          throw DECLINE;
        }
        double ap = Double.NaN;
        double bp = Double.NaN;
        double as = Double.NaN;
        double bs = Double.NaN;
        int seen = 0;
        in.beginObject();
        for (int f = in.firstMember(levelNames); f != FrameScanner.END; f = in.nextMember(levelNames)) {
          if (f < 0) {
            in.skipValue();
            continue;
          }
          if ((seen & (1 << f)) != 0) {
            throw DECLINE;
          }
          seen |= 1 << f;
          double v = in.number();
          switch (f) {
            case ASK_PRICE:
              ap = v;
              break;
            case BID_PRICE:
              bp = v;
              break;
            case ASK_SIZE:
              as = v;
              break;
            default:
              bs = v;
          }
        }
        askP[n] = ap;
        askS[n] = as;
        bidP[n] = bp;
        bidS[n] = bs;
        n++;
      } while (in.nextElement());
    }
    return n;
  }

  private MarketEvent book(String coin, int levels, long ts, long at) {
    if (levels <= 0) {
      throw DECLINE;
    }
    for (int i = 0; i < levels; i++) {
      if (Checks.price(askP[i]) != null || Checks.price(bidP[i]) != null || Checks.size(askS[i]) != null
          || Checks.size(bidS[i]) != null) {
        throw DECLINE;
      }
    }
    if (bidP[0] >= askP[0]) {
      throw DECLINE;
    }
    Book b =
        new Book(
            Venue.UPBIT, coin, Arrays.copyOf(bidP, levels), Arrays.copyOf(bidS, levels), Arrays.copyOf(askP, levels),
            Arrays.copyOf(askS, levels), ts);
    return new BookEvent(b, false, at, MarketEvent.NO_SEQUENCE);
  }
}
