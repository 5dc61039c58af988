package io.kimp.feeds.record;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kimp.core.market.Book;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketEvent.BookEvent;
import io.kimp.core.market.MarketEvent.FxRateEvent;
import io.kimp.core.market.MarketEvent.TickerEvent;
import io.kimp.core.market.MarketEvent.TradeEvent;
import io.kimp.core.market.MarketState;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameParsers;
import io.kimp.feeds.parse.JsonFrames;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;

/**
 * {@code kimp replay FILE --ticks}: prints the normalized events of a recording as JSON lines
 * {@code {"venue":…,"symbol":"XRP","quote":"KRW"|"USDT","kind":"book"|"trade"|"ticker","ts":<exchange ms>,"price":…,
 * "bid":…,"ask":…,"bidSize":…,"askSize":…}} with absent fields omitted (books: best bid/ask and their sizes; trades and
 * tickers: price). Bad lines are reported on {@code err} with their line number; frames the parsers reject are counted; the
 * duplicates an overlapping Binance rotation recorded are printed once.
 */
public final class TickPrinter {

  /** What a run saw. */
  public record Summary(long frames, long events, long printed, long badLines, long rejectedFrames, long duplicates) {}

  private TickPrinter() {}

  /** With the default USD/KRW JSON pointer ({@code /rates/KRW}). */
  public static Summary print(Path recording, PrintStream out, PrintStream err) throws IOException {
    return print(recording, out, err, "/rates/KRW");
  }

  /** @param usdKrwJsonPointer where the rate is in recorded FX answers ({@code kimp.feeds.fx.usd-krw-json-pointer}) */
  public static Summary print(Path recording, PrintStream out, PrintStream err, String usdKrwJsonPointer)
      throws IOException {
    long[] badLines = {0};
    Iterator<RawFrame> frames =
        Recording.frames(
            recording,
            (line, reason, text) -> {
              badLines[0]++;
              err.println("line " + line + ": " + reason);
            });
    FrameParsers parsers = new FrameParsers(CoinResolver.open(), usdKrwJsonPointer);
    MarketState dedup = MarketState.replay(Duration.ofDays(1));
    long n = 0;
    long events = 0;
    long printed = 0;
    while (frames.hasNext()) {
      RawFrame f = parsers.parse(frames.next());
      n++;
      MarketEvent e = f.event();
      if (e == null) {
        continue;
      }
      events++;
      if (dedup.apply(e) == MarketState.Applied.DUPLICATE) {
        continue;
      }
      out.println(json(f.venue(), e));
      printed++;
    }
    long rejected = 0;
    for (FeedVenue v : FeedVenue.values()) {
      rejected += parsers.stats(v).rejectedTotal();
    }
    return new Summary(n, events, printed, badLines[0], rejected, dedup.duplicates());
  }

  /** One event as a JSON line. */
  public static String json(FeedVenue venue, MarketEvent e) {
    StringWriter w = new StringWriter(160);
    try (JsonGenerator g = JsonFrames.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("venue", venue.wireName());
      g.writeStringField("symbol", e.coin());
      g.writeStringField("quote", e.quote());
      if (e instanceof BookEvent b) {
        Book book = b.book();
        g.writeStringField("kind", "book");
        g.writeNumberField("ts", e.exchangeTs());
        if (book.bidPrices().length > 0) {
          g.writeNumberField("bid", book.bestBid());
        }
        if (book.askPrices().length > 0) {
          g.writeNumberField("ask", book.bestAsk());
        }
        if (book.bidSizes().length > 0) {
          g.writeNumberField("bidSize", book.bidSizes()[0]);
        }
        if (book.askSizes().length > 0) {
          g.writeNumberField("askSize", book.askSizes()[0]);
        }
      } else if (e instanceof TradeEvent t) {
        g.writeStringField("kind", "trade");
        g.writeNumberField("ts", e.exchangeTs());
        g.writeNumberField("price", t.price());
      } else if (e instanceof TickerEvent t) {
        g.writeStringField("kind", "ticker");
        g.writeNumberField("ts", e.exchangeTs());
        g.writeNumberField("price", t.price());
      } else if (e instanceof MarketEvent.PerpBookTicker pb) {
        g.writeStringField("kind", "perp-book");
        g.writeNumberField("ts", e.exchangeTs());
        g.writeNumberField("bid", pb.bid());
        g.writeNumberField("ask", pb.ask());
        g.writeNumberField("bidSize", pb.bidQuantity());
        g.writeNumberField("askSize", pb.askQuantity());
      } else if (e instanceof MarketEvent.PerpMarkPrice pm) {
        g.writeStringField("kind", "perp-mark");
        g.writeNumberField("ts", e.exchangeTs());
        g.writeNumberField("price", pm.markPrice());
        g.writeNumberField("fundingRate", pm.fundingRate());
        g.writeNumberField("nextFundingTime", pm.nextFundingTime());
      } else if (e instanceof FxRateEvent fx) {
        g.writeStringField("kind", "ticker");
        g.writeNumberField("ts", e.exchangeTs());
        g.writeNumberField("price", fx.rate());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return w.toString();
  }
}
