package io.kimp.app.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.app.http.ApiJson;
import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.CandleInputs;
import io.kimp.backtest.data.BadInputException;
import io.kimp.backtest.data.Timestamps;
import io.kimp.backtest.report.HtmlReport;
import io.kimp.backtest.report.Kpis;
import io.kimp.backtest.report.ReportWriter;
import io.kimp.backtest.sim.Backtest;
import io.kimp.backtest.sim.BacktestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's backtests: candle CSV files from one configured directory ({@code kimp.dashboard.backtests.data-dir}),
 * replayed by the backtest module ({@link CandleInputs}, {@link Backtest}, {@link ReportWriter}, {@link HtmlReport}) on a
 * thread of its own, one run at a time per node; reports written under {@code reports-dir}, one directory per run.
 * Progress goes to every watching browser as Server-Sent Events. A file is named by its bare name, or
 * {@code uploads/<name>} for one uploaded from the page ({@link BacktestUploads}): a request naming any other path (a
 * separator, {@code ..}, an absolute path) or anything outside the directory is refused.
 */
public final class Backtests {
  private static final Logger log = LoggerFactory.getLogger(Backtests.class);
  private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{1,15}");
  private static final Pattern REPORT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final DateTimeFormatter RUN_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A request the page must correct: its message goes beside the form, its field (if any) beside the field. */
  public static final class Refused extends RuntimeException {
    private final int status;
    private final String field;

    Refused(int status, String field, String message) {
      super(message, null, false, false);
      this.status = status;
      this.field = field;
    }

    public int status() {
      return status;
    }

    public String field() {
      return field;
    }
  }

  private final Path dataDir;
  private final Path reportsDir;
  private final Config config;
  private final Executor worker;
  private final AtomicReference<ObjectNode> current = new AtomicReference<>();
  private final Set<SourceQueueWithComplete<String>> watchers = new CopyOnWriteArraySet<>();

  public Backtests(Path dataDir, Path reportsDir, Config config) {
    this(dataDir, reportsDir, config, Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kimp-dashboard-backtest");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    }));
  }

  /** @param worker where runs go (a thread of their own: never the HTTP or actor dispatchers) */
  Backtests(Path dataDir, Path reportsDir, Config config, Executor worker) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.reportsDir = reportsDir.toAbsolutePath().normalize();
    this.config = config;
    this.worker = worker;
  }

  public static Backtests fromConfig(Config config) {
    return new Backtests(Path.of(config.getString("kimp.dashboard.backtests.data-dir")),
        Path.of(config.getString("kimp.dashboard.backtests.reports-dir")), config);
  }

  // ---- what the page lists

