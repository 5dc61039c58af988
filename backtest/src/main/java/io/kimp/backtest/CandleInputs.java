package io.kimp.backtest;

import io.kimp.backtest.data.BadInputException;
import io.kimp.backtest.data.CandleFile;
import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.data.FxFile;
import io.kimp.backtest.data.FxSeries;
import io.kimp.backtest.market.CandleBookModel;
import io.kimp.backtest.market.CandleMarketSource;
import io.kimp.backtest.report.InputSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The three input files of a candle backtest, read once (both candle files at the same time, on two threads) and
 * replayed as often as a sweep needs.
 */
public record CandleInputs(CandleSeries upbit, CandleSeries binance, FxSeries fx) {

  /**
   * @param progress receives the bytes read so far across the three files
   * @throws BadInputException for a bad row when not lenient ({@code file:line: reason})
   * @throws UncheckedIOException when a file cannot be read
   */
  public static CandleInputs load(
      Path upbitFile, Path binanceFile, Path fxFile, boolean lenient, FxFile.Options fxOptions,
      LongConsumer progress) {
    for (Path p : List.of(upbitFile, binanceFile, fxFile)) {
      if (!Files.isReadable(p)) {
        throw new UncheckedIOException(new IOException("cannot read " + p + ": no such readable file"));
      }
    }
    AtomicLong upbitBytes = new AtomicLong();
    AtomicLong binanceBytes = new AtomicLong();
    LongConsumer total = b -> progress.accept(upbitBytes.get() + binanceBytes.get());
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "kimp-backtest-read");
      t.setDaemon(true);
      return t;
    });
    try {
      CompletableFuture<CandleSeries> upbit = CompletableFuture.supplyAsync(
          () -> CandleFile.read(upbitFile, lenient, b -> {
            upbitBytes.set(b);
            total.accept(b);
          }), pool);
      CompletableFuture<CandleSeries> binance = CompletableFuture.supplyAsync(
          () -> CandleFile.read(binanceFile, lenient, b -> {
            binanceBytes.set(b);
            total.accept(b);
          }), pool);
      FxSeries fx = FxFile.read(fxFile, lenient, fxOptions);
      return new CandleInputs(join(upbit), join(binance), fx);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /** The total size of the input files, for a progress bar. */
  public static long bytes(Path... files) {
    long n = 0;
    for (Path p : files) {
      try {
        n += Files.size(p);
      } catch (IOException e) {
        // unreadable files fail the load with a message of their own
      }
    }
    return n;
  }

  public CandleMarketSource source(String symbol, CandleBookModel books, long fromMs, long toMs) {
    return new CandleMarketSource(symbol, upbit, binance, fx, books, fromMs, toMs);
  }

  public List<InputSummary> summaries() {
    return List.of(
        InputSummary.of("upbit candles", upbit.size(), upbit.problems()),
        InputSummary.of("binance candles", binance.size(), binance.problems()),
        InputSummary.of(fx.daily() ? "fx daily" : "fx intraday", fx.size(), fx.problems()));
  }

  /** The step of the aligned series: the shorter candle length. */
  public long stepMs() {
    long a = upbit.intervalMs();
    long b = binance.intervalMs();
    return a > 0 && b > 0 ? Math.min(a, b) : Math.max(a, b);
  }
}
