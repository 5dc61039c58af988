package io.kimp.backtest.cli;

import com.typesafe.config.ConfigFactory;
import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.CandleInputs;
import io.kimp.backtest.bench.SyntheticMarket;
import io.kimp.backtest.data.CandleFile;
import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.sim.Backtest;
import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.data.FxFile;
import io.kimp.backtest.sim.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kimp bench backtest}: how fast the backtest reads candles (the target is at least 1 M rows/s on this machine
 * class) and replays them, on generated files of at least 10 M rows, written to a temporary directory, never the
 * repository.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description = "Candle rows/s of the backtest's readers, and moments/s of the replay, on generated data.")
public final class BacktestBenchCommand implements Callable<Integer> {
  static final double TARGET_ROWS_PER_SECOND = 1_000_000;

  @Option(names = "--rows", description = "Rows per venue file (default ${DEFAULT-VALUE})")
  long rows = 10_000_000;

  @Option(names = "--interval-seconds", description = "Candle length of the generated data (default ${DEFAULT-VALUE})")
  long intervalSeconds = 60;

  @Option(names = "--iterations", description = "Timed reads of each kind (default ${DEFAULT-VALUE})")
  int iterations = 3;

  @Option(names = "--replay-moments",
      description = "Moments replayed through the live rules (0: skip; default ${DEFAULT-VALUE})")
  long replayMoments = 1_000_000;

  @Option(names = "--dir", description = "Where to generate (default: a new temporary directory, deleted afterwards)")
  Path dir;

  @Option(names = "--keep", description = "Keep the generated files")
  boolean keep;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path work = dir != null ? dir : Files.createTempDirectory("kimp-bench-backtest");
    try {
      long t0 = System.nanoTime();
      SyntheticMarket.Files3 f = SyntheticMarket.write(work, rows, intervalSeconds, 7);
      double gen = seconds(t0);
      long bytes = Files.size(f.upbit()) + Files.size(f.binance());
      out.printf(Locale.ROOT, "kimp bench backtest: %,d rows per venue file (%d-second candles), %,d MiB, in %s"
          + " (generated in %.1f s)%n", rows, intervalSeconds, bytes >> 20, work, gen);
      out.printf(Locale.ROOT, "java %s, %d cores, max heap %,d MiB%n", System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
      out.flush();

      List<Double> single = new ArrayList<>();
      List<Double> both = new ArrayList<>();
      CandleInputs inputs = null;
      for (int i = 1; i <= iterations; i++) {
        long s = System.nanoTime();
        CandleSeries b = CandleFile.read(f.binance(), false);
        double secs = seconds(s);
        single.add(b.size() / secs);
        out.printf(Locale.ROOT, "  read 1 file, 1 thread   run %d: %,d rows in %.2f s = %,.0f rows/s%n", i, b.size(),
            secs, b.size() / secs);
        out.flush();
        inputs = null; // let the previous run's arrays go before the next
        s = System.nanoTime();
        inputs = CandleInputs.load(f.upbit(), f.binance(), f.fx(), true,
            FxFile.Options.defaults(), x -> {});
        secs = seconds(s);
        long n = (long) inputs.upbit().size() + inputs.binance().size() + inputs.upbit().problems().skipped();
        both.add(n / secs);
        out.printf(Locale.ROOT, "  read 2 files, 2 threads run %d: %,d rows in %.2f s = %,.0f rows/s"
            + " (%,d bad rows counted)%n", i, n, secs, n / secs, inputs.upbit().problems().skipped());
        out.flush();
      }
      double bestSingle = Collections.max(single);
      double bestBoth = Collections.max(both);
      out.printf(Locale.ROOT, "candle rows/s: one file %,.0f (median %,.0f), both files %,.0f (median %,.0f);"
              + " target %,.0f: %s%n", bestSingle, median(single), bestBoth, median(both), TARGET_ROWS_PER_SECOND,
          median(single) >= TARGET_ROWS_PER_SECOND ? "met" : "MISSED");

      if (replayMoments > 0 && inputs != null) {
        BacktestSettings settings = BacktestSettings.from(ConfigFactory.parseMap(Map.of(
            "kimp.portfolio.capital-krw", "100000000", "kimp.risk.max-exposure-krw", "100000000",
            "kimp.portfolio.fixed-amount-krw", "100000000", "kimp.strategy.min-spread-percent", "0.5",
            "kimp.transfer.deposit-timeout", "2h"), "bench").withFallback(ConfigFactory.load()).resolve(), "BTC");
        long to = inputs.binance().time((int) Math.min(inputs.binance().size() - 1, replayMoments));
        long s = System.nanoTime();
        BacktestResult r = new Backtest(settings).run(
            inputs.source("BTC", settings.books(), Long.MIN_VALUE, to), ProgressListener.NONE);
        double secs = seconds(s);
        out.printf(Locale.ROOT, "replay: %,d moments through OpportunityRule/Sizing/CycleRules in %.2f s = %,.0f"
                + " moments/s (%,d cycle decisions, %d cycles closed)%n", r.premium().size(), secs,
            r.premium().size() / secs, r.decisions(), r.trades().size());
      }
      out.flush();
      return 0;
    } finally {
      if (!keep) {
        delete(work);
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