  /** The CSV files to choose from, the past reports (newest first), and the run in progress (or the last one). */
  public Map<String, Object> overview() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataDir", dataDir.toString());
    m.put("files", files());
    m.put("reports", reports());
    m.put("run", current.get());
    return m;
  }

  private List<Map<String, Object>> files() {
    List<Map<String, Object>> out = new ArrayList<>();
    csvFiles(dataDir, "", out);
    csvFiles(dataDir.resolve(BacktestUploads.DIR), BacktestUploads.DIR + "/", out);
    return out;
  }

  /** The CSV files directly in {@code dir}, named {@code prefix + name}. */
  private static void csvFiles(Path dir, String prefix, List<Map<String, Object>> out) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
          .sorted()
          .forEach(p -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", prefix + p.getFileName());
            f.put("bytes", size(p));
            out.add(f);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private List<Map<String, Object>> reports() {
    List<Map<String, Object>> out = new ArrayList<>();
    if (!Files.isDirectory(reportsDir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(reportsDir)) {
      s.filter(p -> Files.isRegularFile(p.resolve(HtmlReport.FILE)))
          .sorted((a, b) -> b.getFileName().compareTo(a.getFileName()))
          .forEach(p -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", p.getFileName().toString());
            r.put("href", "/ui/reports/" + p.getFileName() + "/" + HtmlReport.FILE);
            try {
              r.put("writtenAt", Files.getLastModifiedTime(p.resolve(HtmlReport.FILE)).toInstant().toString());
              Path json = p.resolve(ReportWriter.REPORT_JSON);
              if (Files.isRegularFile(json)) {
                JsonNode k = ApiJson.MAPPER.readTree(json.toFile()).path("kpis");
                if (!k.isMissingNode()) {
                  r.put("kpis", k);
                }
              }
            } catch (IOException e) {
              r.put("problem", e.getMessage());
            }
            out.add(r);
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + reportsDir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** A file of a report, by the report's directory name and the file's bare name; empty when there is none. */
  public Optional<Path> reportFile(String report, String file) {
    if (!REPORT.matcher(report).matches() || !REPORT.matcher(file).matches() || report.contains("..")
        || file.contains("..")) {
      return Optional.empty();
    }
    Path p = reportsDir.resolve(report).resolve(file).normalize();
    return p.startsWith(reportsDir) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p)
        : Optional.empty();
  }

  // ---- running

  /**
   * Validates the request, reads the files (on the backtest thread), and answers once the replay has started: a bad
   * field, a file that is not there, or a row the reader refuses fails the stage with {@link Refused}; a run already
   * going fails it with a 409.
   */
  public CompletionStage<Map<String, Object>> start(JsonNode body) {
    Path upbit = file(body, "upbit");
    Path binance = file(body, "binance");
    Path fx = file(body, "fx");
    String symbol = text(body, "symbol").toUpperCase(Locale.ROOT);
    if (!SYMBOL.matcher(symbol).matches()) {
      throw new Refused(400, "symbol", "symbol: a coin such as BTC (letters and digits)");
    }
    long from = time(body, "from", Long.MIN_VALUE);
    long to = time(body, "to", Long.MAX_VALUE);
    if (from != Long.MIN_VALUE && to != Long.MAX_VALUE && to <= from) {
      throw new Refused(400, "to", "to must be after from");
    }
    boolean lenient = body.path("lenient").asBoolean(false);
    BacktestSettings settings;
    try {
      settings = BacktestSettings.from(config, symbol);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new Refused(400, null, "bad setting: " + e.getMessage());
    }
    String name = RUN_NAME.format(Instant.now()) + "-" + symbol;
    ObjectNode run = state(name, "reading", 0, null);
    if (!current.compareAndSet(null, run)) {
      ObjectNode other = current.get();
      if (other != null && isRunning(other)) {
        throw new Refused(409, null, "a backtest is already running on this node (" + other.path("name").asText()
            + ", " + other.path("state").asText() + "): wait for it to finish");
      }
      if (!current.compareAndSet(other, run)) {
        throw new Refused(409, null, "a backtest is already running on this node: wait for it to finish");
      }
    }
    publish(run);
    log.info("dashboard: backtest {} started ({}, {}, {})", name, upbit.getFileName(), binance.getFileName(),
        fx.getFileName());
    CompletableFuture<Map<String, Object>> started = new CompletableFuture<>();
    worker.execute(() -> run(name, settings, upbit, binance, fx, lenient, from, to, started));
    return started;
  }

  private void run(
      String name, BacktestSettings s, Path upbit, Path binance, Path fx, boolean lenient, long from, long to,
      CompletableFuture<Map<String, Object>> started) {
    try {
      CandleInputs inputs;
      Progress reading = new Progress(name, "reading");
      try {
        long total = Math.max(1, CandleInputs.bytes(upbit, binance));
        inputs = CandleInputs.load(upbit, binance, fx, lenient, s.fx(), b -> reading.at((double) b / total));
        reading.close();
      } catch (BadInputException | UncheckedIOException e) {
        reading.close(); // the other file's reader may still report progress: it must not cover the failure
        String msg = e.getMessage().replace(dataDir + java.io.File.separator, "");
        finish(state(name, "failed", 0, msg));
        started.completeExceptionally(new Refused(400, null, msg));
        return;
      }
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("name", name);
      answer.put("state", "running");
      started.complete(answer);
      Progress replay = new Progress(name, "running");
      BacktestResult r = new Backtest(s).run(inputs.source(s.symbol(), s.books(), from, to),
          (fraction, moments) -> replay.at(fraction));
      replay.close();
      publish(state(name, "writing", 1, null));
      Kpis k = Kpis.of(r);
      Map<String, Object> runInfo = new LinkedHashMap<>();
      // the names as the page chose them (uploads/<name> for an uploaded file)
      runInfo.put("upbit", dataDir.relativize(upbit).toString());
      runInfo.put("binance", dataDir.relativize(binance).toString());
      runInfo.put("fx", dataDir.relativize(fx).toString());
      runInfo.put("lenient", lenient);
      runInfo.put("from", from == Long.MIN_VALUE ? null : Timestamps.iso(from));
      runInfo.put("to", to == Long.MAX_VALUE ? null : Timestamps.iso(to));
      runInfo.put("startedFrom", "dashboard");
      Path out = reportsDir.resolve(name);
      Files.createDirectories(out);
      ReportWriter.writeAll(out, r, k, inputs.summaries(), runInfo);
      HtmlReport.write(out, r, k, inputs.summaries(), inputs.stepMs());
      ObjectNode done = state(name, "done", 1, null);
      done.put("report", "/ui/reports/" + name + "/" + HtmlReport.FILE);
      done.put("cycles", k.cycles());
      done.put("pnlKrw", k.totalPnlKrw());
      finish(done);
      log.info("dashboard: backtest {} done ({} cycles)", name, k.cycles());
    } catch (IOException | RuntimeException e) {
      log.warn("dashboard: backtest {} failed: {}", name, e.toString());
      finish(state(name, "failed", 0, String.valueOf(e.getMessage())));
      started.completeExceptionally(new Refused(500, null, "the backtest failed: " + e.getMessage()));
    }
  }

  private void finish(ObjectNode last) {
    current.set(last);
    publish(last);
  }

  private static boolean isRunning(ObjectNode s) {
    String st = s.path("state").asText();
    return !st.equals("done") && !st.equals("failed");
  }

  private static ObjectNode state(String name, String state, double fraction, String error) {
    ObjectNode n = ApiJson.MAPPER.createObjectNode();
    n.put("name", name);
    n.put("state", state);
    n.put("percent", Math.round(Math.max(0, Math.min(1, fraction)) * 1000) / 10.0);
    if (error != null) {
      n.put("error", error);
    }
    return n;
  }

  /**
   * Publishes a phase's progress at most once per tenth of a percent, from any thread (the two candle files are read in
   * parallel), and nothing once the phase is closed.
   */
  private final class Progress {
    private final String name;
    private final String phase;
    private long last = -1;
    private boolean closed;

    synchronized void close() {
      closed = true;
    }

    Progress(String name, String phase) {
      this.name = name;
      this.phase = phase;
    }

    synchronized void at(double fraction) {
      long permille = Math.round(Math.max(0, Math.min(1, fraction)) * 1000);
      if (closed || permille == last) {
        return;
      }
      last = permille;
      ObjectNode s = state(name, phase, fraction, null);
      current.set(s);
      publish(s);
    }
  }

  // ---- watching

  /** A browser's progress stream: the current state, then every change (conflated: a slow browser gets the latest). */
  public Source<ServerSentEvent, NotUsed> watch() {
    return Source.<String>queue(16, OverflowStrategy.dropHead())
        .mapMaterializedValue(q -> {
          watchers.add(q);
          q.watchCompletion().whenComplete((d, e) -> watchers.remove(q));
          ObjectNode now = current.get();
          q.offer(now == null ? "{\"state\":\"idle\"}" : ApiJson.MAPPER.writeValueAsString(now));
          return NotUsed.getInstance();
        })
        .conflate((older, newer) -> newer)
        .map(json -> ServerSentEvent.create(json, "backtest"));
  }

  private void publish(ObjectNode state) {
    String json;
    try {
      json = ApiJson.MAPPER.writeValueAsString(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (SourceQueueWithComplete<String> q : watchers) {
      q.offer(json);
    }
  }

  // ---- the request's fields

  private Path file(JsonNode body, String field) {
    String name = text(body, field);
    if (name.isEmpty()) {
      throw new Refused(400, field, field + ": choose a file");
    }
    // an uploaded file is named uploads/<name>; nothing else may name a directory
    boolean uploaded = name.startsWith(BacktestUploads.DIR + "/");
    String bare = uploaded ? name.substring(BacktestUploads.DIR.length() + 1) : name;
    Path dir = uploaded ? dataDir.resolve(BacktestUploads.DIR) : dataDir;
    if (bare.isEmpty() || bare.contains("/") || bare.contains("\\") || bare.contains("..") || bare.indexOf('\0') >= 0
        || Path.of(bare).isAbsolute()) {
      throw new Refused(400, field, field + ": '" + name + "' is not a file name in the backtest data directory "
          + "(no paths)");
    }
    Path p = dir.resolve(bare).normalize();
    if (!dir.equals(p.getParent()) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new Refused(400, field, field + ": no file '" + name + "' in the backtest data directory");
    }
    return p;
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.path(field);
    return v.isTextual() ? v.asText().trim() : "";
  }

  private static long time(JsonNode body, String field, long absent) {
    String v = text(body, field);
    if (v.isEmpty()) {
      return absent;
    }
    byte[] b = v.getBytes(StandardCharsets.US_ASCII);
    long t = Timestamps.parseMillis(b, 0, b.length);
    if (t == Timestamps.INVALID) {
      throw new Refused(400, field, field + ": '" + v + "' is not a time (" + Timestamps.ACCEPTED + ")");
    }
    return t;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }
}
