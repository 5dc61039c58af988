package io.kimp.core.cycle.journal;

import io.kimp.core.market.Direction;
import io.kimp.core.strategy.Opportunity;
import java.math.BigDecimal;
import java.time.Instant;

/** The opportunity a cycle was started for, as the journal keeps it. */
public record OpportunityAtStart(
    String symbol,
    Direction direction,
    double premiumPercent,
    double netEdgePercent,
    BigDecimal maxSizeKrw,
    BigDecimal buyPrice,
    BigDecimal sellPrice,
    BigDecimal usdtKrw,
    Instant observedAt) {

  public static OpportunityAtStart of(Opportunity o) {
    return new OpportunityAtStart(
        o.symbol(), o.direction(), o.premiumPercent(), o.netEdgePercent(), o.maxSizeKrw(), o.buyPrice(),
        o.sellPrice(), o.usdtKrw(), o.observedAt());
  }

  /** The port's record again (a capital request asked again after a restart). */
  public Opportunity toOpportunity() {
    return new Opportunity(
        symbol, direction, premiumPercent, netEdgePercent, maxSizeKrw, buyPrice, sellPrice, usdtKrw, observedAt);
  }
}
