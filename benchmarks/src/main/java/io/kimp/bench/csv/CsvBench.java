package io.kimp.bench.csv;

import io.kimp.backtest.bench.SyntheticMarket;
import io.kimp.backtest.data.BadInputException;
import io.kimp.backtest.data.CandleFile;
import io.kimp.backtest.data.CandleSeries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
 * {@code kimp bench csv}: the backtest's hand-written candle reader against readers on maintained CSV libraries (issue
 * 12: a library replaces it if it still reads at least 2 M rows/s), side by side in one JVM on the same files, each
 * producing the same {@link CandleSeries} (checked value by value) with the same row checks (checked on bad rows).
 */
@Command(
    name = "csv",
    mixinStandardHelpOptions = true,
    description = "Candle rows/s of the backtest's own CSV reader and of FastCSV, Jackson CSV and Commons CSV readers "
        + "producing the same series, side by side (median of rounds), on a generated file and the shared real file.")
public final class CsvBench implements Callable<Integer> {
  /** The bar for a library reader. */
  static final double LIBRARY_TARGET_ROWS_PER_SECOND = 2_000_000;

  @Option(names = "--rows", description = "Rows of the generated file (default ${DEFAULT-VALUE})")
  long rows = 5_000_000;

  @Option(names = "--rounds", description = "Timed rounds; every reader reads once per round (default ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(names = "--real-file", description = "The real candle file (default: ../shared/data/btc-2025/upbit_KRW-BTC_5m.csv"
      + " beside the checkout, or $KIMP_SHARED_DIR/data/btc-2025/…; skipped when absent)")
  Path realFile;

  @Option(names = "--real-repeat", description = "Reads of the real file per reader and round (default ${DEFAULT-VALUE})")
  int realRepeat = 100;

  @Option(names = "--dir", description = "Where to generate (default: a new temporary directory, deleted afterwards)")
  Path dir;

  @Spec CommandSpec spec;

  /**
   * One reader under test: a name, how it reads a file into a series ({@code null} for a contender that only tokenizes)
   * and how many rows it got.
   */
  record Contender(String name, SeriesRead series, CountRead count) {
    static Contender full(String name, SeriesRead series) {
      return new Contender(name, series, f -> series.read(f).size());
    }

    boolean full() {
      return series != null;
    }
  }

  @FunctionalInterface
  interface SeriesRead {
    CandleSeries read(Path file) throws IOException;
  }

  @FunctionalInterface
  interface CountRead {
    long rows(Path file) throws IOException;
  }

  static List<Contender> contenders() {
    return List.of(
        Contender.full("hand-written (CsvScanner)", f -> CandleFile.read(f, false)),
        Contender.full("FastCSV 4.3.1", f -> CsvLibraryReaders.fastCsv(f, false)),
        Contender.full("Jackson CSV 2.19.2", f -> CsvLibraryReaders.jacksonCsv(f, false)),
        Contender.full("Commons CSV 1.14.1", f -> CsvLibraryReaders.commonsCsv(f, false)),
        new Contender("FastCSV records only", null, CsvLibraryReaders::fastCsvRecordsOnly));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path work = dir != null ? dir : Files.createTempDirectory("kimp-bench-csv");
    try {
      out.printf(Locale.ROOT, "kimp bench csv: java %s, %d cores, max heap %,d MiB; load average at start: %s%n",
          System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() >> 20, loadAverage());
      SyntheticMarket.Files3 f = SyntheticMarket.write(work, rows, 60, 7);
      Path generated = f.binance();
      out.printf(Locale.ROOT, "generated %,d rows (%,d MiB): %s%n", rows, Files.size(generated) >> 20, generated);
      out.flush();
      List<Contender> all = contenders();
      checkSameValues(out, all, generated);
      Map<String, Double> gen = measure(out, all, generated, 1);
      Path real = realFile != null ? realFile : sharedRealFile();
      Map<String, Double> realRates = null;
      if (real != null && Files.isRegularFile(real)) {
        checkSameValues(out, all, real);
        realRates = measure(out, all, real, realRepeat);
      } else {
        out.println("real file not found (" + real + "): skipped");
      }
      checkSameProblems(out, work);
      table(out, all, gen, realRates);
      out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
      out.flush();
      return 0;
    } finally {
      if (dir == null) {
        delete(work);
      }
    }
  }

  /** Rows/s per contender: the median over the rounds; each round runs the contenders in a rotated order. */
  private Map<String, Double> measure(PrintWriter out, List<Contender> all, Path file, int repeat) throws IOException {
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (Contender c : all) {
      rates.put(c.name(), new ArrayList<>());
      c.count().rows(file); // warm-up
    }
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < all.size(); k++) {
        Contender c = all.get((k + round) % all.size());
        long n = 0;
        long t0 = System.nanoTime();
        for (int r = 0; r < repeat; r++) {
          n += c.count().rows(file);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        rates.get(c.name()).add(n / secs);
        out.printf(Locale.ROOT, "  %s round %d %-28s %,12.0f rows/s%n", file.getFileName(), round + 1, c.name(),
            n / secs);
        out.flush();
      }
    }
    Map<String, Double> medians = new LinkedHashMap<>();
    rates.forEach((k, v) -> medians.put(k, median(v)));
    return medians;
  }

