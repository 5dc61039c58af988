package io.kimp.gateway;

import com.typesafe.config.Config;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.strategy.TransferRules;
import io.kimp.gateway.LiveSettings.PreflightSettings;
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
 */
public record GatewaySettings(
    TradingMode mode, PaperSettings paper, Optional<Live> live, TradingCosts costs, TransferRules transfers) {

  /** The live venues' settings ({@code kimp.exchanges.*}). */
  public record Live(
      UpbitSettings upbit, BinanceSettings binance, RateLimitSettings rateLimits, PreflightSettings preflight) {}

  /** Reads and validates the gateways' settings; a bad or (in live mode) missing one names its key. */
  public static GatewaySettings from(Config c) {
    TradingMode mode = TradingMode.from(c);
    Optional<Live> live = mode == TradingMode.LIVE
        ? Optional.of(new Live(LiveSettings.upbit(c), LiveSettings.binance(c), LiveSettings.rateLimits(c),
            LiveSettings.preflight(c)))
        : Optional.empty();
    return new GatewaySettings(mode, PaperSettings.from(c), live, CoreSettings.costs(c), CoreSettings.transfers(c));
  }
}
