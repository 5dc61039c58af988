package io.kimp.feeds.source;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.AbruptStageTerminationException;
import org.apache.pekko.stream.AbruptTerminationException;
import org.apache.pekko.stream.RestartSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a person reads when a market-data connection fails: one line per venue and attempt (what failed, when the next
 * attempt is, and that {@code ./kimp run --simulate} works offline), never a stack trace; that goes to the debug level.
 * The restart stages themselves log at debug only ({@link #quiet}).
 */
public final class ReconnectLog {
  private static final Logger log = LoggerFactory.getLogger(ReconnectLog.class);

  /** The offline hint, on every line about a connection that never opened. */
  public static final String OFFLINE_HINT = "without network, ./kimp run --simulate works offline";

  private final String what;
  private final String target;
  private final long minBackoffMs;
  private final long maxBackoffMs;
  private final AtomicInteger failuresInARow = new AtomicInteger();

  /**
   * @param what the connection in words, e.g. "upbit market data"
   * @param target where it connects (a URL)
   */
  public ReconnectLog(String what, String target, RestartSettings restart) {
    this.what = what;
    this.target = target;
    this.minBackoffMs = restart.minBackoff().toMillis();
    this.maxBackoffMs = restart.maxBackoff().toMillis();
  }

  /** The restart settings with the restart stage's own messages (a stack trace each) at debug level. */
  public static RestartSettings quiet(RestartSettings restart) {
    return restart.withLogSettings(
        RestartSettings.createLogSettings(org.apache.pekko.event.Logging.DebugLevel())
            .withCriticalLogLevel(org.apache.pekko.event.Logging.DebugLevel(), Integer.MAX_VALUE));
  }

  /** An attempt's stream ended: logs one line if it failed. */
  public void ended(boolean hadOpened, Throwable cause) {
    if (hadOpened) {
      failuresInARow.set(0);
    }
    if (cause == null) {
      return;
    }
    if (cause instanceof AbruptTerminationException || cause instanceof AbruptStageTerminationException) {
      log.debug("{}: stopped with the actor system", what, cause); // a shutdown, not a failure
      return;
    }
    int n = failuresInARow.incrementAndGet();
    String next = seconds(nextDelayMs(n));
    if (hadOpened) {
      log.warn("{}: connection to {} lost ({}); reconnecting in about {} s", what, target, describe(cause), next);
    } else {
      log.warn("{}: cannot connect to {} ({}); attempt {} failed, next attempt in about {} s ({})", what, target,
          describe(cause), n, next, OFFLINE_HINT);
    }
    log.debug("{}: the failure in full", what, cause);
  }

  /** The restart stage's backoff after {@code n} failures in a row (its random factor aside). */
  long nextDelayMs(int n) {
    double d = minBackoffMs * Math.pow(2, Math.min(n - 1, 30));
    return (long) Math.min(maxBackoffMs, d);
  }

  private static String seconds(long ms) {
    return ms < 10_000 ? String.format(Locale.ROOT, "%.1f", ms / 1000.0) : Long.toString(Math.round(ms / 1000.0));
  }

  /** The innermost cause in one line: its class's simple name and message. */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse(""));
  }
}
