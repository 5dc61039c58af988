package io.kimp.core.portfolio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.config.CoreSettings;
import java.math.BigDecimal;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The one definition of the runtime settings' ranges, used by the configuration and the admin API alike. */
class PortfolioSettingsTest {

  private static PortfolioSettings with(String capital, String fixed, String pct, String minOrder, int maxCycles,
      String minSpread, String finalizer) {
    return new PortfolioSettings(new BigDecimal(capital), SizingRule.FIXED_AMOUNT, new BigDecimal(fixed),
        new BigDecimal(pct), new BigDecimal(minOrder), maxCycles, new BigDecimal("5000000"), new BigDecimal("0"),
        ZoneId.of("Asia/Seoul"), new BigDecimal(minSpread), new BigDecimal(finalizer));
  }

  @Test
  void theDefaultsAndTheConfigurationAreValid() {
    assertThat(PortfolioSettings.defaults().problems()).isEmpty();
    PortfolioSettings configured = CoreSettings.portfolio(ConfigFactory.load());
    assertThat(configured.problems()).isEmpty();
    assertThat(configured.minSpreadPercent()).isEqualByComparingTo("0.5");
    assertThat(configured.finalizerMinProfitPercent()).isEqualByComparingTo("0.1");
  }

  @Test
  void everyValueOutOfRangeIsNamedByItsField() {
    assertThat(with("0", "250000", "10", "10000", 5, "0.5", "0.1").problems())
        .containsOnlyKeys("capitalKrw").containsValue("must be positive, not 0");
    assertThat(with("1e16", "250000", "10", "10000", 5, "0.5", "0.1").problems()).containsOnlyKeys("capitalKrw");
    assertThat(with("1000000", "250000", "100.5", "10000", 5, "0.5", "0.1").problems()).containsOnlyKeys("percentage");
    assertThat(with("1000000", "250000", "10", "-1", 5, "0.5", "0.1").problems()).containsOnlyKeys("minOrderKrw");
    assertThat(with("1000000", "250000", "10", "10000", 0, "0.5", "0.1").problems())
        .containsOnlyKeys("maxConcurrentCycles");
    assertThat(with("1000000", "250000", "10", "10000", 1001, "0.5", "0.1").problems())
        .containsOnlyKeys("maxConcurrentCycles");
    assertThat(with("1000000", "250000", "10", "10000", 5, "-0.1", "0.1").problems())
        .containsOnlyKeys("minSpreadPercent");
    assertThat(with("1000000", "250000", "10", "10000", 5, "0.5", "-100.01").problems())
        .containsOnlyKeys("finalizerMinProfitPercent");
    assertThat(with("1000000", "250000", "10", "10000", 5, "0", "0.1").problems()).containsOnlyKeys("minSpreadPercent");
    assertThat(with("1000000", "250000", "10", "10000", 5, "0.01", "-100").problems()).isEmpty();
    // a fixed amount below the minimum order would refuse every cycle
    assertThat(with("1000000", "5000", "10", "10000", 5, "0.5", "0.1").problems()).containsOnlyKeys("fixedAmountKrw");
  }

  @Test
  void aBadConfiguredValueFailsNamingItsKey() {
    assertThatThrownBy(() -> CoreSettings.portfolio(
            ConfigFactory.parseString("kimp.strategy.finalizer-min-profit-percent = 250")
                .withFallback(ConfigFactory.load())))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("kimp.strategy.finalizer-min-profit-percent");
    assertThatThrownBy(() -> CoreSettings.portfolio(
            ConfigFactory.parseString("kimp.risk.max-concurrent-cycles = 0").withFallback(ConfigFactory.load())))
        .hasMessageContaining("kimp.risk.max-concurrent-cycles");
    assertThatThrownBy(() -> CoreSettings.portfolio(
            ConfigFactory.parseString("kimp.strategy.min-spread-percent = lots").withFallback(ConfigFactory.load())))
        .hasMessageContaining("kimp.strategy.min-spread-percent").hasMessageContaining("must be a number");
  }
}
