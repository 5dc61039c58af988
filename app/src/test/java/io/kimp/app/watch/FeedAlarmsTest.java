package io.kimp.app.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.feeds.source.ConnectionHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedAlarmsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final FeedAlarms alarms =
      new FeedAlarms(new FeedAlarms.Settings(Duration.ofSeconds(60), Duration.ofMinutes(2), 0.2, Duration.ofMinutes(10)));

  private static ConnectionHealth conn(String name, boolean up) {
    return new ConnectionHealth(name, up, up ? T0 : null, 3, 0, Duration.ZERO, 0, 0, up ? null : "connection refused");
  }

  private List<Alert> at(long seconds, boolean upbitUp, long frames, int fresh) {
    return alarms.observe(new FeedAlarms.Observation(T0.plusSeconds(seconds),
        List.of(conn("upbit", upbitUp), conn("binance-0", true)), frames, fresh, 20));
  }

  @Test
  void aConnectionDownLongerThanTheThresholdRaisesOnceUntilItRecovers() {
    assertThat(at(0, false, 0, 20)).isEmpty();
    assertThat(at(50, false, 0, 20)).isEmpty();
    List<Alert> down = at(60, false, 0, 20);
    assertThat(down).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AlertKind.FEED_DOWN);
      assertThat(a.subject()).isEqualTo("upbit");
      assertThat(a.fields()).containsEntry("last error", "connection refused");
    });
    assertThat(at(70, false, 0, 20)).isEmpty();
    assertThat(at(80, true, 0, 20)).isEmpty();
    assertThat(at(90, false, 0, 20)).isEmpty();
    assertThat(at(150, false, 0, 20)).extracting(Alert::kind).containsExactly(AlertKind.FEED_DOWN);
  }

  @Test
  void aConnectedButSilentConnectionIsDownToo() {
    ConnectionHealth silent =
        new ConnectionHealth("upbit", true, T0, 7, 0, Duration.ofSeconds(61), 0, 0, "idle timeout");
    List<Alert> a = alarms.observe(new FeedAlarms.Observation(T0, List.of(silent), 0, 20, 20));
    assertThat(a).singleElement().satisfies(x -> {
      assertThat(x.kind()).isEqualTo(AlertKind.FEED_DOWN);
      assertThat(x.title()).contains("connected but silent");
    });
  }

  @Test
  void noFreshQuoteForAnyCoinRaisesFeedStale() {
    assertThat(at(0, true, 0, 0)).isEmpty();
    assertThat(at(119, true, 0, 0)).isEmpty();
    assertThat(at(120, true, 0, 0)).extracting(Alert::kind).containsExactly(AlertKind.FEED_STALE);
    assertThat(at(130, true, 0, 0)).isEmpty();
    assertThat(at(140, true, 0, 5)).isEmpty();
  }

  @Test
  void aThroughputDropIsRaisedOnlyAfterWarmUpAndOnce() {
    long frames = 0;
    for (int s = 0; s <= 600; s += 10) { // 100 frames/s for ten minutes
      assertThat(at(s, true, frames, 20)).isEmpty();
      frames += 1000;
    }
    frames -= 1000;
    frames += 50; // 5 frames/s: below 20 % of 100
    assertThat(at(610, true, frames, 20)).extracting(Alert::kind).containsExactly(AlertKind.THROUGHPUT_DROP);
    frames += 50;
    assertThat(at(620, true, frames, 20)).isEmpty();
    frames += 1000; // back to normal, then down again
    assertThat(at(630, true, frames, 20)).isEmpty();
    frames += 10;
    assertThat(at(640, true, frames, 20)).extracting(Alert::kind).containsExactly(AlertKind.THROUGHPUT_DROP);
  }

  @Test
  void aQuietStartIsNotADrop() {
    assertThat(at(0, true, 0, 20)).isEmpty();
    assertThat(at(10, true, 1000, 20)).isEmpty();
    assertThat(at(20, true, 1001, 20)).isEmpty(); // before warm-up
  }
}
