package io.kimp.backtest.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  private static long parse(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return Timestamps.parseMillis(b, 0, b.length);
  }

  @Test
  void naiveTimestampsAreUtcAndAgreeWithJavaTimeAcrossCenturiesAndLeapDays() {
    DateTimeFormatter naive = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      long sec = rnd.nextLong(0, 4_102_444_800L);
      LocalDateTime t = LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC);
      assertThat(parse(naive.format(t))).as(naive.format(t)).isEqualTo(sec * 1000);
      assertThat(parse(t.toLocalDate().toString())).isEqualTo(t.toLocalDate().toEpochDay() * 86_400_000L);
    }
    assertThat(parse("2024-02-29 12:00:00")).isEqualTo(Instant.parse("2024-02-29T12:00:00Z").toEpochMilli());
  }

  @Test
  void acceptsIsoWithZoneOrOffsetOrFractionAndEpochMillis() {
    long t = Instant.parse("2025-05-28T18:10:00Z").toEpochMilli();
    assertThat(parse("2025-05-28 18:10:00")).isEqualTo(t);
    assertThat(parse("2025-05-28T18:10:00")).isEqualTo(t);
    assertThat(parse("2025-05-28T18:10:00Z")).isEqualTo(t);
    assertThat(parse("2025-05-28T18:10:00.250Z")).isEqualTo(t + 250);
    assertThat(parse("2025-05-28T18:10:00.2Z")).isEqualTo(t + 200);
    assertThat(parse("2025-05-29T03:10:00+09:00")).isEqualTo(t);
    assertThat(parse("2025-05-29T03:10:00+0900")).isEqualTo(t);
    assertThat(parse("2025-05-28T13:10:00-05:00")).isEqualTo(t);
    assertThat(parse(Long.toString(t))).isEqualTo(t);
  }

  @Test
  void rejectsImpossibleOrAmbiguousTimes() {
    for (String s : new String[] {"", "2025-13-01", "2025-02-29", "2025-04-31 00:00:00", "2025-05-28 24:00:00",
        "2025-05-28 18:60:00", "2025-05-28 18:10", "2025/05/28 18:10:00", "2025-05-28X18:10:00",
        "2025-05-28T18:10:00+25:00", "2025-05-28T18:10:00Q", "1716919800" /* epoch seconds, not ms */, "abc"}) {
      assertThat(parse(s)).as("'%s'", s).isEqualTo(Timestamps.INVALID);
    }
  }

  @Test
  void formatsBackToTheSameInstant() {
    long t = Instant.parse("2025-05-28T18:10:00Z").toEpochMilli();
    assertThat(Timestamps.naive(t)).isEqualTo("2025-05-28 18:10:00");
    assertThat(Timestamps.iso(t)).isEqualTo("2025-05-28T18:10:00Z");
  }
}
