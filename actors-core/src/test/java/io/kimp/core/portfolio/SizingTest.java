package io.kimp.core.portfolio;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SizingTest {
  private static PortfolioSettings s(SizingRule rule) {
    return new PortfolioSettings(new BigDecimal("1000000"), rule, new BigDecimal("250000"), new BigDecimal("20"),
        new BigDecimal("10000"), 3, new BigDecimal("900000"), BigDecimal.ZERO, ZoneId.of("UTC"));
  }

  private static BigDecimal d(String v) {
    return new BigDecimal(v);
  }

  @Test
  void fixedAmountIsCappedByFreeCapitalAndExposure() {
    assertThat(Sizing.size(s(SizingRule.FIXED_AMOUNT), d("1000000"), d("0"), 0, null).amountKrw()).isEqualByComparingTo("250000");
    assertThat(Sizing.size(s(SizingRule.FIXED_AMOUNT), d("1000000"), d("800000"), 1, null).amountKrw()).isEqualByComparingTo("100000");
    assertThat(Sizing.size(s(SizingRule.FIXED_AMOUNT), d("2000000"), d("750000"), 1, null).amountKrw()).isEqualByComparingTo("150000");
  }

  @Test
  void percentageIsOfEquity() {
    assertThat(Sizing.size(s(SizingRule.PERCENTAGE), d("1100000"), d("0"), 0, null).amountKrw()).isEqualByComparingTo("220000");
  }

  @Test
  void fullCapitalTakesWhatIsFree() {
    assertThat(Sizing.size(s(SizingRule.FULL_CAPITAL), d("1000000"), d("300000"), 1, null).amountKrw()).isEqualByComparingTo("600000");
  }

  @Test
  void belowTheMinimumIsRefusedWithTheLimitingFactor() {
    Sizing.Result r = Sizing.size(s(SizingRule.FIXED_AMOUNT), d("1000000"), d("995000"), 1, null);
    assertThat(r.granted()).isFalse();
    assertThat(r.refusal()).contains("free capital 5000");
    assertThat(Sizing.size(s(SizingRule.FIXED_AMOUNT), d("1000000"), d("0"), 3, null).refusal()).contains("max concurrent");
  }
}
