package io.kimp.app.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.portfolio.SizingRule;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsRulesTest {
  private static final PortfolioSettings DEFAULTS = PortfolioSettings.defaults(); // 10M capital, 250k fixed, 10k min

  private static PortfolioSettings with(
      String capital, SizingRule sizing, String fixed, String percentage, String minOrder, String exposure) {
    PortfolioSettings d = DEFAULTS;
    return new PortfolioSettings(new BigDecimal(capital), sizing, new BigDecimal(fixed), new BigDecimal(percentage),
        new BigDecimal(minOrder), d.maxConcurrentCycles(), new BigDecimal(exposure), d.dailyLossLimitKrw(),
        d.tradingDayZone(), d.minSpreadPercent(), d.finalizerMinProfitPercent());
  }

  private static List<String> fields(PortfolioSettings s, String... changed) {
    return SettingsRules.check(s, Set.of(changed)).stream().map(SettingsRules.Problem::field).toList();
  }

  @Test
  void theDefaultsAndEdgeValuesPass() {
    assertThat(SettingsRules.check(DEFAULTS)).isEmpty();
    // equal is fine: a fixed amount of the whole capital, an exposure of exactly one minimum order
    assertThat(SettingsRules.check(with("250000", SizingRule.FIXED_AMOUNT, "250000", "10", "10000", "10000")))
        .isEmpty();
    assertThat(SettingsRules.check(with("100000", SizingRule.PERCENTAGE, "250000", "10", "10000", "5000000")))
        .as("10 % of 100000 is one minimum order; the unused fixed amount does not matter").isEmpty();
  }

  @Test
  void aFixedAmountAboveTheCapital() {
    PortfolioSettings s = with("200000", SizingRule.FIXED_AMOUNT, "250000", "10", "10000", "5000000");
    assertThat(fields(s)).containsExactly("fixedAmountKrw");
    assertThat(fields(s, "capitalKrw")).containsExactly("capitalKrw");
    SettingsRules.Problem p = SettingsRules.check(s).get(0);
    assertThat(p.fields()).containsExactly("fixedAmountKrw", "capitalKrw");
    assertThat(p.message()).contains("fixedAmountKrw (250000)").contains("capitalKrw (200000)");
  }

  @Test
  void aCapitalBelowTheMinimumOrder() {
    PortfolioSettings s = with("5000", SizingRule.FULL_CAPITAL, "250000", "10", "10000", "5000000");
    assertThat(fields(s)).containsExactly("capitalKrw");
    assertThat(fields(s, "minOrderKrw")).containsExactly("minOrderKrw");
  }

  @Test
  void anExposureBelowOneOrder() {
    assertThat(fields(with("10000000", SizingRule.FULL_CAPITAL, "250000", "10", "10000", "9999")))
        .containsExactly("maxExposureKrw");
  }

  @Test
  void aPercentageThatNeverReachesTheMinimumOrder() {
    assertThat(fields(with("10000000", SizingRule.PERCENTAGE, "250000", "0.05", "10000", "5000000")))
        .containsExactly("percentage");
    assertThat(fields(with("10000000", SizingRule.PERCENTAGE, "250000", "0.05", "0", "5000000"))).isEmpty();
  }

  @Test
  void rangesComeFirstAndRequireThrowsThemAll() {
    PortfolioSettings s = with("0", SizingRule.FIXED_AMOUNT, "250000", "10", "10000", "0");
    assertThat(fields(s)).containsExactly("capitalKrw", "maxExposureKrw");
    assertThatThrownBy(() -> SettingsRules.require(s, Set.of()))
        .isInstanceOfSatisfying(SettingsRules.Refused.class, e -> {
          assertThat(e.problems()).hasSize(2);
          assertThat(e.getMessage()).contains("capitalKrw must be positive").contains("maxExposureKrw");
        });
  }
}
