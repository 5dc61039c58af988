package io.kimp.backtest.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.CandleInputs;
import io.kimp.backtest.data.BadInputException;
import io.kimp.backtest.data.CandleFile;
import io.kimp.backtest.data.CandleSeries;
import io.kimp.backtest.data.FundingFile;
import io.kimp.backtest.data.FundingSeries;
import io.kimp.backtest.report.HedgeComparison;
import io.kimp.backtest.sim.PerpReplay;
import io.kimp.backtest.data.Timestamps;
import io.kimp.backtest.market.MarketSource;
import io.kimp.backtest.market.RecordingMarketSource;
import io.kimp.backtest.report.HtmlReport;
import io.kimp.backtest.report.InputSummary;
import io.kimp.backtest.report.Kpis;
import io.kimp.backtest.report.ReportWriter;
import io.kimp.backtest.sim.Backtest;
import io.kimp.backtest.sim.BacktestResult;
import io.kimp.backtest.sim.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kimp backtest}: the live strategy and cycle rules replayed on candle history or on a {@code kimp record}
 * recording, with a report. Options map onto the live configuration keys ({@code kimp.strategy.*}, {@code kimp.fees.*},
 * {@code kimp.portfolio.*}, {@code kimp.feeds.*} for a recording) and the backtest's own ({@code kimp.backtest.*}), and
 * everything is validated by the engine's own settings readers.
 *
 * <p>With {@code --hedge} the same data is replayed twice, unhedged and with the transfer hedge on
 * ({@code kimp.hedge.enabled}, the cycles' HEDGE_OPEN/HEDGE_CLOSE steps answered by a simulated perpetual priced by
 * {@code --perp} or by the spot book as its proxy), and the report puts the two side by side.
 *
 * <p>Exit codes: 0 done; 1 an input file is unreadable or has a bad row (named by {@code file:line}); 2 bad options or
 * settings. A recording's bad lines and malformed frames are skipped and counted, never fatal.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Replays the live strategy on a simulated clock, on candle history (OpportunityRule, Sizing, "
        + "CycleRules) or on a kimp record recording (the live parsers, market state and opportunity detector, then "
        + "CycleRules), and writes report.json, trades.csv, premium.csv, equity.csv and a self-contained report.html "
        + "to --out.")
public final class BacktestCommand implements Callable<Integer> {
  static final int EXIT_BAD_INPUT = 1;
  static final int EXIT_BAD_OPTIONS = 2;

  /** The market to replay: three candle files, or one recording. */
  static final class Inputs {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "Candle history:%n")
    Candles candles;

