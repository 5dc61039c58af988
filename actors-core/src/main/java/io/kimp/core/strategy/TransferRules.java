package io.kimp.core.strategy;

import java.util.Map;

/** Per-coin {@link TransferRule}s; a coin without a configured rule gets {@link TransferRule#lenient}. */
public final class TransferRules {
  private final Map<String, TransferRule> rules;

  public TransferRules(Map<String, TransferRule> rules) {
    this.rules = Map.copyOf(rules);
  }

  public static TransferRules none() {
    return new TransferRules(Map.of());
  }

  public TransferRule of(String coin) {
    TransferRule rule = rules.get(coin);
    return rule != null ? rule : TransferRule.lenient(coin);
  }

  /** The coins with a configured rule ({@code kimp.transfer.coins}). */
  public java.util.Set<String> coins() {
    return rules.keySet();
  }
}
