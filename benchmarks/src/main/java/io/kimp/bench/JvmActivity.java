package io.kimp.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * What the JVM itself did while a benchmark timed something: the collector's stop-the-world pauses
 * ({@code jdk.GCPhasePause}: young, full, and G1's remark and cleanup) and the JIT's compilations
 * ({@code jdk.Compilation}: a compiler thread that takes a core for its duration, one of the two on this machine), from
 * the JVM's own flight recorder, streamed in this JVM. Each is placed on {@link System#nanoTime}'s scale, so that a
 * benchmark can say which of its timed windows one fell in.
 */
final class JvmActivity implements AutoCloseable {
  enum Kind { GC_PAUSE, COMPILATION }

  /** One pause or compilation, on {@link System#nanoTime}'s scale. */
  record Span(Kind kind, String what, long startNanos, long durationNanos) {
    boolean overlaps(long fromNanos, long toNanos) {
      return startNanos <= toNanos && startNanos + durationNanos >= fromNanos;
    }
  }

  /** Thousands over a run: a queue, not a copy-on-write list, so recording them makes no garbage of its own. */
  private final Queue<Span> spans = new ConcurrentLinkedQueue<>();
  private final RecordingStream stream = new RecordingStream();
  private final AtomicLong flushes = new AtomicLong();
  /** Wall clock and {@link System#nanoTime} read together, to place the recorder's instants. */
  private final Instant wallAtOrigin;
  private final long nanoAtOrigin;

  private JvmActivity() {
    long before = System.nanoTime();
    wallAtOrigin = Instant.now();
    nanoAtOrigin = (before + System.nanoTime()) / 2;
  }

  /** Starts recording; the events of a span arrive within the recorder's flush interval (about a second) of its end. */
  static JvmActivity record() {
    JvmActivity a = new JvmActivity();
    a.stream.enable("jdk.GCPhasePause").withoutStackTrace().withThreshold(Duration.ZERO);
    a.stream.enable("jdk.Compilation").withoutStackTrace().withThreshold(Duration.ZERO);
    a.stream.onEvent("jdk.GCPhasePause", e -> a.add(Kind.GC_PAUSE, e.getString("name"), e));
    a.stream.onEvent("jdk.Compilation", e -> a.add(Kind.COMPILATION,
        e.getInt("compileLevel") == 4 ? "C2" : "C1", e));
    a.stream.onFlush(a.flushes::incrementAndGet);
    a.stream.startAsync();
    return a;
  }

  private void add(Kind kind, String what, RecordedEvent e) {
    Duration sinceOrigin = Duration.between(wallAtOrigin, e.getStartTime());
    spans.add(new Span(kind, what, nanoAtOrigin + sinceOrigin.toNanos(), e.getDuration().toNanos()));
  }

  /**
   * Waits until the recorder has delivered what happened up to now: two of its flushes (about one a second), since the
   * one under way may have begun before now.
   */
  void catchUp() throws InterruptedException {
    long seen = flushes.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (flushes.get() < seen + 2 && System.nanoTime() < deadline) {
      Thread.sleep(50); // the benchmark's own thread, waiting for the recorder (not an actor)
    }
  }

  /** The spans of {@code kind} that overlap {@code [fromNanos, toNanos]}. */
  List<Span> within(Kind kind, long fromNanos, long toNanos) {
    List<Span> hit = new ArrayList<>();
    for (Span s : spans) {
      if (s.kind() == kind && s.overlaps(fromNanos, toNanos)) {
        hit.add(s);
      }
    }
    return hit;
  }

  /** The total duration (ns) of the spans of {@code kind} that overlap {@code [fromNanos, toNanos]}. */
  long busyNanos(Kind kind, long fromNanos, long toNanos) {
    return within(kind, fromNanos, toNanos).stream().mapToLong(Span::durationNanos).sum();
  }

  @Override
  public void close() {
    stream.close();
  }
}