    @Option(names = "--recording", required = true, paramLabel = "FILE",
        description = "A kimp record recording (JSON lines {\"t\":…,\"venue\":…,\"frame\":…}) instead of candles")
    Path recording;
  }

  static final class Candles {
    @Option(names = "--upbit", required = true, paramLabel = "CANDLES.csv",
        description = "Upbit KRW candles: timestamp,open,high,low,close,volume")
    Path upbit;

    @Option(names = "--binance", required = true, paramLabel = "CANDLES.csv",
        description = "Binance USDT candles: timestamp,open,high,low,close,volume")
    Path binance;

    @Option(names = "--fx", required = true, paramLabel = "FX.csv",
        description = "USD/KRW rates: daily date,close,… or intraday timestamp,rate")
    Path fx;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  @Option(names = "--symbol", split = ",", paramLabel = "COIN",
      description = "The coin, e.g. BTC (required with candles); with a recording, the coins cycles may trade "
          + "(default: every recorded coin)")
  List<String> symbols;

  @Option(names = "--from", paramLabel = "TIME",
      description = "First moment (inclusive): yyyy-MM-dd[ HH:mm:ss], ISO-8601 or epoch ms, UTC")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "End (exclusive), same forms as --from")
  String to;

  @Option(names = "--min-spread", paramLabel = "PCT",
      description = "Net edge an opportunity needs, percent (kimp.strategy.min-spread-percent)")
  BigDecimal minSpread;

  @Option(names = "--finalizer-min-profit", paramLabel = "PCT",
      description = "Whole-cycle expected profit the rebalance leg needs, percent "
          + "(kimp.strategy.finalizer-min-profit-percent)")
  BigDecimal finalizerMinProfit;

  @Option(names = "--capital", paramLabel = "KRW", description = "Capital of the ledger (kimp.portfolio.capital-krw)")
  BigDecimal capital;

  @Option(names = "--investment", paramLabel = "KRW",
      description = "KRW per cycle (FIXED_AMOUNT sizing); the exposure limit becomes the capital")
  BigDecimal investment;

  @Option(names = "--fees", split = ",", paramLabel = "KEY=VALUE",
      description = "upbit=TAKER, binance=TAKER (fractions, 0.001 = 0.1 %%), upbit.withdrawal=COINS, "
          + "binance.withdrawal=COINS")
  Map<String, String> fees = new LinkedHashMap<>();

  @Option(names = "--transfer-minutes", paramLabel = "MIN", description = "Time a withdrawal takes to be credited")
  Double transferMinutes;

  @Option(names = "--half-spread-bps", paramLabel = "BPS", description = "Modelled half-spread around the candle close")
  Double halfSpreadBps;

  @Option(names = "--lenient",
      description = "Skip and count bad candle rows instead of failing on the first (a recording's bad lines and "
          + "malformed frames are always skipped and counted)")
  boolean lenient;

  @Option(names = "--sweep", paramLabel = "NAME=FROM:TO:STEP",
      description = "Replay for each value (repeat for a grid): min-spread, finalizer-min-profit, transfer-minutes, "
          + "investment, half-spread-bps")
  List<String> sweeps = new ArrayList<>();

  @Option(names = "--hedge",
      description = "Replay twice, unhedged and with the transfer hedge on (kimp.hedge.enabled: a perpetual short "
          + "while the coin is in transit), and report both side by side")
  boolean hedge;

  @Option(names = "--perp", paramLabel = "CANDLES.csv",
      description = "With --hedge: the perpetual's candles (timestamp,open,high,low,close,volume; default: the Binance "
          + "spot candles stand in for it, said in the report)")
  Path perp;

  @Option(names = "--funding", paramLabel = "RATES.csv",
      description = "With --hedge: the perpetual's funding rates, timestamp,rate (fractions per 8 h, as Binance's "
          + "fundingTime,fundingRate); default: no funding")
  Path funding;

  @Option(names = "--config", paramLabel = "FILE", description = "An operator configuration file (HOCON) to start from")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any configuration key, e.g. kimp.retry.base-delay=5m")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the report goes")
  Path out;

  @Option(names = "--no-html", description = "Skip report.html (and its charts)")
  boolean noHtml;

  @Option(names = "--progress", negatable = true,
      description = "Progress bar on stderr (default: only when there is a terminal)")
  Boolean progress;

  @Spec CommandSpec spec;

  /** The perpetual's prices of a --hedge run: the --perp file's, or spot's as the proxy. */
  private PerpReplay perpReplay = PerpReplay.spotProxy();
  private InputSummary perpSummary;
  private FundingSeries fundingRates;
  private InputSummary fundingSummary;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BacktestCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outWriter = spec.commandLine().getOut();
    long fromMs = time("--from", from, Long.MIN_VALUE);
    long toMs = time("--to", to, Long.MAX_VALUE);
    if (fromMs != Long.MIN_VALUE && toMs != Long.MAX_VALUE && toMs <= fromMs) {
      throw new ParameterException(spec.commandLine(), "--to must be after --from");
    }
    List<SweepSpec> specs = new ArrayList<>();
    try {
      Set<String> names = new HashSet<>();
      for (String s : sweeps) {
        SweepSpec sp = SweepSpec.parse(s);
        if (!names.add(sp.name())) {
          throw new IllegalArgumentException("--sweep names " + sp.name() + " twice");
        }
        specs.add(sp);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    boolean recording = inputs.recording != null;
    String hedgeProblem = perp != null && !hedge ? "--perp needs --hedge"
        : funding != null && !hedge ? "--funding needs --hedge"
        : funding != null && recording ? "--funding goes with candle files"
        : perp != null && recording
            ? "--perp goes with candle files (a recording's hedge uses its Binance spot book as the perpetual's proxy)"
            : hedge && !specs.isEmpty() ? "--hedge and --sweep cannot be combined (one comparison per run)" : null;
    if (hedgeProblem != null) {
      err.println("kimp backtest: " + hedgeProblem);
      return EXIT_BAD_OPTIONS;
    }
    List<String> coins = symbols == null ? List.of() : symbols.stream()
        .map(c -> c.trim().toUpperCase(Locale.ROOT)).filter(c -> !c.isEmpty()).distinct().toList();
    if (!recording && coins.size() != 1) {
      throw new ParameterException(spec.commandLine(), "--symbol: name exactly one coin with candle files");
    }
    BacktestSettings base;
    List<Map<String, BigDecimal>> grid = specs.isEmpty() ? List.of() : SweepSpec.grid(specs);
    try {
      base = settings(coins, recording, Map.of());
      for (Map<String, BigDecimal> point : grid) {
        settings(coins, recording, point); // every point validated before hours of replay
      }
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("kimp backtest: bad setting: " + e.getMessage());
      return EXIT_BAD_OPTIONS;
    }

    ProgressBar bar = new ProgressBar(err, ProgressBar.wanted(progress));
    Market market;
    long started = System.nanoTime();
    if (recording) {
      if (!Files.isReadable(inputs.recording)) {
        err.println("kimp backtest: cannot read " + inputs.recording + ": no such readable file");
        return EXIT_BAD_INPUT;
      }
      market = new RecordedMarket(inputs.recording, fromMs, toMs);
    } else {
      Candles c = inputs.candles;
      try {
        long total = CandleInputs.bytes(c.upbit, c.binance);
        CandleInputs loaded = CandleInputs.load(c.upbit, c.binance, c.fx, lenient, base.fx(),
            b -> bar.update("reading", total == 0 ? 1 : (double) b / total, (b >> 20) + " MiB"));
        market = new CandleMarket(loaded, fromMs, toMs);
        if (funding != null) {
          if (!Files.isReadable(funding)) {
            throw new UncheckedIOException(new IOException("cannot read " + funding + ": no such readable file"));
          }
          FundingSeries rates = FundingFile.read(funding, lenient);
          fundingSummary = InputSummary.of("funding rates", rates.size(), rates.problems());
          fundingRates = rates;
        }
        if (perp != null) {
          if (!Files.isReadable(perp)) {
            throw new UncheckedIOException(new IOException("cannot read " + perp + ": no such readable file"));
          }
          CandleSeries series = CandleFile.read(perp, lenient);
          perpReplay = PerpReplay.spotProxy().withCandles(series, perp.toString());
          perpSummary = InputSummary.of("perpetual candles", series.size(), series.problems());
          if (series.size() == 0 || loaded.binance().size() == 0
              || series.time(series.size() - 1) < loaded.binance().time(0)
              || series.time(0) > loaded.binance().time(loaded.binance().size() - 1)) {
            bar.done();
            err.println("kimp backtest: --perp " + perp + ": its candles do not overlap the spot candles' period");
            return EXIT_BAD_OPTIONS;
          }
        }
      } catch (BadInputException | UncheckedIOException e) {
        bar.done();
        err.println("kimp backtest: " + e.getMessage());
        return EXIT_BAD_INPUT;
      } finally {
        bar.done();
      }
      for (InputSummary summary : market.summaries()) {
        if (summary.skippedTotal() > 0) {
          err.println("kimp backtest: " + summary.file() + ": skipped " + summary.skippedTotal() + " bad rows "
              + summary.skipped());
        }
      }
    }
    double readSeconds = (System.nanoTime() - started) / 1e9;
    try {
      Files.createDirectories(out);
      if (hedge) {
        hedged(base, market, readSeconds, bar, outWriter, err);
      } else if (grid.isEmpty()) {
        single(base, market, readSeconds, bar, outWriter, err);
      } else {
        sweep(coins, recording, grid, market, bar, outWriter);
      }
    } catch (IOException e) {
      err.println("kimp backtest: cannot write the report to " + out + ": " + e.getMessage());
      return EXIT_BAD_INPUT;
    } catch (UncheckedIOException e) {
      err.println("kimp backtest: " + e.getMessage());
      return EXIT_BAD_INPUT;
    } finally {
      bar.done();
    }
    return 0;
  }

  /** Where every run's market comes from: a new source per run, and what the inputs held. */
  private interface Market {
    MarketSource source(BacktestSettings s);

    /** The inputs as the report lists them (a recording's: as the last run read it). */
    List<InputSummary> summaries();

    /** How far apart two moments may be before the premium chart breaks its line. */
    long gapMs(BacktestSettings s);

    /** What the coverage counts as skipped. */
    String skippedUnit();
  }

  /** Candle files, read once for every run. */
  private static final class CandleMarket implements Market {
    private final CandleInputs inputs;
    private final long fromMs;
    private final long toMs;

    CandleMarket(CandleInputs inputs, long fromMs, long toMs) {
      this.inputs = inputs;
      this.fromMs = fromMs;
      this.toMs = toMs;
    }

    @Override
    public MarketSource source(BacktestSettings s) {
      return inputs.source(s.symbol(), s.books(), fromMs, toMs);
    }

    @Override
    public List<InputSummary> summaries() {
      return inputs.summaries();
    }

    @Override
    public long gapMs(BacktestSettings s) {
      return inputs.stepMs();
    }

    @Override
    public String skippedUnit() {
      return "candles";
    }
  }

  /** A recording, read again by every run (its frames go through the live pipeline with that run's settings). */
  private static final class RecordedMarket implements Market {
    private final Path file;
    private final long fromMs;
    private final long toMs;
    private RecordingMarketSource last;

    RecordedMarket(Path file, long fromMs, long toMs) {
      this.file = file;
      this.fromMs = fromMs;
      this.toMs = toMs;
    }

    @Override
    public MarketSource source(BacktestSettings s) {
      last = new RecordingMarketSource(file, s, fromMs, toMs);
      return last;
    }

    @Override
    public List<InputSummary> summaries() {
      return last == null ? List.of() : last.inputs();
    }

    @Override
    public long gapMs(BacktestSettings s) {
      return s.staleAfter().toMillis();
    }

    @Override
    public String skippedUnit() {
      return "frames/coin changes";
    }
  }

  private void single(
      BacktestSettings s, Market market, double readSeconds, ProgressBar bar, PrintWriter w, PrintWriter err)
      throws IOException {
    BacktestResult r = new Backtest(s).run(market.source(s), listener(bar, "replay"));
    bar.done();
    List<InputSummary> summaries = market.summaries();
    if (inputs.recording != null) {
      for (InputSummary summary : summaries) {
        if (summary.skippedTotal() > 0) {
          err.println("kimp backtest: " + summary.role() + ": skipped " + summary.skippedTotal() + " "
              + summary.skipped() + (summary.examples().isEmpty() ? "" : ", e.g. " + summary.examples().get(0)));
        }
      }
      err.flush();
    }
    Kpis k = Kpis.of(r);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("readSeconds", readSeconds);
    run.put("lenient", lenient);
    run.put("from", from);
    run.put("to", to);
    ReportWriter.writeAll(out, r, k, summaries, run);
    if (!noHtml) {
      HtmlReport.write(out, r, k, summaries, market.gapMs(s));
    }
    w.printf(Locale.ROOT, "%s %s: %d moments, %d %s skipped (%d gaps)%n", s.symbol(),
        r.premium().size() == 0 ? "no data" : Timestamps.iso(r.premium().time(0)) + " → "
            + Timestamps.iso(r.premium().time(r.premium().size() - 1)),
        r.premium().size(), r.coverage().skippedTotal(), market.skippedUnit(), r.coverage().gapEpisodes());
    w.printf(Locale.ROOT, "cycles %d, wins %d (%.1f %%), total PnL %s KRW, ROI %.3f %%, max drawdown %.3f %%, "
            + "Sharpe %.2f%n", k.cycles(), k.wins(), k.winRate() * 100, k.totalPnlKrw().toPlainString(),
        k.roiPercent(), k.maxDrawdownPercent(), k.sharpe());
    w.printf(Locale.ROOT, "premium min/mean/max %.3f / %.3f / %.3f %%%n", k.premiumMin(), k.premiumMean(),
        k.premiumMax());
    for (BacktestResult.OpenCycle c : r.openCycles()) {
      w.println("open at the end (not valued): " + c.symbol() + " " + c.status() + " since " + c.startedAt());
    }
    for (String warning : s.warnings()) {
      w.println("warning: " + warning);
    }
    w.println("report: " + out.resolve(noHtml ? ReportWriter.REPORT_JSON : HtmlReport.FILE));
    w.flush();
  }

  /**
   * The same data replayed unhedged and hedged: the hedged run's report in {@code --out} with the comparison (a
   * {@code hedge} section in report.json, a table in report.html), the unhedged run's in {@code --out/unhedged}.
   */
  private void hedged(
      BacktestSettings base, Market market, double readSeconds, ProgressBar bar, PrintWriter w, PrintWriter err)
      throws IOException {
    if (fundingRates != null) {
      FundingSeries rates = fundingRates;
      perpReplay = perpReplay.withFunding((coin, at) -> {
        BigDecimal r = rates.rateAt(at.toEpochMilli());
        return r == null ? BigDecimal.ZERO : r;
      }, funding + " (" + rates.size() + " rates; a funding time without one pays none)");
    }
    BacktestSettings off = base.withHedge(false);
    BacktestSettings on = base.withHedge(true);
    BacktestResult u = new Backtest(off, perpReplay).run(market.source(off), listener(bar, "unhedged"));
    List<InputSummary> summaries = new ArrayList<>(market.summaries());
    BacktestResult h = new Backtest(on, perpReplay).run(market.source(on), listener(bar, "hedged"));
    bar.done();
    if (perpSummary != null) {
      summaries.add(perpSummary);
    }
    if (fundingSummary != null) {
      summaries.add(fundingSummary);
    }
    HedgeComparison c = HedgeComparison.of(u, h);
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("readSeconds", readSeconds);
    run.put("lenient", lenient);
    run.put("from", from);
    run.put("to", to);
    run.put("hedge", true);
    Path unhedgedDir = out.resolve("unhedged");
    Kpis ku = Kpis.of(u);
    ReportWriter.writeAll(unhedgedDir, u, ku, market.summaries(), run);
    Kpis kh = Kpis.of(h);
    ReportWriter.writeAll(out, h, kh, summaries, run, c);
    if (!noHtml) {
      HtmlReport.write(unhedgedDir, u, ku, market.summaries(), market.gapMs(off));
      HtmlReport.write(out, h, kh, summaries, market.gapMs(on), c);
    }
    w.printf(Locale.ROOT, "%s %s: %d moments, hedged and unhedged on the same data%n", base.symbol(),
        h.premium().size() == 0 ? "no data" : Timestamps.iso(h.premium().time(0)) + " → "
            + Timestamps.iso(h.premium().time(h.premium().size() - 1)), h.premium().size());
    w.printf(Locale.ROOT, "%-34s %16s %16s%n", "", "unhedged", "hedged");
    row(w, "cycles", c.unhedged().cycles(), c.hedged().cycles());
    row(w, "total PnL KRW", c.unhedged().pnlKrw(), c.hedged().pnlKrw());
    row(w, "PnL std dev per cycle KRW", c.unhedged().pnlStdevKrw(), c.hedged().pnlStdevKrw());
    row(w, "worst cycle KRW", c.unhedged().worstCycleKrw(), c.hedged().worstCycleKrw());
    row(w, "hedge PnL KRW", "-", c.hedged().hedgePnlKrw());
    row(w, "hedge cost KRW (fees + funding)", "-", c.hedged().hedgeCostKrw());
    w.println((c.spotProxy()
        ? "perpetual: no --perp file, the Binance spot price stood in for it (no basis)"
        : "perpetual: " + c.perpSource()) + "; funding: " + c.fundingSource());
    for (BacktestResult.OpenCycle o : h.openCycles()) {
      w.println("open at the end (not valued): " + o.symbol() + " " + o.status() + " since " + o.startedAt());
    }
    for (String warning : base.warnings()) {
      w.println("warning: " + warning);
    }
    w.println("report: " + out.resolve(noHtml ? ReportWriter.REPORT_JSON : HtmlReport.FILE) + " (unhedged run: "
        + unhedgedDir + ")");
    w.flush();
  }

  private static void row(PrintWriter w, String label, Object a, Object b) {
    w.printf(Locale.ROOT, "%-34s %16s %16s%n", label, cell(a), cell(b));
  }

  private static String cell(Object v) {
    return v instanceof BigDecimal d ? d.setScale(0, java.math.RoundingMode.HALF_UP).toPlainString() : v.toString();
  }

  private void sweep(
      List<String> coins, boolean recording, List<Map<String, BigDecimal>> grid, Market market, ProgressBar bar,
      PrintWriter w) throws IOException {
    SweepTable table = new SweepTable(new ArrayList<>(grid.get(0).keySet()));
    for (int p = 0; p < grid.size(); p++) {
      Map<String, BigDecimal> point = grid.get(p);
      BacktestSettings s = settings(coins, recording, point);
      int index = p;
      BacktestResult r = new Backtest(s).run(market.source(s),
          (f, m) -> bar.update("sweep " + (index + 1) + "/" + grid.size(), (index + f) / grid.size(), ""));
      Kpis k = Kpis.of(r);
      table.add(point, k, r);
      Path dir = out.resolve("sweep").resolve(SweepTable.label(point));
      Map<String, Object> run = new LinkedHashMap<>(point);
      ReportWriter.writeAll(dir, r, k, market.summaries(), run);
    }
    bar.done();
    Files.writeString(out.resolve(SweepTable.FILE), table.csv(), StandardCharsets.UTF_8);
    w.print(table.text());
    w.println("sweep table: " + out.resolve(SweepTable.FILE));
    w.flush();
  }

  private static ProgressListener listener(ProgressBar bar, String label) {
    return (fraction, moments) -> bar.update(label, fraction, moments + " moments");
  }

  /** The settings of one replay: the options (and a sweep point) over the configuration, validated. */
  BacktestSettings settings(List<String> coins, boolean recording, Map<String, BigDecimal> point) {
    Map<String, Object> o = new LinkedHashMap<>();
    BigDecimal ms = point.getOrDefault("min-spread", minSpread);
    if (ms != null) {
      o.put("kimp.strategy.min-spread-percent", ms.toPlainString());
    }
    BigDecimal fmp = point.getOrDefault("finalizer-min-profit", finalizerMinProfit);
    if (fmp != null) {
      o.put("kimp.strategy.finalizer-min-profit-percent", fmp.toPlainString());
    }
    BigDecimal inv = point.getOrDefault("investment", investment);
    Config fileAndDefaults = ConfigFactory.load();
    if (config != null) {
      if (!Files.isReadable(config)) {
        throw new IllegalArgumentException("--config " + config + " is not a readable file");
      }
      fileAndDefaults = ConfigFactory.parseFile(config.toFile()).withFallback(fileAndDefaults);
    }
    if (capital != null || inv != null) {
      BigDecimal cap = capital != null ? capital : new BigDecimal(fileAndDefaults.getString("kimp.portfolio.capital-krw"));
      o.put("kimp.portfolio.capital-krw", cap.toPlainString());
      o.put("kimp.risk.max-exposure-krw", cap.toPlainString());
      if (inv != null) {
        if (inv.compareTo(cap) > 0) {
          throw new IllegalArgumentException("--investment " + inv.toPlainString() + " exceeds the capital "
              + cap.toPlainString());
        }
        o.put("kimp.portfolio.sizing", "FIXED_AMOUNT");
        o.put("kimp.portfolio.fixed-amount-krw", inv.toPlainString());
      }
    }
    for (Map.Entry<String, String> f : fees.entrySet()) {
      String key = f.getKey().trim().toLowerCase(Locale.ROOT);
      switch (key) {
        case "upbit":
        case "binance":
          o.put("kimp.fees." + key + ".taker", f.getValue().trim());
          break;
        case "upbit.withdrawal":
        case "binance.withdrawal":
          if (coins.isEmpty()) {
            throw new IllegalArgumentException("--fees " + f.getKey() + ": name the coins with --symbol (or set "
                + "kimp.fees.withdrawal.<venue>.<COIN> with --set)");
          }
          for (String coin : coins) {
            o.put("kimp.fees.withdrawal." + key.substring(0, key.indexOf('.')) + "." + coin, f.getValue().trim());
          }
          break;
        default:
          throw new IllegalArgumentException("--fees " + f.getKey() + ": expected upbit, binance, upbit.withdrawal or "
              + "binance.withdrawal");
      }
    }
    BigDecimal transfer = point.getOrDefault("transfer-minutes",
        transferMinutes == null ? null : BigDecimal.valueOf(transferMinutes));
    if (transfer != null) {
      if (transfer.signum() <= 0) {
        throw new IllegalArgumentException("--transfer-minutes must be positive");
      }
      o.put("kimp.backtest.transfer-delay", transfer.multiply(BigDecimal.valueOf(60_000)).longValue() + "ms");
    }
    BigDecimal hs = point.getOrDefault("half-spread-bps",
        halfSpreadBps == null ? null : BigDecimal.valueOf(halfSpreadBps));
    if (hs != null) {
      o.put("kimp.backtest.half-spread-bps", hs.toPlainString());
    }
    o.putAll(set);
    Config c = ConfigFactory.parseMap(o, "kimp backtest options").withFallback(fileAndDefaults).resolve();
    return recording ? BacktestSettings.forRecording(c, coins) : BacktestSettings.from(c, coins.get(0));
  }

  private long time(String option, String value, long absent) {
    if (value == null) {
      return absent;
    }
    byte[] b = value.trim().getBytes(StandardCharsets.US_ASCII);
    long t = Timestamps.parseMillis(b, 0, b.length);
    if (t == Timestamps.INVALID) {
      throw new ParameterException(spec.commandLine(),
          option + " '" + value + "' is not a time (" + Timestamps.ACCEPTED + ")");
    }
    return t;
  }
}
