package io.kimp.gateway.upbit;

import io.kimp.gateway.http.ApiCredentials;
import java.time.Duration;

/**
 * Live Upbit settings ({@code kimp.exchanges.upbit.*}).
 *
 * @param defaultBackoff pause after a 429 without {@code Retry-After}
 * @param banBackoff pause after a 418 without {@code Retry-After} (Upbit states the block time only in prose)
 * @param withdrawalMatchWindow how far back a withdrawal without a known uuid is searched for (Upbit keeps no client id)
 */
public record UpbitSettings(
    String baseUrl,
    ApiCredentials credentials,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration defaultBackoff,
    Duration banBackoff,
    Duration withdrawalMatchWindow) {

  @Override
  public String toString() {
    return "UpbitSettings[baseUrl=" + baseUrl + ", credentials=" + credentials + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout + "]";
  }
}
