package io.kimp.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.cycle.CycleSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cycle's settings as {@code reference.conf} documents them, read into their groups. */
class CycleSettingsConfigTest {

  @Test
  void defaultsAreWhatReferenceConfDocuments() {
    CycleSettings fromConf = CoreSettings.cycle(ConfigFactory.defaultReference());
    CycleSettings defaults = CycleSettings.defaults();
    assertThat(fromConf.retry()).isEqualTo(defaults.retry());
    assertThat(fromConf.execution()).isEqualTo(defaults.execution());
    assertThat(fromConf.transfer()).isEqualTo(defaults.transfer());
    assertThat(fromConf.rebalance().checkInterval()).isEqualTo(defaults.rebalance().checkInterval());
    assertThat(fromConf.rebalance().maxWait()).isEqualTo(defaults.rebalance().maxWait());
    assertThat(fromConf.rebalance().finalizerMinProfitPercent())
        .isEqualByComparingTo(defaults.rebalance().finalizerMinProfitPercent());
    assertThat(fromConf.hedge().enabled()).isFalse();
    assertThat(fromConf.hedge().unlisted()).isEqualTo(CycleSettings.Unlisted.TRADE_UNHEDGED);
    assertThat(fromConf.hedge().leverage()).isEqualTo(defaults.hedge().leverage());
    assertThat(fromConf.hedge().positionCheckInterval()).isEqualTo(defaults.hedge().positionCheckInterval());
    assertThat(fromConf.hedge().futuresTakerFee()).isEqualByComparingTo(defaults.hedge().futuresTakerFee());
  }

  @Test
  void theHedgeKeysLandInTheHedgePolicy() {
    CycleSettings.HedgePolicy h = CoreSettings.cycle(ConfigFactory.parseString("""
        kimp.hedge.enabled = on
        kimp.hedge.unlisted = skip
        kimp.hedge.leverage = 3
        kimp.hedge.position-check-interval = 20s
        kimp.fees.binance-futures.taker = 0.0004
        """).withFallback(ConfigFactory.defaultReference())).hedge();
    assertThat(h).isEqualTo(new CycleSettings.HedgePolicy(true, CycleSettings.Unlisted.SKIP, 3, Duration.ofSeconds(20),
        new java.math.BigDecimal("0.0004")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kimp.hedge.enabled = maybe                   | kimp.hedge.enabled",
      "kimp.hedge.unlisted = sometimes              | kimp.hedge.unlisted",
      "kimp.hedge.leverage = 0                      | kimp.hedge.leverage",
      "kimp.hedge.leverage = 200                    | kimp.hedge.leverage",
      "kimp.hedge.leverage = two                    | kimp.hedge.leverage",
      "kimp.hedge.position-check-interval = 0s      | kimp.hedge.position-check-interval",
      "kimp.hedge.position-check-interval = soon    | kimp.hedge.position-check-interval",
      "kimp.fees.binance-futures.taker = 0.5        | kimp.fees.binance-futures.taker",
      "kimp.fees.binance-futures.taker = -0.001     | kimp.fees.binance-futures.taker",
      "kimp.fees.binance-futures.taker = cheap      | kimp.fees.binance-futures.taker"})
  void aBadHedgeValueIsAnIllegalArgumentNamingItsKey(String setting, String key) {
    assertThatThrownBy(() -> CoreSettings.cycle(ConfigFactory.parseString(setting)
            .withFallback(ConfigFactory.defaultReference())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key);
  }

  @Test
  void eachKeyLandsInItsGroup() {
    CycleSettings s = CoreSettings.cycle(ConfigFactory.parseString("""
        kimp.retry.base-delay = 3m
        kimp.retry.max-attempts = 7
        kimp.alerts.retry-threshold = 2
        kimp.execution.order-timeout = 11s
        kimp.execution.withdraw-timeout = 12s
        kimp.execution.reconcile-interval = 13s
        kimp.execution.unknown-outcome-grace = 14s
        kimp.execution.redelivery-interval = 15s
        kimp.transfer.deposit-timeout = 16m
        kimp.transfer.poll-interval = 17s
        kimp.strategy.rebalance-check-interval = 18s
        kimp.strategy.max-rebalance-wait = 19m
        kimp.strategy.finalizer-min-profit-percent = 0.7
        """).withFallback(ConfigFactory.defaultReference()));
    assertThat(s.retry()).isEqualTo(new CycleSettings.RetryPolicy(Duration.ofMinutes(3), 7, 2));
    assertThat(s.retry().delay(3)).isEqualTo(Duration.ofMinutes(12));
    assertThat(s.execution()).isEqualTo(new CycleSettings.Execution(Duration.ofSeconds(11), Duration.ofSeconds(12),
        Duration.ofSeconds(13), Duration.ofSeconds(14), Duration.ofSeconds(15)));
    assertThat(s.transfer()).isEqualTo(new CycleSettings.TransferPolling(Duration.ofMinutes(16), Duration.ofSeconds(17)));
    assertThat(s.rebalance().checkInterval()).isEqualTo(Duration.ofSeconds(18));
    assertThat(s.rebalance().maxWait()).isEqualTo(Duration.ofMinutes(19));
    assertThat(s.rebalance().finalizerMinProfitPercent()).isEqualByComparingTo("0.7");
  }

  @Test
  void aBadValueNamesItsKey() {
    assertThatThrownBy(() -> CoreSettings.cycle(ConfigFactory.parseString("kimp.transfer.poll-interval = 0s")
            .withFallback(ConfigFactory.defaultReference())))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("kimp.transfer.poll-interval");
  }

  @Test
  void withersReplaceOneGroupOnly() {
    CycleSettings d = CycleSettings.defaults();
    CycleSettings longer = d.withTransfer(d.transfer().withDepositTimeout(Duration.ofHours(1)));
    assertThat(longer.transfer().depositTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(longer.transfer().pollInterval()).isEqualTo(d.transfer().pollInterval());
    assertThat(longer.withTransfer(d.transfer())).isEqualTo(d);
  }
}
