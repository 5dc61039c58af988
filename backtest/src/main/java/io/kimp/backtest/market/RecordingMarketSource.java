package io.kimp.backtest.market;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.report.InputSummary;
import io.kimp.core.market.Book;
import io.kimp.core.market.CoinQuote;
import io.kimp.core.market.MarketEvent;
import io.kimp.core.market.MarketState;
import io.kimp.core.market.OpportunityDetector;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.MarketPipeline;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameParsers;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.record.Recording;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A {@code kimp record} recording as a replay's market, through the live code: every line's frame is parsed by the
 * venue's live parser ({@link FrameParsers}), and goes through the live {@link MarketPipeline} stage into a
 * {@link MarketState} (Binance best-offer overlay, duplicate drop by update id, freshness) and the live
 * {@link OpportunityDetector} (stale guard, cooldown, evaluation size, volume cap), exactly as {@code kimp replay} runs
 * them. Only the clock differs: the market state judges freshness on the replay's simulated clock, and the detector at
 * each frame's recorded receive time, as live.
 *
 * <p>A moment is emitted for each coin whose inputs a frame changed (the event's coin, or every coin when the USDT/KRW
 * rate moved) while both its books are two-sided and it and the rate are fresh; it carries what the detector offered
 * for that coin at that frame. Frames that change nothing tradeable are counted by reason. Malformed frames are
 * counted by the parsers per venue and reason and dropped; lines that are no recorded frame are counted with their line
 * number. The market view ({@link #market}) is the market state itself, so fills and the rebalance choice read the same
 * books and quotes as the live paper path.
 *
 * <p>Recorded receive times may step back a little where several connections were merged; the replay's clock never
 * does (a frame stamped before the previous one is taken at the previous one's time).
 */
public final class RecordingMarketSource implements MarketSource {
  /** A coin changed while one of its sides or the rate was older than the stale limit. */
  public static final String STALE = "staleCoin";
  /** A coin changed before both venues had a two-sided book for it. */
  public static final String ONE_SIDED = "coinWithoutBothBooks";
  /** A copy of an event already applied (overlapping connections), dropped by the market state. */
  public static final String DUPLICATE = "duplicateEvent";
  /** A frame with no market event: a control message, or a malformed frame (counted by reason in the inputs). */
  public static final String NO_EVENT = "frameWithoutEvent";
  /** An event the market state keeps but that changes no coin's inputs (USD/KRW, an unchanged rate). */
  public static final String NO_CHANGE = "eventWithoutCoinChange";
  /** An event the market state refused as implausible (an absurd price or timestamp; counted by venue too). */
  public static final String IMPLAUSIBLE = "implausibleEvent";
  /** A frame whose handling threw in the pipeline stage (counted and logged by it). */
  public static final String FAILED = "frameFailed";

  private static final int MAX_EXAMPLES = 10;
  /** Bytes of a recording line around its frame text, for the progress estimate. */
  private static final int LINE_OVERHEAD = 40;

  private final Path file;
  private final long fromMs;
  private final long toMs;
  private final long staleAfterMs;
  private final Iterator<RawFrame> frames;
  private final FrameParsers parsers;
  private final MarketState state;
  private final MarketPipeline pipeline;
  private final long fileBytes;
  private final Map<String, Opportunity> offered = new HashMap<>();
  private final ArrayDeque<MarketMoment> ready = new ArrayDeque<>();
  private final List<String> badLineExamples = new ArrayList<>();
  private final Map<String, Long> skipped = new LinkedHashMap<>();
  private Clock clock;
  private RawFrame pending;
  private MarketState.Applied applied;
  private long lastTime = Long.MIN_VALUE;
  private long lines;
  private long badLines;
  private long notUtf8Lines;
  private long bytes;
  private long moments;
  private long outside;
  private long episodes;
  private long longest;
  private long previousMoment = Long.MIN_VALUE;

  /**
   * @param fromMs first receive time to replay (inclusive), or {@code Long.MIN_VALUE}
   * @param toMs end of the replay (exclusive), or {@code Long.MAX_VALUE}
   * @throws UncheckedIOException when the file cannot be read
   */
  public RecordingMarketSource(Path file, BacktestSettings settings, long fromMs, long toMs) {
    if (settings.recording() == null) {
      throw new IllegalArgumentException("the settings are a candle replay's (BacktestSettings.forRecording)");
    }
    this.file = file;
    this.fromMs = fromMs;
    this.toMs = toMs;
    this.staleAfterMs = settings.staleAfter().toMillis();
    try {
      this.fileBytes = Files.size(file);
      this.frames = Recording.frames(file, this::badLine);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    // a recording of unknown scope: every KRW / USDT market in it is read (the traded coins are chosen by the replay)
    this.parsers = new FrameParsers(CoinResolver.open(), settings.recording().usdKrwJsonPointer());
    this.state = new MarketState(settings.staleAfter(), () -> clock != null ? clock.millis() : lastTime);
    OpportunityDetector detector =
        new OpportunityDetector(state, settings.recording().detector(), o -> offered.put(o.symbol(), o));
    Map<FeedVenue, FrameStats> stats = new java.util.EnumMap<>(FeedVenue.class);
    for (FeedVenue v : FeedVenue.values()) {
      stats.put(v, parsers.stats(v));
    }
    this.pipeline = new MarketPipeline(state, detector, null, (frame, a, n) -> applied = a, stats);
    for (String reason : List.of(STALE, ONE_SIDED, DUPLICATE, IMPLAUSIBLE, NO_EVENT, NO_CHANGE, FAILED)) {
      skipped.put(reason, 0L);
    }
  }

  private void badLine(long lineNumber, String reason, String line) {
    badLines++;
    if (reason.startsWith(Recording.NOT_UTF8)) {
      notUtf8Lines++;
    }
    lines++;
    bytes += line.length() + 1;
    if (badLineExamples.size() < MAX_EXAMPLES) {
      badLineExamples.add(file + ":" + lineNumber + ": " + reason);
    }
  }

  @Override
  public ReplayMarket market(Clock replayClock) {
    this.clock = replayClock;
    return new StateMarket();
  }

  @Override
  public boolean offersOpportunities() {
    return true;
  }

  @Override
  public long peekTime() {
    if (!ready.isEmpty()) {
      return ready.peek().timeMs();
    }
    while (pending == null && frames.hasNext()) {
      RawFrame f = frames.next();
      lines++;
      bytes += f.asText().length() + LINE_OVERHEAD;
      if (f.receivedAt() < fromMs || f.receivedAt() >= toMs) {
        outside++;
        continue;
      }
      pending = f;
    }
    return pending == null ? END : Math.max(pending.receivedAt(), lastTime);
  }

  @Override
  public MarketMoment next() {
    if (ready.isEmpty() && peekTime() != END) {
      apply(pending, Math.max(pending.receivedAt(), lastTime));
      pending = null;
    }
    return ready.poll();
  }

  /** Runs one frame through the live stage and queues the moments it makes. */
  private void apply(RawFrame raw, long t) {
    lastTime = t;
    RawFrame f = parsers.parse(raw);
    applied = null;
    offered.clear();
    long failuresBefore = pipeline.failures();
    pipeline.onFrame(f);
    MarketEvent e = f.event();
    if (pipeline.failures() > failuresBefore) {
      count(FAILED);
    } else if (e == null) {
      count(NO_EVENT);
    } else if (applied == MarketState.Applied.DUPLICATE) {
      count(DUPLICATE);
    } else if (applied == MarketState.Applied.REJECTED) {
      count(IMPLAUSIBLE);
    } else if (applied == MarketState.Applied.RATE) {
      // the detector re-evaluated every coin (in this order): so does the replay
      for (String coin : state.coins()) {
        emit(coin, e.receivedAt(), t);
      }
    } else if (applied == MarketState.Applied.COIN && !MarketState.USDT.equals(e.coin())) {
      emit(e.coin(), e.receivedAt(), t);
    } else {
      count(NO_CHANGE); // an unchanged rate refreshed, USD/KRW, or an instrument the state does not track
    }
  }

  private void emit(String coin, long receivedAt, long t) {
    Book upbit = state.book(Venue.UPBIT, coin).orElse(null);
    Book binance = state.book(Venue.BINANCE, coin).orElse(null);
    if (upbit == null || binance == null || !upbit.hasBothSides() || !binance.hasBothSides()) {
      count(ONE_SIDED);
      return;
    }
    // judged as the detector judged it: at the frame's receive time
    if (!state.isFresh(coin, receivedAt)) {
      count(STALE);
      return;
    }
    if (previousMoment != Long.MIN_VALUE) {
      long gap = t - previousMoment;
      if (gap > staleAfterMs) {
        episodes++;
      }
      longest = Math.max(longest, gap);
    }
    previousMoment = t;
    moments++;
    ready.add(new MarketMoment(
        t, upbit, binance, state.usdtKrw().orElse(Double.NaN), known(state.volume24hQuote(Venue.UPBIT, coin)),
        known(state.volume24hQuote(Venue.BINANCE, coin)), offered.get(coin)));
  }

  private static double known(double volume) {
    return volume > 0 ? volume : 0;
  }

  private void count(String reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  @Override
  public double progress() {
    return fileBytes == 0 ? 1 : Math.min(1.0, (double) bytes / fileBytes);
  }

  @Override
  public Coverage coverage() {
    return new Coverage(moments, new LinkedHashMap<>(skipped), outside, episodes, longest);
  }

  /**
   * The recording as the report lists its inputs: its lines (those that are no recorded frame counted, with their
   * line numbers), then each venue's frames with the malformed ones counted by the live parsers' reasons.
   */
  public List<InputSummary> inputs() {
    List<InputSummary> out = new ArrayList<>();
    Map<String, Long> badByReason = new LinkedHashMap<>();
    if (badLines > notUtf8Lines) {
      badByReason.put("notARecordedFrame", badLines - notUtf8Lines);
    }
    if (notUtf8Lines > 0) {
      badByReason.put("notUtf8", notUtf8Lines);
    }
    out.add(new InputSummary("recording lines", file.toString(), lines, badByReason, List.copyOf(badLineExamples)));
    for (FeedVenue v : FeedVenue.values()) {
      FrameStats s = parsers.stats(v);
      if (s.frames() == 0) {
        continue;
      }
      Map<String, Long> rejected = new LinkedHashMap<>();
      s.rejectedByReason().forEach((reason, n) -> {
        if (n > 0) {
          rejected.put(reason, n);
        }
      });
      out.add(new InputSummary(v.wireName() + " frames", file.toString(), s.frames(), rejected, List.of()));
    }
    return out;
  }

  /** Malformed frames of {@code venue}, by the parsers' reason label. */
  public Map<String, Long> rejectedFrames(FeedVenue venue) {
    return parsers.stats(venue).rejectedByReason();
  }

  /** The live market state as the replay's market view: the moments are already in it. */
  private final class StateMarket implements ReplayMarket {
    @Override
    public void update(MarketMoment m) {
      // the frame was applied to the state when the moment was made
    }

    @Override
    public boolean fresh(String coin) {
      return state.isFresh(coin, clock.millis());
    }

    @Override
    public Optional<Book> book(Venue venue, String coin) {
      return state.book(venue, coin);
    }

    @Override
    public OptionalDouble usdtKrw() {
      return state.usdtKrw();
    }

    @Override
    public Map<String, CoinQuote> freshQuotes() {
      return state.freshQuotes();
    }
  }
}
