package io.kimp.gateway.binance;

import io.kimp.gateway.http.ApiCredentials;
import java.time.Duration;

/**
 * Live Binance settings ({@code kimp.exchanges.binance.*}).
 *
 * @param recvWindow how long after its timestamp Binance still accepts a signed request
 * @param defaultBackoff the pause after a 429/418 that came without a {@code Retry-After}
 */
public record BinanceSettings(
    String baseUrl,
    ApiCredentials credentials,
    Duration recvWindow,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration defaultBackoff,
    Duration symbolRulesTtl) {

  @Override
  public String toString() {
    return "BinanceSettings[baseUrl=" + baseUrl + ", credentials=" + credentials + ", recvWindow=" + recvWindow
        + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
  }
}
