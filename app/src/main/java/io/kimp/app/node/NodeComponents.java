package io.kimp.app.node;

import io.kimp.core.alert.AlertSink;
import io.kimp.core.market.MarketView;
import io.kimp.core.venue.Venues;
import java.time.Clock;

/**
 * What a node trades with: the venues (paper, live or scripted), the market view the cycles choose rebalance coins from,
 * where alerts go, and the clock.
 */
public record NodeComponents(Venues venues, MarketView market, AlertSink alerts, Clock clock) {}
