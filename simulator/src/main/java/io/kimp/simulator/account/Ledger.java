package io.kimp.simulator.account;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated account's balances per asset: free, and locked by open orders. Changes are all or nothing: a change that
 * would take any asset below zero changes nothing. Guarded by {@link SimAccounts}' lock, like everything in the accounts.
 */
final class Ledger {
  private final Map<String, BigDecimal> free = new TreeMap<>();
  private final Map<String, BigDecimal> locked = new TreeMap<>();

  Ledger(Map<String, BigDecimal> start) {
    start.forEach((k, v) -> free.put(k, v));
  }

  BigDecimal free(String asset) {
    return free.getOrDefault(asset, BigDecimal.ZERO);
  }

  BigDecimal locked(String asset) {
    return locked.getOrDefault(asset, BigDecimal.ZERO);
  }

  /** Assets with anything free or locked, in name order. */
  Map<String, BigDecimal[]> all() {
    Map<String, BigDecimal[]> out = new TreeMap<>();
    free.forEach((k, v) -> out.put(k, new BigDecimal[] {v, locked(k)}));
    locked.forEach((k, v) -> out.putIfAbsent(k, new BigDecimal[] {free(k), v}));
    return out;
  }

  /** Applies {@code deltas} to the free balances, all or nothing; false (nothing changed) when one would go negative. */
  boolean apply(Map<String, BigDecimal> deltas) {
    for (Map.Entry<String, BigDecimal> d : deltas.entrySet()) {
      if (free(d.getKey()).add(d.getValue()).signum() < 0) {
        return false;
      }
    }
    deltas.forEach((k, v) -> free.merge(k, v, BigDecimal::add));
    return true;
  }

  /** Moves {@code amount} from free to locked; false when not that much is free. */
  boolean lock(String asset, BigDecimal amount) {
    if (free(asset).compareTo(amount) < 0) {
      return false;
    }
    free.merge(asset, amount.negate(), BigDecimal::add);
    locked.merge(asset, amount, BigDecimal::add);
    return true;
  }

  /** Releases {@code amount} of the locked balance: back to free ({@code spend} false) or gone (spent by a fill). */
  void release(String asset, BigDecimal amount, boolean spend) {
    BigDecimal l = locked(asset).subtract(amount);
    locked.put(asset, l.signum() < 0 ? BigDecimal.ZERO : l);
    if (!spend) {
      free.merge(asset, amount, BigDecimal::add);
    }
  }

  void credit(String asset, BigDecimal amount) {
    free.merge(asset, amount, BigDecimal::add);
  }

  /** Free plus locked, per asset. */
  Map<String, BigDecimal> totals() {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    all().forEach((k, v) -> out.put(k, v[0].add(v[1])));
    return out;
  }
}
