package io.kimp.feeds.parse;

import io.kimp.feeds.FeedVenue;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frame counters of one venue, shared by all its connections and read by the metrics layer: frames received, events
 * produced, control messages, and rejected frames per {@link Reject} reason. Rejections are logged at most once per reason
 * per {@code logInterval}, with how many were not logged in between: a venue spewing garbage must not flood the log.
 */
public final class FrameStats {
  private static final Logger log = LoggerFactory.getLogger(FrameStats.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private final FeedVenue venue;
  private final LongAdder frames = new LongAdder();
  private final LongAdder events = new LongAdder();
  /** Frames counted once as both a frame and an event (the fast path's): one increment on the hot path, not two. */
  private final LongAdder eventFrames = new LongAdder();
  private final LongAdder control = new LongAdder();
  private final Map<Reject, LongAdder> rejected = new EnumMap<>(Reject.class);
  private final Map<Reject, AtomicLong> lastLogged = new EnumMap<>(Reject.class);
  private final Map<Reject, LongAdder> unlogged = new EnumMap<>(Reject.class);

  public FrameStats(FeedVenue venue) {
    this.venue = venue;
    for (Reject r : Reject.values()) {
      rejected.put(r, new LongAdder());
      lastLogged.put(r, new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS));
      unlogged.put(r, new LongAdder());
    }
  }

  public FeedVenue venue() {
    return venue;
  }

  public void frame() {
    frames.increment();
  }

  public void event() {
    events.increment();
  }

  /** A frame that was an event: {@link #frame()} and {@link #event()} in one increment. */
  public void eventFrame() {
    eventFrames.increment();
  }

  public void control() {
    control.increment();
  }

  /** Counts a dropped frame and logs it if this reason has not been logged for a while. */
  public void reject(Reject reason, String detail, CharSequence frame) {
    rejected.get(reason).increment();
    AtomicLong last = lastLogged.get(reason);
    long now = System.nanoTime();
    long prev = last.get();
    if (now - prev >= LOG_INTERVAL_NANOS && last.compareAndSet(prev, now)) {
      long skipped = unlogged.get(reason).sumThenReset();
      log.warn(
          "{} frame dropped ({}): {}; frame: {}{}", venue.wireName(), reason.label(), detail, abbreviate(frame),
          skipped > 0 ? " (" + skipped + " more since the last such message)" : "");
    } else {
      unlogged.get(reason).increment();
    }
  }

  public long frames() {
    return frames.sum() + eventFrames.sum();
  }

  public long events() {
    return events.sum() + eventFrames.sum();
  }

  public long controlMessages() {
    return control.sum();
  }

  public long rejected(Reject reason) {
    return rejected.get(reason).sum();
  }

  public long rejectedTotal() {
    long n = 0;
    for (LongAdder a : rejected.values()) {
      n += a.sum();
    }
    return n;
  }

  /** Rejections by reason label, for the metrics layer and health output. */
  public Map<String, Long> rejectedByReason() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<Reject, LongAdder> e : rejected.entrySet()) {
      out.put(e.getKey().label(), e.getValue().sum());
    }
    return out;
  }

  private static String abbreviate(CharSequence frame) {
    if (frame == null) {
      return "<none>";
    }
    String s = frame.toString();
    return s.length() <= 200 ? s : s.substring(0, 200) + "…(" + s.length() + " chars)";
  }
}
