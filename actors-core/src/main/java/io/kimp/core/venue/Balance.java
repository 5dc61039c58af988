package io.kimp.core.venue;

import java.math.BigDecimal;

public record Balance(String asset, BigDecimal free, BigDecimal locked) {
  public BigDecimal total() {
    return free.add(locked);
  }
}
