package io.kimp.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * {@link ParsePremiumBenchmark}'s operations measured per CPU-second instead of per wall-clock second: the measuring
 * thread's CPU time plus the garbage collectors' time. That is what one core does when it is ours, and it holds still
 * while other processes load the machine, where JMH's score falls with the load (on the shared 2-core machine the two
 * differ by a factor of two and more). Not a replacement for JMH (no forks, no blackhole): a second, load-robust reading.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.kimp.bench.ParsePremiumCpuTime [SIMPLE|DEFAULT] [operation…]}
 * (operations: the benchmark's method names; default: the mixed stream, with odd frames, and Jackson-only)
 */
public final class ParsePremiumCpuTime {
  private static final int WARM_UP = 4_000_000;
  private static final int ROUND = 2_000_000;
  private static final int ROUNDS = 5;

  private ParsePremiumCpuTime() {}

  public static void main(String[] args) {
    String format = args.length > 0 ? args[0] : "SIMPLE";
    ParsePremiumBenchmark b = new ParsePremiumBenchmark();
    b.upbitFormat = format;
    b.setup();
    Map<String, IntSupplier> ops = new LinkedHashMap<>();
    ops.put("mixedUpbitTickerBinanceBookTicker", b::mixedUpbitTickerBinanceBookTicker);
    ops.put("mixedWithOddFrames", b::mixedWithOddFrames);
    ops.put("jacksonOnlyMixedUpbitTickerBinanceBookTicker", b::jacksonOnlyMixedUpbitTickerBinanceBookTicker);
    ops.put("upbitTicker", b::upbitTicker);
    ops.put("upbitOrderbook", b::upbitOrderbook);
    ops.put("upbitTrade", b::upbitTrade);
    ops.put("binanceBookTicker", b::binanceBookTicker);
    ops.put("binanceTrade", b::binanceTrade);
    ops.put("binanceDepth5", b::binanceDepth5);
    String[] chosen =
        args.length > 1
            ? Arrays.copyOfRange(args, 1, args.length)
            : new String[] {
              "mixedUpbitTickerBinanceBookTicker", "mixedWithOddFrames", "jacksonOnlyMixedUpbitTickerBinanceBookTicker"
            };
    System.out.printf("%s Upbit frames, load average %.1f%n", format, load());
    for (String name : chosen) {
      IntSupplier op = ops.get(name);
      if (op == null) {
        throw new IllegalArgumentException("no operation " + name + "; one of " + ops.keySet());
      }
      System.out.printf("%-46s %,12.0f msgs per CPU-second (best of %d rounds)%n", name, measure(op), ROUNDS);
    }
    System.out.printf("load average at the end %.1f%n", load());
    b.report(); // how many events were refused as implausible (0: every frame took the whole path)
  }

  private static double measure(IntSupplier op) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int i = 0; i < WARM_UP; i++) {
      sink += op.getAsInt();
    }
    double best = 0;
    for (int r = 0; r < ROUNDS; r++) {
      long gc0 = gcMillis();
      long cpu0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < ROUND; i++) {
        sink += op.getAsInt();
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpu0 + (gcMillis() - gc0) * 1_000_000;
      best = Math.max(best, ROUND / (cpu / 1e9));
    }
    if (sink == Long.MIN_VALUE) {
      System.out.println(); // keeps the results alive
    }
    return best;
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }

  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
