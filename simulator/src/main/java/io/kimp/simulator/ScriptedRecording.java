package io.kimp.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.kimp.simulator.MarketUpdate.Kind;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code kimp record} recording written from a script instead of a live session: the venues' frames in their wire
 * formats (the simulator's, {@link WireFormats}) at a fixed cadence, each coin's Upbit price set by a premium schedule
 * over a constant Binance price and USDT/KRW rate. For tests that must know exactly what a recording holds: when an
 * opportunity appears, what a rebalance can choose, which frames are malformed.
 *
 * <p>Every tick (offset {@code k × tick}) carries, 1 ms apart: the Upbit KRW-USDT orderbook, then per coin its Upbit
 * orderbook (SIMPLE and DEFAULT keys by turns) and its Binance bookTicker; every fifth tick also per coin a Binance
 * {@code depth5}, an Upbit ticker and trade and a Binance miniTicker and trade (the 24 h volumes the volume cap reads).
 * A premium set from offset {@code o} holds from the first tick at or after {@code o}. Extra frames and lines follow
 * their tick's frames.
 */
public final class ScriptedRecording {
  private static final JsonFactory JSON = new JsonFactory();
  private static final double HALF_SPREAD = 5e-5;

  /**
   * A coin of the script.
   *
   * @param levelSize the size of each of the five levels per side, both venues
   */
  public record Coin(
      String name, double binanceUsdt, double levelSize, double upbitVolume24hKrw, double binanceVolume24hUsdt) {}

  private record Extra(String venue, String text) {}

  private final long startMs;
  private final long tickMs;
  private final double usdtKrw;
  private final Map<String, Coin> coins = new LinkedHashMap<>();
  private final Map<String, TreeMap<Long, Double>> premiums = new HashMap<>();
  private final TreeMap<Long, List<Extra>> extras = new TreeMap<>();
  private final TreeMap<Long, List<String>> duplicates = new TreeMap<>();

  public ScriptedRecording(long startMs, long tickMs, double usdtKrw) {
    if (tickMs < 50) {
      throw new IllegalArgumentException("a tick must leave room for its frames, 1 ms apart: at least 50 ms");
    }
    this.startMs = startMs;
    this.tickMs = tickMs;
    this.usdtKrw = usdtKrw;
  }

  public ScriptedRecording coin(Coin c) {
    coins.put(c.name(), c);
    premiums.computeIfAbsent(c.name(), k -> new TreeMap<>()).putIfAbsent(0L, 0.0);
    return this;
  }

  /** From {@code offsetMs} on, {@code coin}'s Upbit mid is its Binance mid × rate × (1 + percent / 100). */
  public ScriptedRecording premium(String coin, long offsetMs, double percent) {
    premiums.computeIfAbsent(coin, k -> new TreeMap<>()).put(offsetMs, percent);
    return this;
  }

  /** A frame of any content (garbage included) after the regular frames of the tick at {@code offsetMs}. */
  public ScriptedRecording frame(long offsetMs, String venue, String text) {
    extras.computeIfAbsent(tickAt(offsetMs), k -> new ArrayList<>()).add(new Extra(venue, text));
    return this;
  }

  /** A line that is no recorded frame, after the regular frames of the tick at {@code offsetMs}. */
  public ScriptedRecording line(long offsetMs, String line) {
    extras.computeIfAbsent(tickAt(offsetMs), k -> new ArrayList<>()).add(new Extra(null, line));
    return this;
  }

  /** The coin's last Binance bookTicker sent again (same update id) after the tick at {@code offsetMs}. */
  public ScriptedRecording duplicateBinanceBook(long offsetMs, String coin) {
    duplicates.computeIfAbsent(tickAt(offsetMs), k -> new ArrayList<>()).add(coin);
    return this;
  }

  private long tickAt(long offsetMs) {
    return (offsetMs + tickMs - 1) / tickMs * tickMs;
  }

  /** The premium (percent) of {@code coin} at {@code offsetMs}, as the frames carry it. */
  public double premiumAt(String coin, long offsetMs) {
    Map.Entry<Long, Double> e = premiums.get(coin).floorEntry(tickAt(offsetMs));
    return e == null ? 0 : e.getValue();
  }

  /** Writes {@code durationMs} of frames to {@code file}; returns the number of lines. */
  public long write(Path file, long durationMs) {
    long lines = 0;
    long upbitSeq = 0;
    long binanceSeq = 0;
    long tradeSeq = 0;
    Map<String, String> lastBook = new HashMap<>();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (long o = 0; o < durationMs; o += tickMs) {
        long t = startMs + o;
        int j = 0;
        double usdtBid = usdtKrw - 0.5;
        lines += write(w, t + j++, "upbit", WireFormats.upbit(update(SimVenue.UPBIT, Kind.BOOK, "USDT", usdtBid,
            1e6, usdtKrw + 0.5, usdtKrw, 0, 5e11, 0, t), (o / tickMs) % 2 == 0));
        boolean slow = (o / tickMs) % 5 == 0;
        for (Coin c : coins.values()) {
          double upbitMid = c.binanceUsdt() * usdtKrw * (1 + premiumAt(c.name(), o) / 100);
          MarketUpdate upbitBook = update(SimVenue.UPBIT, Kind.BOOK, c.name(), upbitMid * (1 - HALF_SPREAD),
              c.levelSize(), upbitMid * (1 + HALF_SPREAD), upbitMid, 0, c.upbitVolume24hKrw(), 0, t);
          lines += write(w, t + j++, "upbit", WireFormats.upbit(upbitBook, (o / tickMs) % 2 == 0));
          String book = WireFormats.binanceCombined(update(SimVenue.BINANCE, Kind.BOOK, c.name(),
              c.binanceUsdt() * (1 - HALF_SPREAD), c.levelSize(), c.binanceUsdt() * (1 + HALF_SPREAD), c.binanceUsdt(),
              0, c.binanceVolume24hUsdt(), ++binanceSeq, t));
          lastBook.put(c.name(), book);
          lines += write(w, t + j++, "binance", book);
          if (slow) {
            lines += write(w, t + j++, "binance", WireFormats.binanceCombined(update(SimVenue.BINANCE, Kind.DEPTH,
                c.name(), c.binanceUsdt() * (1 - HALF_SPREAD), c.levelSize(), c.binanceUsdt() * (1 + HALF_SPREAD),
                c.binanceUsdt(), 0, c.binanceVolume24hUsdt(), ++binanceSeq, t)));
            lines += write(w, t + j++, "upbit", WireFormats.upbit(update(SimVenue.UPBIT, Kind.TICKER, c.name(),
                0, 0, 0, upbitMid, 1, c.upbitVolume24hKrw(), 0, t), true));
            lines += write(w, t + j++, "upbit", WireFormats.upbit(update(SimVenue.UPBIT, Kind.TRADE, c.name(),
                0, 0, 0, upbitMid, 1, c.upbitVolume24hKrw(), ++upbitSeq, t), false));
            lines += write(w, t + j++, "binance", WireFormats.binanceCombined(update(SimVenue.BINANCE, Kind.TICKER,
                c.name(), 0, 0, 0, c.binanceUsdt(), 1, c.binanceVolume24hUsdt(), 0, t)));
            lines += write(w, t + j++, "binance", WireFormats.binanceCombined(update(SimVenue.BINANCE, Kind.TRADE,
                c.name(), 0, 0, 0, c.binanceUsdt(), 1, c.binanceVolume24hUsdt(), ++tradeSeq, t)));
          }
        }
        for (String coin : duplicates.getOrDefault(o, List.of())) {
          lines += write(w, t + j++, "binance", lastBook.get(coin));
        }
        for (Extra e : extras.getOrDefault(o, List.of())) {
          if (e.venue() == null) {
            w.write(e.text());
            w.write('\n');
            lines++;
            j++;
          } else {
            lines += write(w, t + j++, e.venue(), e.text());
          }
        }
        if (j >= tickMs) {
          throw new IllegalStateException("more frames in a tick than milliseconds: " + j);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return lines;
  }

  private static MarketUpdate update(
      SimVenue venue, Kind kind, String coin, double bid, double size, double ask, double price, double tradeSize,
      double volume24h, long seq, long ts) {
    return new MarketUpdate(venue, kind, coin, bid, size, ask, size, price, tradeSize, volume24h, seq, ts, 0);
  }

  private static int write(BufferedWriter w, long t, String venue, String frame) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeNumberField("t", t);
      g.writeStringField("venue", venue);
      g.writeStringField("frame", frame);
      g.writeEndObject();
    }
    w.write('\n');
    return 1;
  }
}
