package io.kimp.feeds.source;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live state of one logical connection (a venue's WebSocket, one Binance shard with its rotating generations, the FX
 * poller), for health checks and metrics: readable from any thread while the stream updates it.
 */
public final class ConnectionState {
  private final String name;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder attempts = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder rotations = new LongAdder();
  private final LongAdder frames = new LongAdder();
  private volatile long connectedSince;
  private volatile long lastMessageAt;
  private volatile long lastAttemptNanos;
  private volatile String lastError;
  // frames-per-second window, written by the connection's stream thread
  private volatile long windowStart = System.currentTimeMillis();
  private volatile long windowFrames;
  private volatile double framesPerSecond;

  public ConnectionState(String name) {
    this.name = name;
  }

  // ---- updated by the connection's stream (attempt, opened, frame, closed / failed, rotated)

  public String name() {
    return name;
  }

  /** A connection attempt begins; {@code retry} when it replaces one that ended (not the first, not a rotation). */
  public void attempt(boolean retry) {
    lastAttemptNanos = System.nanoTime();
    attempts.increment();
    if (retry) {
      reconnects.increment();
    }
  }

  public void opened(long now) {
    if (open.getAndIncrement() == 0) {
      connectedSince = now;
    }
  }

  public void closed(Throwable cause) {
    if (cause != null) {
      lastError = cause.toString();
    }
    if (open.decrementAndGet() <= 0) {
      open.set(0);
      connectedSince = 0;
    }
  }

  /** An attempt that never opened. */
  public void failed(Throwable cause) {
    lastError = cause.toString();
  }

  /** The attempt's stream ended: closes it if it had opened, else records why it failed. */
  public void ended(boolean hadOpened, Throwable cause) {
    if (hadOpened) {
      closed(cause);
    } else if (cause != null) {
      failed(cause);
    }
  }

  public void rotated() {
    rotations.increment();
  }

  /** A live frame: it counts, and it is the connection's newest news. */
  public void frame(long now) {
    frame(now, true);
  }

  /**
   * A frame; {@code live} false for one the venue replays on (re)subscribing (Upbit's {@code SNAPSHOT}s): it counts as
   * a frame but is no news, so a venue that answers every reconnect with its old book and then stays silent still ages
   * ({@link #lastMessageAge}) and is reported down.
   */
  public void frame(long now, boolean live) {
    frames.increment();
    if (live) {
      lastMessageAt = now;
    }
    long n = windowFrames + 1;
    long elapsed = now - windowStart;
    if (elapsed >= 1000) {
      framesPerSecond = n * 1000.0 / elapsed;
      windowStart = now;
      n = 0;
    }
    windowFrames = n;
  }

  public boolean connected() {
    return open.get() > 0;
  }

  /** When the connection (re)opened, or null while down. */
  public Instant connectedSince() {
    long s = connectedSince;
    return s == 0 ? null : Instant.ofEpochMilli(s);
  }

  public long reconnects() {
    return reconnects.sum();
  }

  /** {@link System#nanoTime()} when the latest connection attempt began (0 before the first). */
  public long lastAttemptNanos() {
    return lastAttemptNanos;
  }

  public long attempts() {
    return attempts.sum();
  }

  /** Planned replacements (Binance's 24 h limit, server shutdown notices). */
  public long rotations() {
    return rotations.sum();
  }

  public long frames() {
    return frames.sum();
  }

  /** Age of the newest live frame at {@code now}, or null if none yet (replayed snapshots do not count). */
  public Duration lastMessageAge(long now) {
    long at = lastMessageAt;
    return at == 0 ? null : Duration.ofMillis(Math.max(0, now - at));
  }

  /** Frames per second over the last completed second-long window; 0 when nothing arrived for 2 s. */
  public double framesPerSecond(long now) {
    long at = lastMessageAt;
    return at == 0 || now - at > 2000 ? 0.0 : framesPerSecond;
  }

  public String lastError() {
    return lastError;
  }

  public ConnectionHealth snapshot(long now) {
    return new ConnectionHealth(
        name, connected(), connectedSince(), reconnects(), rotations(), lastMessageAge(now), framesPerSecond(now),
        frames(), lastError);
  }
}
