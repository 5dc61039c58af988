package io.kimp.app.node;

import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.market.MarketView;
import io.kimp.core.venue.Venues;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What a node trades with: the venues (paper, live or scripted), the market view the cycles choose rebalance coins from,
 * where alerts go (null: the cluster's Telegram notifier), the clock, and the market-data side's health (null when the
 * node runs without feeds).
 */
public record NodeComponents(
    Venues venues, MarketView market, AlertSink alerts, Clock clock, Supplier<ComponentHealth> feedsHealth) {

  public NodeComponents(Venues venues, MarketView market, AlertSink alerts, Clock clock) {
    this(venues, market, alerts, clock, null);
  }
}
