package io.kimp.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.Venue;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.RawFrame;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.MarketUpdate;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.SimulatorConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * End to end, in one JVM on loopback: the exchange simulator's WebSocket servers (an actor system of their own) → the
 * live feeds (WebSocket client, parse, merge) → {@code MarketState} → {@code OpportunityDetector} → a decision. Two
 * phases per run:
 *
 * <ol>
 *   <li>throughput: the simulator sends as fast as the feeds take (backpressured), and the pipeline's decisions per second
 *       are measured after a warm-up;
 *   <li>latency at a fixed rate ({@code --rate}, default 20,000 msgs/s): tick-to-decision from the moment the simulator
 *       emitted the update to the moment the detector decided on it (Binance updates, matched by update id, so the time
 *       includes both WebSocket ends and the loopback), and from frame arrival to decision (every frame). HdrHistogram.
 * </ol>
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.kimp.bench.EndToEndBenchmark [--seconds 10] [--rate 20000]
 * [--format SIMPLE|DEFAULT]}
 */
public final class EndToEndBenchmark {
  private static final int RING = 1 << 22;

  private final AtomicLongArray emittedAt = new AtomicLongArray(RING);
  private final LongAdder decided = new LongAdder();
  private final AtomicBoolean recording = new AtomicBoolean();
  private volatile Histogram wire = newHistogram();
  private volatile Histogram inside = newHistogram();

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 10);
    int rate = intArg(args, "--rate", 20_000);
    String format = strArg(args, "--format", "SIMPLE");
    new EndToEndBenchmark().run(seconds, rate, format);
  }

  /** The machine's 1-minute load average: the numbers mean little when it is far above the core count. */
  private static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static Histogram newHistogram() {
    return new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
  }

  private void run(int seconds, int rate, String format) throws Exception {
    System.out.printf("end-to-end: %d cores, %s Upbit frames, JDK WebSocket client, %d s per phase, load average %.1f%n",
        Runtime.getRuntime().availableProcessors(), format, seconds, load());
    Result max = phase(0, seconds, format);
    System.out.printf("throughput (unthrottled):   %,12.0f msgs/s decided (%,.0f frames/s received)   "
            + "p50 %s  p99 %s  (emit→decision)%n",
        max.decidedPerSecond, max.framesPerSecond, us(max.wire, 50), us(max.wire, 99));
    System.out.println("  " + max.perMessage());
    Result fixed = phase(rate, seconds, format);
    System.out.printf("latency at %,d msgs/s:     %,12.0f msgs/s decided   %s%n", rate, fixed.decidedPerSecond,
        fixed.perMessage());
    System.out.printf("  emit→decision (Binance, through both WebSocket ends): p50 %s  p90 %s  p99 %s  p99.9 %s  max %s"
            + "  (n=%,d)%n",
        us(fixed.wire, 50), us(fixed.wire, 90), us(fixed.wire, 99), us(fixed.wire, 99.9),
        us(fixed.wire, 100), fixed.wire.getTotalCount());
    System.out.printf("  arrival→decision (every frame, inside kimp):         p50 %s  p90 %s  p99 %s  p99.9 %s  max %s"
            + "  (n=%,d)%n",
        us(fixed.inside, 50), us(fixed.inside, 90), us(fixed.inside, 99), us(fixed.inside, 99.9),
        us(fixed.inside, 100), fixed.inside.getTotalCount());
    System.out.printf("load average at the end: %.1f (other processes on this machine share its cores)%n", load());
  }

  private record Result(
      double decidedPerSecond, double framesPerSecond, Histogram wire, Histogram inside, CpuTime cpu, long decided) {
    /** CPU nanoseconds per decided message: the simulator's threads, and all others (kimp, client, JIT, GC). */
    String perMessage() {
      return String.format("CPU per msg: simulator %.2f µs, rest of the JVM (kimp, client, JIT, GC) %.2f µs",
          cpu.simulator / 1e3 / Math.max(1, decided), (cpu.process - cpu.simulator) / 1e3 / Math.max(1, decided));
    }
  }

  /**
   * CPU time used: by the whole process, and by the simulator's threads ({@code exchange-simulator*}, {@code venues-*}).
   * Unlike msgs/s, it does not depend on how much of the cores other processes took meanwhile.
   */
  private record CpuTime(long process, long simulator) {
    static CpuTime now() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long sim = 0;
      for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (t != null && (t.getThreadName().startsWith("exchange-simulator") || t.getThreadName().startsWith("venues-"))) {
          sim += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
        }
      }
      return new CpuTime(
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime(),
          sim);
    }

    CpuTime minus(CpuTime o) {
      return new CpuTime(process - o.process, simulator - o.simulator);
    }
  }

  private Result phase(int rate, int seconds, String format) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench");
    // the venues are not in kimp's JVM in production: the simulator (Netty servers and a pump thread of its own) gets an
    // actor system of its own too, for what it still runs on Pekko (the TCP fault proxy, off here), so that nothing of
    // it shares kimp's dispatcher
    ActorSystem<Void> venues =
        ActorSystem.create(
            Behaviors.empty(), "venues",
            ConfigFactory.parseString(
                    "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = "
                        + Runtime.getRuntime().availableProcessors())
                .withFallback(ConfigFactory.load()));
    SimulatorConfig sc =
        SimulatorConfig.defaults().withUpdatesPerSecond(rate).withFaultProxy(false)
            .withPremium(0.2, 0.1, Duration.ofSeconds(30));
    ExchangeSimulator sim = ExchangeSimulator.start(venues, sc).toCompletableFuture().get(10, TimeUnit.SECONDS);
    sim.onUpdate(this::emitted);
    Config c =
        ConfigFactory.parseString(
                "kimp.feeds.upbit.websocket-url = \"" + sim.upbitWebSocketUrl() + "\"\n"
                    + "kimp.feeds.binance.websocket-url = \"" + sim.binanceWebSocketUrl() + "\"\n"
                    + "kimp.feeds.upbit.format = " + format + "\n"
                    + "kimp.feeds.idle-timeout = 60s\n")
            .withFallback(ConfigFactory.load());
    FeedSettings s = FeedSettings.from(c);
    MarketFeeds feeds =
        MarketFeeds.start(system, s, s.detector(c), o -> {}, MarketFeeds.Options.none().withProbe(this::decided));
    try {
      Thread.sleep(Math.max(3_000, seconds * 300L)); // warm-up: JIT, connections, books
      wire = newHistogram();
      inside = newHistogram();
      long frames0 = feeds.connections().stream().mapToLong(x -> x.frames()).sum();
      long decided0 = decided.sum();
      CpuTime cpu0 = CpuTime.now();
      long t0 = System.nanoTime();
      recording.set(true);
      Thread.sleep(seconds * 1000L);
      recording.set(false);
      long t1 = System.nanoTime();
      CpuTime cpu = CpuTime.now().minus(cpu0);
      double secs = (t1 - t0) / 1e9;
      long frames1 = feeds.connections().stream().mapToLong(x -> x.frames()).sum();
      long n = decided.sum() - decided0;
      return new Result(n / secs, (frames1 - frames0) / secs, wire, inside, cpu, n);
    } finally {
      feeds.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sim.close();
      system.terminate();
      venues.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
      venues.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  private void emitted(MarketUpdate u) {
    if (u.venue() == SimVenue.BINANCE) {
      emittedAt.set((int) (u.seq() & (RING - 1)), u.sentNanos());
    }
  }

  private void decided(RawFrame f, io.kimp.core.market.MarketState.Applied applied, int offered) {
    decided.increment();
    if (!recording.get()) {
      return;
    }
    long now = System.nanoTime();
    if (f.receivedNanos() > 0) {
      inside.recordValue(Math.max(0, now - f.receivedNanos()));
    }
    MarketEvent e = f.event();
    if (e.sequence() >= 0 && (e instanceof MarketEvent.BookEvent b ? b.venue() == Venue.BINANCE
        : e instanceof MarketEvent.TradeEvent t && t.venue() == Venue.BINANCE)) {
      long sent = emittedAt.get((int) (e.sequence() & (RING - 1)));
      if (sent > 0 && now > sent) {
        wire.recordValue(Math.min(now - sent, TimeUnit.SECONDS.toNanos(10)));
      }
    }
  }

  private static String us(Histogram h, double percentile) {
    if (h.getTotalCount() == 0) {
      return "n/a";
    }
    long v = percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
    return String.format("%.0f µs", v / 1000.0);
  }

  private static int intArg(String[] args, String name, int def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return def;
  }

  private static String strArg(String[] args, String name, String def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return def;
  }
}
