package io.kimp.core.settings;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;

/**
 * The strategy thresholds operators tune at runtime, as the portfolio singleton holds them and publishes them to every
 * node.
 *
 * @param minSpreadPercent the net edge an opportunity needs to be traded
 * @param finalizerMinProfitPercent the whole cycle's minimum expected net profit to start the rebalance leg
 * @param revision increases with every change the singleton persists; a node keeps the highest it has seen, so that a
 *     late message from before a change never undoes it. -1: the node's own configuration, not yet heard from the
 *     singleton
 */
public record StrategyThresholds(BigDecimal minSpreadPercent, BigDecimal finalizerMinProfitPercent, long revision)
    implements CborSerializable {

  public static final long FROM_LOCAL_CONFIG = -1;
}
