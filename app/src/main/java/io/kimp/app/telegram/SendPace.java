package io.kimp.app.telegram;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the next message may go to Telegram, on the notifier's clock: after a delivery the chat's minimum interval, after a
 * 429 Telegram's {@code retry_after}, after a failure the backoff.
 */
final class SendPace {
  private final Clock clock;
  private Instant nextAt;

  SendPace(Clock clock) {
    this.clock = clock;
    this.nextAt = clock.instant();
  }

  /** No message before {@code d} from now. */
  void holdFor(Duration d) {
    nextAt = clock.instant().plus(d);
  }

  /** How long until a message may go: zero when one may go now. */
  Duration remaining() {
    Duration d = Duration.between(clock.instant(), nextAt);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
