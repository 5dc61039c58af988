package io.kimp.backtest.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.backtest.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FxFileTest {
  @TempDir Path dir;

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private Path daily() throws Exception {
    // Friday, then Monday: the weekend carries Friday's close; the last close covers its own day only
    return TestData.write(dir, "fx.csv", "date,close,open,high,low\n"
        + "2025-05-30,1380.5,1,1,1\n"
        + "2025-06-02,1390.0,1,1,1\n");
  }

  @Test
  void aDailyCloseIsTheRateFromItsDayUntilTheNextOneAndNoLongerThanItsDayAtTheEnd() throws Exception {
    FxSeries fx = FxFile.read(daily(), false, FxFile.Options.defaults());
    assertThat(fx.daily()).isTrue();
    assertThat(fx.rateAt(ms("2025-05-29T23:59:59Z"))).isNaN();
    assertThat(fx.rateAt(ms("2025-05-30T00:00:00Z"))).isEqualTo(1380.5);
    assertThat(fx.rateAt(ms("2025-06-01T23:55:00Z"))).isEqualTo(1380.5);
    assertThat(fx.rateAt(ms("2025-06-02T00:00:00Z"))).isEqualTo(1390.0);
    assertThat(fx.rateAt(ms("2025-06-02T23:59:59Z"))).isEqualTo(1390.0);
    assertThat(fx.rateAt(ms("2025-06-03T00:00:00Z"))).isNaN();
    FxSeries.Cursor c = fx.cursor();
    assertThat(c.rateAt(ms("2025-05-29T00:00:00Z"))).isNaN();
    assertThat(c.rateAt(ms("2025-05-31T00:00:00Z"))).isEqualTo(1380.5);
    assertThat(c.rateAt(ms("2025-06-02T12:00:00Z"))).isEqualTo(1390.0);
    assertThat(c.rateAt(ms("2025-06-03T12:00:00Z"))).isNaN();
  }

  @Test
  void aDailyCloseCanBeMadeUsableOnlyOnceKnown() throws Exception {
    FxSeries fx = FxFile.read(daily(),
        false, new FxFile.Options(Duration.ofDays(1), Duration.ofDays(4), Duration.ofHours(1)));
    assertThat(fx.rateAt(ms("2025-05-30T12:00:00Z"))).isNaN();
    assertThat(fx.rateAt(ms("2025-05-31T00:00:00Z"))).isEqualTo(1380.5);
    assertThat(fx.rateAt(ms("2025-06-02T12:00:00Z"))).isEqualTo(1380.5);
    assertThat(fx.rateAt(ms("2025-06-03T12:00:00Z"))).isEqualTo(1390.0);
  }

  @Test
  void anIntradayRateIsUsableUpToItsMaximumAge() throws Exception {
    Path f = TestData.write(dir, "fx.csv", "timestamp,rate\n"
        + "2025-01-01T00:00:00Z,1400\n"
        + "2025-01-01T00:30:00Z,1401\n"
        + "2025-01-01T03:00:00Z,1402\n");
    FxSeries fx = FxFile.read(f, false, FxFile.Options.defaults());
    assertThat(fx.daily()).isFalse();
    assertThat(fx.rateAt(ms("2025-01-01T00:29:59Z"))).isEqualTo(1400);
    assertThat(fx.rateAt(ms("2025-01-01T01:30:00Z"))).isEqualTo(1401);
    assertThat(fx.rateAt(ms("2025-01-01T01:30:01Z"))).isNaN(); // an hour without a rate: a gap, not a carry
    assertThat(fx.rateAt(ms("2025-01-01T03:59:59Z"))).isEqualTo(1402);
    assertThat(fx.rateAt(ms("2025-01-01T04:00:00Z"))).isNaN();
  }

  @Test
  void badRowsNameFileAndLine() throws Exception {
    Path f = TestData.write(dir, "fx.csv", "date,close\n2025-01-01,1400\n2025-01-02,-3\n");
    assertThatThrownBy(() -> FxFile.read(f, false, FxFile.Options.defaults()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(f + ":3: price not positive: rate -3.0");
    Path mixed = TestData.write(dir, "fx2.csv", "date,close\n2025-01-01,1400\n2025-01-02 00:00:00,1401\n");
    assertThatThrownBy(() -> FxFile.read(mixed, false, FxFile.Options.defaults()))
        .hasMessageStartingWith(mixed + ":3: bad timestamp").hasMessageContaining("mixes dates with timestamps");
    Path header = TestData.write(dir, "fx3.csv", "when,value\n2025-01-01,1400\n");
    assertThatThrownBy(() -> FxFile.read(header, false, FxFile.Options.defaults()))
        .hasMessageStartingWith(header + ":1: header 'when,value' needs a date/timestamp column");
    FxSeries lenient = FxFile.read(f, true, FxFile.Options.defaults());
    assertThat(lenient.size()).isEqualTo(1);
    assertThat(lenient.problems().skipped()).isEqualTo(1);
  }
}
