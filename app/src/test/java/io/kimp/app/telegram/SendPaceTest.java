package io.kimp.app.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.fixtures.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The chat's pace on a manual clock: nothing waits for real time. */
class SendPaceTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-05T01:00:00Z"));
  private final SendPace pace = new SendPace(clock);

  @Test
  void aFreshPaceLetsTheFirstMessageGo() {
    assertThat(pace.remaining()).isZero();
  }

  @Test
  void aHoldLastsAsLongAsTheClockSays() {
    pace.holdFor(Duration.ofSeconds(1));
    assertThat(pace.remaining()).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofMillis(400));
    assertThat(pace.remaining()).isEqualTo(Duration.ofMillis(600));
    clock.advance(Duration.ofMillis(600));
    assertThat(pace.remaining()).isZero();
    clock.advance(Duration.ofHours(1));
    assertThat(pace.remaining()).isZero();
  }

  @Test
  void aLaterHoldReplacesAnEarlierOne() {
    pace.holdFor(Duration.ofSeconds(30)); // backoff
    clock.advance(Duration.ofSeconds(10));
    pace.holdFor(Duration.ofSeconds(2)); // then a 429's retry_after counted from now
    assertThat(pace.remaining()).isEqualTo(Duration.ofSeconds(2));
  }
}
