package io.kimp.app.watch;

import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.feeds.source.ConnectionHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When market data deserves an operator's attention, as a pure function of successive observations:
 *
 * <ul>
 *   <li>FEED_DOWN: a connection has been down, or connected but silent, for {@code downAfter};
 *   <li>FEED_STALE: no fresh quote for any watched coin for {@code staleAfter} (the detector offers nothing meanwhile);
 *   <li>THROUGHPUT_DROP: the frame rate fell below {@code dropFraction} of its own trailing average, which needs
 *       {@code warmUp} of history first (a quiet market at night is not an alarm; a feed that stops being fed is).
 * </ul>
 *
 * An alarm is raised once when its condition starts and again only after it has cleared; the notifier's de-duplication
 * window adds a second guard.
 */
public final class FeedAlarms {

  /** The thresholds ({@code kimp.alerts.feeds.*}). */
  public record Settings(Duration downAfter, Duration staleAfter, double dropFraction, Duration warmUp) {
    public static Settings fromConfig(com.typesafe.config.Config c) {
      double f = c.getDouble("kimp.alerts.feeds.throughput-drop-fraction");
      if (!(f > 0 && f < 1)) {
        throw new com.typesafe.config.ConfigException.BadValue(
            "kimp.alerts.feeds.throughput-drop-fraction", "must be between 0 and 1 (exclusive), not " + f);
      }
      return new Settings(
          io.kimp.core.config.CoreSettings.positive(c, "kimp.alerts.feeds.down-after"),
          io.kimp.core.config.CoreSettings.positive(c, "kimp.alerts.feeds.stale-after"), f,
          io.kimp.core.config.CoreSettings.positive(c, "kimp.alerts.feeds.warm-up"));
    }
  }

  /** One observation of the feeds. */
  public record Observation(Instant at, List<ConnectionHealth> connections, long frames, int freshCoins, int coins) {}

  private final Settings settings;
  private final Map<String, Instant> downSince = new HashMap<>();
  private final Map<String, Boolean> downRaised = new HashMap<>();
  private Instant staleSince;
  private boolean staleRaised;
  private Instant firstAt;
  private Instant lastAt;
  private long lastFrames;
  private double averageRate = Double.NaN;
  private boolean dropRaised;

  public FeedAlarms(Settings settings) {
    this.settings = settings;
  }

  /** The alerts this observation raises. */
  public List<Alert> observe(Observation o) {
    List<Alert> out = new ArrayList<>();
    for (ConnectionHealth c : o.connections()) {
      boolean silent = c.lastMessageAge() != null && c.lastMessageAge().compareTo(settings.downAfter()) >= 0;
      if (c.connected() && !silent) {
        downSince.remove(c.name());
        downRaised.remove(c.name());
        continue;
      }
      // down since we saw it disconnected, or silent since its last frame (reconnects that deliver nothing included)
      Instant since =
          silent
              ? downSince.merge(c.name(), o.at().minus(c.lastMessageAge()), (a, b) -> a.isBefore(b) ? a : b)
              : downSince.computeIfAbsent(c.name(), n -> o.at());
      if (!downRaised.getOrDefault(c.name(), false) && elapsed(since, o.at(), settings.downAfter())) {
        downRaised.put(c.name(), true);
        out.add(alert(AlertKind.FEED_DOWN, Alert.Severity.CRITICAL, c.name(),
            "Market data connection " + c.name() + " down for " + minutes(since, o.at())
                + (c.connected() ? " (connected but silent)" : ""), o.at(),
            "reconnects", Long.toString(c.reconnects()),
            "last error", c.lastError() == null ? "none" : c.lastError(),
            "effect", "no opportunities from this venue; open cycles continue"));
      }
    }
    if (o.coins() > 0 && o.freshCoins() == 0) {
      if (staleSince == null) {
        staleSince = o.at();
      }
      if (!staleRaised && elapsed(staleSince, o.at(), settings.staleAfter())) {
        staleRaised = true;
        out.add(alert(AlertKind.FEED_STALE, Alert.Severity.WARNING, "quotes",
            "No fresh quotes for any of " + o.coins() + " coins for " + minutes(staleSince, o.at()), o.at(),
            "effect", "no opportunities are offered while prices are stale"));
      }
    } else {
      staleSince = null;
      staleRaised = false;
    }
    throughput(o, out);
    return out;
  }

  private void throughput(Observation o, List<Alert> out) {
    if (firstAt == null) {
      firstAt = o.at();
      lastAt = o.at();
      lastFrames = o.frames();
      return;
    }
    double seconds = Duration.between(lastAt, o.at()).toMillis() / 1000.0;
    if (seconds <= 0) {
      return;
    }
    double rate = (o.frames() - lastFrames) / seconds;
    lastAt = o.at();
    lastFrames = o.frames();
    boolean warm = elapsed(firstAt, o.at(), settings.warmUp());
    if (warm && averageRate > 0 && rate < averageRate * settings.dropFraction()) {
      if (!dropRaised) {
        dropRaised = true;
        out.add(alert(AlertKind.THROUGHPUT_DROP, Alert.Severity.WARNING, "frames",
            String.format("Market data throughput dropped to %.1f frames/s (average %.1f)", rate, averageRate), o.at(),
            "threshold", String.format("%.0f %% of the average", settings.dropFraction() * 100)));
      }
      return; // a drop does not pull the average down with it
    }
    if (rate >= averageRate * settings.dropFraction() || !warm) {
      dropRaised = false;
    }
    // exponential average over about 30 observations
    averageRate = Double.isNaN(averageRate) ? rate : averageRate + (rate - averageRate) / 30.0;
  }

  private static boolean elapsed(Instant since, Instant now, Duration d) {
    return Duration.between(since, now).compareTo(d) >= 0;
  }

  private static String minutes(Instant since, Instant now) {
    long s = Duration.between(since, now).toSeconds();
    return s < 120 ? s + " s" : (s / 60) + " min";
  }

  private static Alert alert(
      AlertKind kind, Alert.Severity severity, String subject, String title, Instant at, String... kv) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      fields.put(kv[i], kv[i + 1]);
    }
    return new Alert(kind, severity, subject, title, fields, at);
  }
}
