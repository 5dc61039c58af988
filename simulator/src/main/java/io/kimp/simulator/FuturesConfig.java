package io.kimp.simulator;

import java.util.Set;

/**
 * The simulator's Binance USDT-M futures venue ({@link BinanceFuturesVenue}): where it listens and which coins have no
 * perpetual. Beside {@link SimulatorConfig} rather than in it, so that the spot venues' configuration stays as it is.
 *
 * @param port the futures port, 0 for an ephemeral one
 * @param unlisted coins of the simulator that have no perpetual (the transfer hedge's "unlisted" case)
 */
public record FuturesConfig(int port, Set<String> unlisted) {
  public FuturesConfig {
    unlisted = Set.copyOf(unlisted);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the futures port must be between 0 and 65535");
    }
  }

  /** An ephemeral port, every coin with a perpetual. */
  public static FuturesConfig defaults() {
    return new FuturesConfig(0, Set.of());
  }

  public FuturesConfig withPort(int p) {
    return new FuturesConfig(p, unlisted);
  }

  public FuturesConfig withUnlisted(Set<String> coins) {
    return new FuturesConfig(port, coins);
  }
}
