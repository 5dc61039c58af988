package io.kimp.simulator;

import io.kimp.simulator.MarketUpdate.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Walks real candle closes ({@code timestamp,open,high,low,close,volume} CSVs of one coin on both venues, aligned on their
 * common timestamps; gaps are skipped, never filled): each step sends the KRW-USDT rate, the Binance book and the Upbit
 * book around that step's closes, and the walk starts over at the end.
 */
final class CandleSource implements UpdateSource {
  private final String coin;
  private final double usdtKrw;
  private final double[] upbitClose;
  private final double[] binanceClose;
  private final AtomicLong upbitSeq;
  private final AtomicLong binanceSeq;
  private int point;
  private int phase;

  CandleSource(Path upbit, Path binance, String coin, double usdtKrw, AtomicLong upbitSeq, AtomicLong binanceSeq) {
    this.coin = coin;
    this.usdtKrw = usdtKrw;
    this.upbitSeq = upbitSeq;
    this.binanceSeq = binanceSeq;
    Map<String, Double> up = closes(upbit);
    Map<String, Double> bn = closes(binance);
    List<double[]> aligned = new ArrayList<>();
    for (Map.Entry<String, Double> e : up.entrySet()) {
      Double b = bn.get(e.getKey());
      if (b != null) {
        aligned.add(new double[] {e.getValue(), b});
      }
    }
    if (aligned.isEmpty()) {
      throw new IllegalArgumentException("the candle files share no timestamp: " + upbit + ", " + binance);
    }
    upbitClose = new double[aligned.size()];
    binanceClose = new double[aligned.size()];
    for (int i = 0; i < aligned.size(); i++) {
      upbitClose[i] = aligned.get(i)[0];
      binanceClose[i] = aligned.get(i)[1];
    }
  }

  @Override
  public double referencePrice(SimVenue venue, String c) {
    if (c.equals("USDT")) {
      return usdtKrw;
    }
    return venue == SimVenue.UPBIT ? upbitClose[0] : binanceClose[0];
  }

  int points() {
    return upbitClose.length;
  }

  private static Map<String, Double> closes(Path csv) {
    Map<String, Double> out = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(csv)) {
        String[] f = line.split(",");
        if (f.length < 5 || f[0].startsWith("timestamp")) {
          continue;
        }
        try {
          double close = Double.parseDouble(f[4]);
          if (close > 0) {
            out.put(f[0].trim(), close);
          }
        } catch (NumberFormatException e) {
          // a damaged row is skipped, like a gap
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv, e);
    }
    return out;
  }

  @Override
  public MarketUpdate next(long now, long nanos) {
    int p = point;
    int ph = phase;
    phase = (phase + 1) % 3;
    if (phase == 0) {
      point = (point + 1) % upbitClose.length;
    }
    switch (ph) {
      case 0:
        return new MarketUpdate(SimVenue.UPBIT, Kind.BOOK, "USDT", usdtKrw - 0.5, 1e6, usdtKrw, 1e6, usdtKrw, 1, 5e11,
            upbitSeq.incrementAndGet(), now, nanos);
      case 1:
        {
          double c = binanceClose[p];
          double size = 5e4 / c;
          return new MarketUpdate(SimVenue.BINANCE, Kind.BOOK, coin, c * (1 - 5e-5), size, c * (1 + 5e-5), size, c,
              size / 1000, 1e9, binanceSeq.incrementAndGet(), now, nanos);
        }
      default:
        {
          double c = upbitClose[p];
          double size = 5e7 / c;
          return new MarketUpdate(SimVenue.UPBIT, Kind.BOOK, coin, c * (1 - 1e-4), size, c * (1 + 1e-4), size, c,
              size / 1000, 1e11, upbitSeq.incrementAndGet(), now, nanos);
        }
    }
  }
}