  private static void table(PrintWriter out, List<Contender> all, Map<String, Double> gen, Map<String, Double> real) {
    String base = all.get(0).name();
    out.printf(Locale.ROOT, "%n%-28s %16s %8s %16s %8s%n", "reader (median rows/s)", "generated", "ratio", "real file",
        "ratio");
    for (Contender c : all) {
      double g = gen.get(c.name());
      out.printf(Locale.ROOT, "%-28s %,16.0f %8.2f", c.name(), g, g / gen.get(base));
      if (real != null) {
        out.printf(Locale.ROOT, " %,16.0f %8.2f", real.get(c.name()), real.get(c.name()) / real.get(base));
      }
      out.println();
    }
    Contender best = all.stream().skip(1).filter(Contender::full)
        .max(Comparator.comparingDouble(c -> gen.get(c.name()))).orElseThrow();
    double ratio = gen.get(best.name()) / gen.get(base);
    out.printf(Locale.ROOT, "best library reader: %s at %.2f of the hand-written reader (%,.0f rows/s here); the bar is"
            + " %,.0f rows/s, i.e. a ratio of %.2f against the hand-written reader's quiet 4.8 M rows/s: %s%n",
        best.name(), ratio, gen.get(best.name()), LIBRARY_TARGET_ROWS_PER_SECOND, LIBRARY_TARGET_ROWS_PER_SECOND / 4.8e6,
        ratio * 4.8e6 >= LIBRARY_TARGET_ROWS_PER_SECOND ? "reached" : "not reached");
  }

  /** Every full reader must produce the hand-written reader's series, value by value. */
  private static void checkSameValues(PrintWriter out, List<Contender> all, Path file) throws IOException {
    CandleSeries expected = all.get(0).series().read(file);
    for (Contender c : all.subList(1, all.size())) {
      if (!c.full()) {
        continue;
      }
      String diff = difference(expected, c.series().read(file));
      out.printf(Locale.ROOT, "  values of %-24s on %s: %s%n", c.name(), file.getFileName(),
          diff == null ? "identical (" + expected.size() + " rows)" : "DIFFERENT: " + diff);
      if (diff != null) {
        throw new IllegalStateException(c.name() + " reads " + file + " differently: " + diff);
      }
    }
  }

  static String difference(CandleSeries a, CandleSeries b) {
    if (a.size() != b.size()) {
      return "rows " + a.size() + " vs " + b.size();
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.time(i) != b.time(i) || Double.compare(a.close(i), b.close(i)) != 0
          || Double.compare(a.volume(i), b.volume(i)) != 0) {
        return "row " + i + ": " + a.time(i) + "/" + a.close(i) + "/" + a.volume(i) + " vs " + b.time(i) + "/"
            + b.close(i) + "/" + b.volume(i);
      }
    }
    return null;
  }

  /** Bad rows: each reader's message (strict) next to the hand-written reader's. */
  private static void checkSameProblems(PrintWriter out, Path work) throws IOException {
    String head = "timestamp,open,high,low,close,volume\n";
    String good = "2025-05-28 18:10:00,100,110,90,105,1.5\n";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("bad number", head + good + "2025-05-28 18:15:00,100,1x0,90,105,1\n");
    cases.put("bad timestamp", head + good + "2025-13-28 18:15:00,100,110,90,105,1\n");
    cases.put("too few fields", head + good + "2025-05-28 18:15:00,100,110,90\n");
    cases.put("not ascending", head + good + "2025-05-28 18:10:00,100,110,90,105,1\n");
    cases.put("inconsistent candle", head + good + "2025-05-28 18:15:00,100,99,90,105,1\n");
    cases.put("header without volume", "timestamp,open,high,low,close\n" + good);
    out.println("bad rows, strict (the message each reader gives, against the hand-written reader's):");
    List<Contender> all = contenders();
    for (Map.Entry<String, String> e : cases.entrySet()) {
      Path f = work.resolve("bad-" + e.getKey().replace(' ', '-') + ".csv");
      Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
      String expected = message(all.get(0), f);
      out.printf(Locale.ROOT, "  %-22s %s%n", e.getKey() + ":", expected);
      for (Contender c : all.subList(1, all.size())) {
        if (c.full()) {
          String m = message(c, f);
          out.printf(Locale.ROOT, "    %-26s %s%n", c.name(), m.equals(expected) ? "same" : "DIFFERENT: " + m);
        }
      }
    }
  }

  private static String message(Contender c, Path f) {
    try {
      c.series().read(f);
      return "(accepted)";
    } catch (BadInputException e) {
      return e.getMessage();
    } catch (IOException | RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  static Path sharedRealFile() {
    String shared = System.getenv("KIMP_SHARED_DIR");
    Path base = shared != null ? Paths.get(shared) : Paths.get("..", "shared");
    return base.resolve("data/btc-2025/upbit_KRW-BTC_5m.csv").toAbsolutePath().normalize();
  }

  static String loadAverage() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static void delete(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
