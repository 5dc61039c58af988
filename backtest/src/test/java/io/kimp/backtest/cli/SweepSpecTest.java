package io.kimp.backtest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepSpecTest {

  @Test
  void decimalStepsAreExactAndBothEndsIncluded() {
    SweepSpec s = SweepSpec.parse("min-spread=0.3:1.5:0.1");
    assertThat(s.name()).isEqualTo("min-spread");
    assertThat(s.values()).hasSize(13);
    assertThat(s.values().get(0)).isEqualByComparingTo("0.3");
    assertThat(s.values().get(12).toPlainString()).isEqualTo("1.5");
    assertThat(s.values()).extracting(BigDecimal::toPlainString).contains("0.7", "1.1");
  }

  @Test
  void aGridIsEveryCombination() {
    List<Map<String, BigDecimal>> grid = SweepSpec.grid(List.of(
        SweepSpec.parse("min-spread=0.5:1.0:0.5"), SweepSpec.parse("transfer-minutes=10:30:10")));
    assertThat(grid).hasSize(6);
    assertThat(grid.get(0)).containsEntry("min-spread", new BigDecimal("0.5"))
        .containsEntry("transfer-minutes", new BigDecimal("10"));
    assertThat(grid.get(5)).containsEntry("min-spread", new BigDecimal("1.0"))
        .containsEntry("transfer-minutes", new BigDecimal("30"));
    assertThat(SweepTable.label(grid.get(5))).isEqualTo("min-spread=1.0,transfer-minutes=30");
  }

  @Test
  void malformedSpecsSayWhatIsExpected() {
    assertThatThrownBy(() -> SweepSpec.parse("min-spread")).hasMessageContaining("expected name=from:to:step");
    assertThatThrownBy(() -> SweepSpec.parse("min-spread=1:2")).hasMessageContaining("from:to:step");
    assertThatThrownBy(() -> SweepSpec.parse("min-spread=a:2:1")).hasMessageContaining("must be numbers");
    assertThatThrownBy(() -> SweepSpec.parse("min-spread=1:2:0")).hasMessageContaining("step must be positive");
    assertThatThrownBy(() -> SweepSpec.parse("min-spread=0:100000:1")).hasMessageContaining("more than 10000");
  }
}
