package io.kimp.backtest.sim;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The perpetual side of a hedged replay: where the perpetual's prices came from, what each closed cycle's hedge did,
 * and the futures venue's totals and positions at the end.
 *
 * @param spotProxy true when no perpetual file was given and the Binance spot book stood in for the perpetual
 * @param perpSource the perpetual candle file, or a description of the proxy
 * @param fundingSource the funding rates' source, or why there is none
 * @param byCycle each closed cycle's hedge (cycles that never hedged are absent)
 * @param positionsAtEnd the venue's signed positions when the data ended (a cycle open at the end may hold one)
 */
public record HedgeRun(
    boolean spotProxy,
    String perpSource,
    String fundingSource,
    Map<UUID, HedgeRecord> byCycle,
    BigDecimal feesUsdt,
    BigDecimal fundingUsdt,
    BigDecimal realisedUsdt,
    BigDecimal walletUsdt,
    long fundingPayments,
    long fills,
    Map<String, BigDecimal> positionsAtEnd,
    List<String> notes) {

  public HedgeRun {
    byCycle = Map.copyOf(byCycle);
    positionsAtEnd = Map.copyOf(positionsAtEnd);
    notes = List.copyOf(notes);
  }
}
