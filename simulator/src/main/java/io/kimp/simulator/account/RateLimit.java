package io.kimp.simulator.account;

/**
 * A venue's request counter that the private endpoints share with its public ones (Binance's request weight per
 * minute): {@link #add} returns the weight used in the window, or -1 when this request goes over the limit.
 */
public interface RateLimit {
  int add(long now, int weight);

  int used(long now);

  int limit();

  long secondsLeft(long now);
}
