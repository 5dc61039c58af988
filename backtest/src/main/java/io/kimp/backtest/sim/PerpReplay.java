package io.kimp.backtest.sim;

import io.kimp.backtest.data.CandleSeries;
import io.kimp.core.venue.PerpContract;
import java.math.BigDecimal;

/**
 * How a hedged replay prices its perpetual: a perpetual candle file, or none (the Binance spot book as the proxy), the
 * funding rates, and the contract filters every coin's perpetual is given (the replay has no exchange info to read).
 *
 * @param candles the perpetual's candles, or null to use spot as its proxy
 * @param candleSource the file they came from (for the report), or null
 * @param fundingSource where the rates come from, for the report
 * @param leverage the leverage of a symbol the hedge did not set (Binance's default: 20)
 */
public record PerpReplay(
    CandleSeries candles,
    String candleSource,
    FundingRates funding,
    String fundingSource,
    BigDecimal quantityStep,
    BigDecimal minQuantity,
    BigDecimal minNotional,
    int leverage) {

  /** Spot as the proxy, no funding, BTCUSDT's filters (step and minimum 0.001, minimum notional 100 USDT). */
  public static PerpReplay spotProxy() {
    return new PerpReplay(null, null, FundingRates.NONE,
        "none: spot stands in for the perpetual, so no funding is paid or received", new BigDecimal("0.001"),
        new BigDecimal("0.001"), new BigDecimal("100"), 20);
  }

  public boolean proxy() {
    return candles == null;
  }

  /** {@code coin}'s contract with these filters and {@code takerFee}. */
  public PerpContract contract(String coin, BigDecimal takerFee) {
    return new PerpContract(coin, coin + "USDT", quantityStep, minQuantity, minNotional, takerFee);
  }

  public PerpReplay withCandles(CandleSeries c, String source) {
    return new PerpReplay(c, source, funding, fundingSource, quantityStep, minQuantity, minNotional, leverage);
  }

  public PerpReplay withFunding(FundingRates f, String source) {
    return new PerpReplay(candles, candleSource, f, source, quantityStep, minQuantity, minNotional, leverage);
  }
}
