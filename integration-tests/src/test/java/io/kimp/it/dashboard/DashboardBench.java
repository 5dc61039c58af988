package io.kimp.it.dashboard;

import com.typesafe.config.Config;
import io.kimp.app.http.AdminServer;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.core.market.Book;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.Venue;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.it.TestNodes;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard's push under load — a benchmark that prints numbers, not a test (it runs only with
 * {@code -Dkimp.bench=dashboard}): {@code coins} coins ticking {@code rate} times a second each into a real node's market
 * state, {@code dashboards} connected consoles ({@code browsers} of them real headless Chromiums, the rest plain SSE
 * clients in their own processes, {@code curl -N}). Printed: the node's CPU for the push (the JVM's CPU with every
 * console connected, minus the same load with none, as a share of one core), and in the browsers the time from a tick's
 * arrival at the node (its receive time, carried in the event) to the frame that painted it (p50/p95/p99), for the
 * rows on screen only: an update of a row off screen is applied but not painted (the page skips those rows), so it is
 * counted apart. Also printed: the CPU of every Chromium process per frame with rows and per row updated, and Chrome's
 * own script, style and layout time for the pages (CDP {@code Performance.getMetrics}), to see where a frame goes.
 *
 * <pre>
 * mvn -B -pl integration-tests -am test -Dtest=DashboardBench -Dkimp.bench=dashboard \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dkimp.bench.coins=200 -Dkimp.bench.rate=4 -Dkimp.bench.dashboards=50
 *     -Dkimp.bench.browsers=3 -Dkimp.bench.seconds=30]
 * </pre>
 */
class DashboardBench {

  @Test
  void dashboardPush() throws Exception {
    Assumptions.assumeTrue("dashboard".equals(System.getProperty("kimp.bench")), "a benchmark: -Dkimp.bench=dashboard");
    int coins = Integer.getInteger("kimp.bench.coins", 200);
    int rate = Integer.getInteger("kimp.bench.rate", 4);
    int dashboards = Integer.getInteger("kimp.bench.dashboards", 50);
    int browsers = Integer.getInteger("kimp.bench.browsers", 3);
    int seconds = Integer.getInteger("kimp.bench.seconds", 30);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);

