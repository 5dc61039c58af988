package io.kimp.gateway;

import com.typesafe.config.Config;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRules;
import io.kimp.gateway.LiveSettings.PreflightSettings;
import io.kimp.gateway.binance.BinanceFuturesSettings;
import io.kimp.gateway.binance.BinanceSettings;
import io.kimp.gateway.limit.RateLimitSettings;
import io.kimp.gateway.paper.PaperSettings;
import io.kimp.gateway.upbit.UpbitSettings;
import java.util.Optional;

/**
 * Everything the venues' gateways are built from, read once at start-up ({@link #from}): the trading mode, the paper
 * venues' settings, in live mode the two venues' endpoints and keys, the keys' rate limits and the pre-flight, and the
 * fees and transfer rules both kinds of venue charge by.
 *
 * @param live present in live mode only (its keys are required there and nowhere else)
 * @param hedge whether the transfer hedge trades perpetual futures ({@code kimp.hedge.enabled}), and their taker fee
 */
public record GatewaySettings(
    TradingMode mode, PaperSettings paper, Optional<Live> live, TradingCosts costs, TransferRules transfers,
    Hedge hedge) {

  /** The settings without the hedge (off). */
  public GatewaySettings(
      TradingMode mode, PaperSettings paper, Optional<Live> live, TradingCosts costs, TransferRules transfers) {
    this(mode, paper, live, costs, transfers, Hedge.OFF);
  }

  /**
   * The futures venue's part of the hedge's settings.
   *
   * @param enabled {@code kimp.hedge.enabled}: the perpetual gateway is built only then
   * @param takerFee {@code kimp.fees.binance-futures.taker}
   */
  public record Hedge(boolean enabled, java.math.BigDecimal takerFee) {
    public static final Hedge OFF = new Hedge(false, new java.math.BigDecimal("0.0005"));
  }

  /**
   * The live venues' settings ({@code kimp.exchanges.*}).
   *
   * @param futures Binance USDT-M futures, on the Binance key
   */
  public record Live(
      UpbitSettings upbit, BinanceSettings binance, RateLimitSettings rateLimits, PreflightSettings preflight,
      BinanceFuturesSettings futures) {}

  /** Reads and validates the gateways' settings; a bad or (in live mode) missing one names its key. */
  public static GatewaySettings from(Config c) {
    TradingMode mode = TradingMode.from(c);
    Optional<Live> live = Optional.empty();
    if (mode == TradingMode.LIVE) {
      UpbitSettings upbit = LiveSettings.upbit(c);
      BinanceSettings binance = LiveSettings.binance(c);
      live = Optional.of(new Live(upbit, binance, LiveSettings.rateLimits(c), LiveSettings.preflight(c),
          LiveSettings.binanceFutures(c, binance)));
    }
    Hedge hedge = new Hedge(c.hasPath("kimp.hedge.enabled") && c.getBoolean("kimp.hedge.enabled"),
        LiveSettings.futuresTakerFee(c));
    return new GatewaySettings(mode, PaperSettings.from(c), live, CoreSettings.costs(c), CoreSettings.transfers(c),
        hedge);
  }
}
