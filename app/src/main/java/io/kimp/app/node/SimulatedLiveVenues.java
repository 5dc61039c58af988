package io.kimp.app.node;

import io.kimp.core.market.Venue;
import io.kimp.gateway.GatewaySettings;
import io.kimp.gateway.binance.BinanceFuturesSettings;
import io.kimp.gateway.binance.BinanceSettings;
import io.kimp.gateway.upbit.UpbitSettings;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.account.AccountsConfig;
import io.kimp.simulator.account.SimKeys;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kimp run --simulate --live-gateways}: the live Upbit and Binance gateways trade at the in-process simulator's
 * private REST instead of the venues. The simulator accepts the keys the node is configured with (the profile's
 * simulator-only keys) and starts its accounts with the paper balances (its USDT-M futures wallet with
 * {@code kimp.paper.balances.binance-futures.USDT}), and the gateways' base URLs become the simulator's (its ports are
 * only known once it is bound): with {@code kimp.hedge.enabled} the live futures gateway trades at the simulator's
 * private {@code /fapi} on the same key.
 */
public final class SimulatedLiveVenues {
  private SimulatedLiveVenues() {}

  /** The simulator's accounts for a node with these gateway settings: its keys and its paper balances (in live mode). */
  public static AccountsConfig accounts(GatewaySettings gateways) {
    AccountsConfig a = AccountsConfig.defaults();
    Map<Venue, Map<String, BigDecimal>> start = gateways.paper().initialBalances();
    a = a.withBalances(start.getOrDefault(Venue.UPBIT, a.upbitBalances()),
        start.getOrDefault(Venue.BINANCE, a.binanceBalances()))
        .withFuturesUsdt(gateways.paper().futuresMargin());
    if (gateways.live().isEmpty()) {
      return a;
    }
    GatewaySettings.Live live = gateways.live().get();
    return a.withKeys(new SimKeys(live.upbit().credentials().key(), live.upbit().credentials().secret(),
        live.binance().credentials().key(), live.binance().credentials().secret()));
  }

  /** In live mode, the same settings with both gateways pointed at {@code sim}'s REST; otherwise unchanged. */
  public static GatewaySettings pointAt(GatewaySettings gateways, ExchangeSimulator sim) {
    if (gateways.live().isEmpty() || sim == null) {
      return gateways;
    }
    GatewaySettings.Live live = gateways.live().get();
    UpbitSettings u = live.upbit();
    BinanceSettings b = live.binance();
    BinanceSettings binance = new BinanceSettings(sim.binanceRestUrl(), b.credentials(), b.recvWindow(),
        b.connectTimeout(), b.requestTimeout(), b.defaultBackoff(), b.symbolRulesTtl());
    // the simulator's futures venue: its market data and its private /fapi (the hedge's orders, positions, margin)
    BinanceFuturesSettings futures =
        BinanceFuturesSettings.of(binance, sim.binanceFuturesRestUrl(), live.futures().takerFee());
    return new GatewaySettings(gateways.mode(), gateways.paper(), Optional.of(new GatewaySettings.Live(
        new UpbitSettings(sim.upbitRestUrl(), u.credentials(), u.connectTimeout(), u.requestTimeout(),
            u.defaultBackoff(), u.banBackoff(), u.withdrawalMatchWindow()),
        binance, live.rateLimits(), live.preflight(), futures)), gateways.costs(), gateways.transfers(),
        gateways.hedge());
  }
}