    MarketState market = MarketState.live(Duration.ofSeconds(10));
    String db = TestNodes.database("h2");
    Path dir = TestDatabases.tempDir("kimp-dash-bench-");
    Config config = TestNodes.config(db, "kimp.admin.port = 0\nkimp.data-dir = \"" + dir + "\"");
    KimpNode node = KimpNode.start(config,
        new NodeComponents(TestNodes.exchange().venues(), market, new RecordingAlertSink(), Clock.systemUTC()));
    AdminServer server = AdminServer.start(node, io.kimp.app.config.KimpSettings.from(config).admin(),
        io.kimp.app.dashboard.BacktestsPage.fromConfig(config));
    String base = "http://127.0.0.1:" + server.port();
    String token = Files.readString(dir.resolve("admin.token")).trim();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ticks = new AtomicLong();
    Thread feeder = new Thread(() -> feed(market, coins, rate, running, ticks), "bench-feeder");
    feeder.setDaemon(true);
    feeder.start();
    List<Process> clients = new ArrayList<>();
    List<Browser> open = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    try {
      Thread.sleep(5_000); // warm-up: every coin priced, the JIT at work (a benchmark's settle time, not a test wait)
      double idle = cpuShare(seconds);

      for (int i = 0; i < browsers; i++) {
        Browser b = Browser.open(base);
        open.add(b);
        b.signIn(token);
        b.await(d -> d.findElements(By.cssSelector("#board tbody tr")).size() == coins);
      }
      for (int i = browsers; i < dashboards; i++) {
        String cookie = Browser.session(base, token);
        clients.add(new ProcessBuilder("curl", "-sN", "-o", "/dev/null", "-H", "Cookie: kimp_session=" + cookie,
            base + "/ui/events").redirectErrorStream(true).start());
      }
      Thread.sleep(5_000);
      List<java.util.Map<String, Double>> metrics0 = new ArrayList<>();
      for (Browser b : open) {
        b.driver().executeScript("window.__kimpLatency.length = 0; window.__kimpFrames = 0; "
            + "if (window.__kimpOffscreen) window.__kimpOffscreen.length = 0");
        b.driver().executeCdpCommand("Performance.enable", java.util.Map.of());
        metrics0.add(metrics(b));
      }
      long ticksBefore = ticks.get();
      long browserCpu0 = browserCpuNanos();
      long wall0 = System.nanoTime();
      double loaded = cpuShare(seconds);
      double browserShare = (browserCpuNanos() - browserCpu0) / (double) (System.nanoTime() - wall0);
      long ticked = ticks.get() - ticksBefore;
      java.util.Map<String, Double> renderer = new java.util.TreeMap<>();
      long frames = 0;
      for (int i = 0; i < open.size(); i++) {
        java.util.Map<String, Double> m1 = metrics(open.get(i));
        for (String k : RENDERER_METRICS) {
          renderer.merge(k, m1.getOrDefault(k, 0.0) - metrics0.get(i).getOrDefault(k, 0.0), Double::sum);
        }
        frames += ((Number) open.get(i).driver().executeScript("return window.__kimpFrames || 0")).longValue();
      }
      List<Double> latency = new ArrayList<>();
      for (Browser b : open) {
        @SuppressWarnings("unchecked")
        List<Number> l = (List<Number>) b.driver().executeScript("return window.__kimpLatency.slice()");
        l.forEach(n -> latency.add(n.doubleValue()));
      }
      latency.sort(Double::compare);
      List<Double> offscreen = new ArrayList<>();
      for (Browser b : open) {
        @SuppressWarnings("unchecked")
        List<Number> l = (List<Number>) b.driver().executeScript("return (window.__kimpOffscreen || []).slice()");
        l.forEach(n -> offscreen.add(n.doubleValue()));
      }
      offscreen.sort(Double::compare);
      if (!open.isEmpty()) {
        open.get(0).screenshot("bench-board");
      }
      int alive = (int) clients.stream().filter(Process::isAlive).count();
      out.append(String.format(Locale.ROOT,
          "dashboard push: %d coins × %d ticks/s (%.0f ticks/s applied), %d dashboards (%d browsers, %d SSE clients alive), "
              + "%d s windows on %d cores%n",
          coins, rate, ticked / (double) seconds, dashboards, browsers, alive, seconds,
          Runtime.getRuntime().availableProcessors()));
      out.append(String.format(Locale.ROOT,
          "node CPU: %.1f %% of one core with no dashboard, %.1f %% with %d: the push costs %.1f %% of one core%n",
          idle * 100, loaded * 100, dashboards, (loaded - idle) * 100));
      out.append(String.format(Locale.ROOT,
          "tick arrival → paint in the browsers: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (%d rows painted)%n",
          pct(latency, 50), pct(latency, 95), pct(latency, 99), pct(latency, 100), latency.size()));
      out.append(String.format(Locale.ROOT,
          "rows updated off screen (applied, not painted, not counted above): %d, applied in p50 %.1f ms, p95 %.1f ms%n",
          offscreen.size(), pct(offscreen, 50), pct(offscreen, 95)));
      out.append(String.format(Locale.ROOT,
          "browsers: %.1f %% of one core for all %d (every Chromium process); %d frames with rows, %.2f ms of browser CPU "
              + "per such frame, %.0f µs per row updated (on screen or off)%n",
          browserShare * 100, browsers, frames, browserShare * seconds * 1000 / Math.max(1, frames),
          browserShare * seconds * 1e6 / Math.max(1, latency.size() + offscreen.size())));
      if (!open.isEmpty()) {
        out.append(String.format(Locale.ROOT,
            "renderer main threads (summed, per second of window): task %.0f ms, script %.0f ms, style %.0f ms "
                + "(%.0f recalcs), layout %.0f ms (%.0f layouts)%n",
            renderer.get("TaskDuration") * 1000 / seconds, renderer.get("ScriptDuration") * 1000 / seconds,
            renderer.get("RecalcStyleDuration") * 1000 / seconds, renderer.get("RecalcStyleCount") / seconds,
            renderer.get("LayoutDuration") * 1000 / seconds, renderer.get("LayoutCount") / seconds));
      }
      System.out.print(out);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "dashboard-bench.txt"), out.toString());
    } finally {
      running.set(false);
      clients.forEach(Process::destroy);
      open.forEach(Browser::close);
      server.close();
      node.close();
      TestNodes.dropDatabase(db);
    }
  }

  private static final List<String> RENDERER_METRICS = List.of("TaskDuration", "ScriptDuration", "RecalcStyleDuration",
      "RecalcStyleCount", "LayoutDuration", "LayoutCount");

  /** Chrome's own counters for the page's renderer (CDP {@code Performance.getMetrics}: seconds and counts). */
  private static java.util.Map<String, Double> metrics(Browser b) {
    @SuppressWarnings("unchecked")
    List<java.util.Map<String, Object>> list = (List<java.util.Map<String, Object>>)
        b.driver().executeCdpCommand("Performance.getMetrics", java.util.Map.of()).get("metrics");
    java.util.Map<String, Double> m = new java.util.HashMap<>();
    for (java.util.Map<String, Object> e : list) {
      m.put((String) e.get("name"), ((Number) e.get("value")).doubleValue());
    }
    return m;
  }

  /** CPU time of every Chromium process this JVM started (through chromedriver): browser, renderer, GPU, utility. */
  private static long browserCpuNanos() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
        .sum();
  }

  /** The JVM's CPU time over {@code seconds} of wall time, as a share of one core. */
  private static double cpuShare(int seconds) throws InterruptedException {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    return (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0);
  }

  private static double pct(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  /** One writer: every coin's books on both venues, {@code rate} updates a second per coin, alternating venues. */
  private static void feed(MarketState market, int coins, int rate, AtomicBoolean running, AtomicLong ticks) {
    Random random = new Random(7);
    double[] price = new double[coins];
    long[] next = new long[coins];
    long period = 1000 / rate;
    long start = System.currentTimeMillis();
    for (int i = 0; i < coins; i++) {
      price[i] = 1 + random.nextDouble() * 100;
      next[i] = start + random.nextInt((int) period);
      long now = System.currentTimeMillis();
      market.apply(new MarketEvent.BookEvent(book(Venue.UPBIT, i, price[i] * 1400 * 1.02, now), false, now,
          MarketEvent.NO_SEQUENCE));
      market.apply(new MarketEvent.BookEvent(book(Venue.BINANCE, i, price[i], now), false, now,
          MarketEvent.NO_SEQUENCE));
    }
    long lastRate = 0;
    int tick = 0;
    while (running.get()) {
      long now = System.currentTimeMillis();
      if (now - lastRate >= 1000) {
        market.apply(new MarketEvent.BookEvent(
            Book.top(Venue.UPBIT, MarketState.USDT, 1399.5, 1e6, 1400.5, 1e6, now), false, now, MarketEvent.NO_SEQUENCE));
        lastRate = now;
      }
      for (int i = 0; i < coins; i++) {
        if (now >= next[i]) {
          price[i] *= 1 + (random.nextDouble() - 0.5) * 0.002;
          boolean upbit = (tick++ & 1) == 0;
          Book b = upbit ? book(Venue.UPBIT, i, price[i] * 1400 * (1.02 + random.nextDouble() * 0.01), now)
              : book(Venue.BINANCE, i, price[i], now);
          market.apply(new MarketEvent.BookEvent(b, false, System.currentTimeMillis(), MarketEvent.NO_SEQUENCE));
          ticks.incrementAndGet();
          next[i] += period;
        }
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static Book book(Venue venue, int coin, double mid, long ts) {
    double spread = mid * 0.0005;
    return Book.top(venue, "C" + coin, mid - spread, 1000, mid + spread, 1000, ts);
  }
}
