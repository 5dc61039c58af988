package io.kimp.backtest.sim;

import java.math.BigDecimal;
import java.time.Instant;

/** Realised equity (capital plus the results of closed cycles) from {@code at} on. */
public record EquityPoint(Instant at, BigDecimal equityKrw) {}
