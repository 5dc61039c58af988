package io.kimp.gateway.http;

import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.VenueException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A whole-venue pause after a 429 or 418: until it ends every call fails fast as {@link FailureClass#TRANSIENT} without
 * touching the network, because the venues escalate bans (Binance: 2 minutes up to 3 days) for clients that keep calling.
 */
public final class VenueBackoff {
  private final Venue venue;
  private final Clock clock;
  private final AtomicReference<Instant> until = new AtomicReference<>(Instant.EPOCH);

  public VenueBackoff(Venue venue, Clock clock) {
    this.venue = venue;
    this.clock = clock;
  }

  /** Pauses the venue for {@code wait} from now (a longer pause already running is kept). */
  public void pause(Duration wait) {
    Instant end = clock.instant().plus(wait);
    until.accumulateAndGet(end, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** The rest of the pause, if one is running. */
  public Optional<Duration> remaining() {
    Duration left = Duration.between(clock.instant(), until.get());
    return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
  }

  /** Throws a {@link FailureClass#TRANSIENT} {@link VenueException} while the venue is paused. */
  public void check(String what) {
    Optional<Duration> left = remaining();
    if (left.isPresent()) {
      throw new VenueException(
          venue, FailureClass.TRANSIENT, "backoff",
          what + " not sent: " + venue + " asked us to back off for another " + left.get().toMillis() + " ms",
          left.get(), null);
    }
  }

  /** Parses a {@code Retry-After} header (seconds); {@code fallback} when absent or unreadable. */
  public static Duration retryAfter(HttpReply reply, Duration fallback) {
    return reply
        .header("retry-after")
        .flatMap(
            v -> {
              try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            })
        .filter(d -> !d.isNegative())
        .orElse(fallback);
  }
}
