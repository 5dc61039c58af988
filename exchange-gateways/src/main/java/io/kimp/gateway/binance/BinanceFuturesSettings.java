package io.kimp.gateway.binance;

import io.kimp.gateway.http.ApiCredentials;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Live Binance USDT-M futures settings: the futures API's base URL ({@code kimp.exchanges.binance.futures-url}), the
 * spot API's (where the wallet transfer between spot and futures lives), and the spot key, which trades futures once
 * futures are enabled on it. The hedge's futures and the spot legs share one key, so they share its limits too.
 *
 * @param takerFee the fee used when {@code /fapi/v1/commissionRate} cannot be read ({@code kimp.fees.binance-futures.taker})
 * @param contractTtl exchangeInfo filters and the commission rate are re-read after this
 */
public record BinanceFuturesSettings(
    String futuresUrl,
    String spotUrl,
    ApiCredentials credentials,
    Duration recvWindow,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration defaultBackoff,
    Duration contractTtl,
    BigDecimal takerFee) {

  /** The futures settings of a spot gateway's settings: same key, timeouts and back-off. */
  public static BinanceFuturesSettings of(BinanceSettings spot, String futuresUrl, BigDecimal takerFee) {
    return new BinanceFuturesSettings(futuresUrl, spot.baseUrl(), spot.credentials(), spot.recvWindow(),
        spot.connectTimeout(), spot.requestTimeout(), spot.defaultBackoff(), spot.symbolRulesTtl(), takerFee);
  }

  @Override
  public String toString() {
    return "BinanceFuturesSettings[futuresUrl=" + futuresUrl + ", spotUrl=" + spotUrl + ", credentials=" + credentials
        + ", recvWindow=" + recvWindow + ", requestTimeout=" + requestTimeout + ", takerFee=" + takerFee + "]";
  }
}
