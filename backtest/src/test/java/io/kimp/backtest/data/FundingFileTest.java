package io.kimp.backtest.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.backtest.TestData;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FundingFileTest {
  @TempDir Path dir;

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void aFundingTimePaysTheRowStampedWithinAMinuteOfItAndNothingWithoutOne() throws Exception {
    // Binance's own columns and epoch stamps, a few ms late; negative rates are rates
    Path f = TestData.write(dir, "funding.csv", "symbol,fundingTime,fundingRate\n"
        + "BTCUSDT," + (ms("2025-03-03T00:00:00Z") + 4) + ",0.00010000\n"
        + "BTCUSDT," + (ms("2025-03-03T08:00:00Z") + 2) + ",-0.00002500\n");
    FundingSeries s = FundingFile.read(f, false);
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.rateAt(ms("2025-03-03T00:00:00Z"))).isEqualByComparingTo("0.0001");
    assertThat(s.rateAt(ms("2025-03-03T08:00:00Z"))).isEqualByComparingTo("-0.000025");
    assertThat(s.rateAt(ms("2025-03-03T16:00:00Z"))).isNull();
    assertThat(s.rateAt(ms("2025-03-02T16:00:00Z"))).isNull();
  }

  @Test
  void aBadRowIsNamedByFileAndLine() throws Exception {
    Path percent = TestData.write(dir, "p.csv", "timestamp,rate\n2025-03-03 00:00:00,0.01\n2025-03-03 08:00:00,1.5\n");
    assertThatThrownBy(() -> FundingFile.read(percent, false)).isInstanceOf(BadInputException.class)
        .hasMessage(percent + ":3: bad number: rate 1.5 is beyond ±0.05 (a fraction per funding period: 0.0001 = 0.01 %)");
    Path back = TestData.write(dir, "b.csv", "timestamp,rate\n2025-03-03 08:00:00,0.01\n2025-03-03 00:00:00,0.01\n");
    assertThatThrownBy(() -> FundingFile.read(back, false)).hasMessageStartingWith(back + ":3: timestamp not after");
    Path header = TestData.write(dir, "h.csv", "when,what\n");
    assertThatThrownBy(() -> FundingFile.read(header, false)).hasMessageContaining(header + ":1: header 'when,what'");
    FundingSeries lenient = FundingFile.read(percent, true);
    assertThat(lenient.size()).isEqualTo(1);
    assertThat(lenient.problems().skipped()).isEqualTo(1);
  }
}
