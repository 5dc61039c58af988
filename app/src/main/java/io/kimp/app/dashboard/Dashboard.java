package io.kimp.app.dashboard;

import io.kimp.app.config.KimpSettings;
import io.kimp.app.http.AdminToken;
import io.kimp.app.node.KimpNode;
import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.feeds.source.ConnectionHealth;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/** Wires the operator's console ({@link DashboardRoutes}) to a node: its sessions, live feed and data pages. */
public final class Dashboard {
  private Dashboard() {}

  /**
   * @param settings the console's session lifetime and idle check
   * @param backtests the console's backtests page: its runs and reports, and the uploaded candle files
   * @param api the admin API's {@code /v1} routes for an actor name
   * @param connections the node's market-data connections (empty for a node without feeds)
   */
  public static DashboardRoutes create(
      KimpNode node, KimpSettings.Admin settings, BacktestsPage backtests, AdminToken token, Function<String, Route> api,
      Executor jdbc, Supplier<List<ConnectionHealth>> connections) {
    Sessions sessions = new Sessions(settings.sessionTtl(), Clock.systemUTC());
    Supplier<ComponentHealth> feeds = node.components().feedsHealth() != null
        ? node.components().feedsHealth() : () -> null;
    LiveFeed feed = new LiveFeed(node.system(), node.operator(), node.readSide(), jdbc, feeds);
    Supplier<Map<String, Object>> system = () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      String v = Dashboard.class.getPackage().getImplementationVersion();
      m.put("version", v == null ? "development build" : v);
      m.put("node", node.system().address().toString());
      m.put("uptimeSeconds", node.system().uptime());
      m.put("components", node.operator().components());
      m.put("connections", LiveFeed.connections(connections.get()));
      m.put("hedge", hedgeSettings(node.system().settings().config()));
      m.put("telegram", meters(node, "kimp.telegram."));
      return m;
    };
    Supplier<Object> equity = () -> equityCurve(node.readSide());
    IdleWatch.initSingleton(node.system(), node.operator()::whyIdle, node.alerts(), settings.idleCheckInterval());
    return new DashboardRoutes(token, sessions, feed, api, system, equity, jdbc, backtests.runs(),
        backtests.uploads());
  }

  /**
   * The transfer hedge's settings as the system page shows them beside the hedge watch's last check ({@code GET
   * /api/v1/hedge}, which only answers with the hedge on): whether it is on, and what an operator asks first about it.
   */
  static Map<String, Object> hedgeSettings(com.typesafe.config.Config c) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("enabled", c.getBoolean("kimp.hedge.enabled"));
    if (c.getBoolean("kimp.hedge.enabled")) {
      h.put("leverage", c.getInt("kimp.hedge.leverage"));
      h.put("unlisted", c.getString("kimp.hedge.unlisted"));
      h.put("watchInterval", c.getString("kimp.hedge.watch-interval"));
      h.put("positionCheckInterval", c.getString("kimp.hedge.position-check-interval"));
      h.put("closeOrphans", c.getBoolean("kimp.hedge.close-orphans"));
      h.put("takerFee", c.getString("kimp.fees.binance-futures.taker"));
    }
    return h;
  }

  /** Every meter under {@code prefix} with its first measurement, by name and tags. */
  private static Map<String, Double> meters(KimpNode node, String prefix) {
    Map<String, Double> out = new TreeMap<>();
    for (Meter m : node.metrics().registry().getMeters()) {
      if (!m.getId().getName().startsWith(prefix)) {
        continue;
      }
      StringBuilder key = new StringBuilder(m.getId().getName().substring(prefix.length()));
      m.getId().getTags().stream().filter(t -> !"node".equals(t.getKey()))
          .forEach(t -> key.append(' ').append(t.getKey()).append('=').append(t.getValue()));
      for (Measurement x : m.measure()) {
        out.put(key.toString(), x.getValue());
        break;
      }
    }
    return out;
  }

  /** At most this many points are drawn: a longer history is thinned evenly (the sum still runs over every cycle). */
  static final int EQUITY_POINTS = 2000;

  private static final String ENDED =
      "FROM arbitrage_cycles WHERE end_time IS NOT NULL AND total_net_profit_krw IS NOT NULL";

  /**
   * Realised PnL, cumulative over completed and written-off cycles in the order they ended, from zero when the first of
   * them started (one ended cycle is already a line: from nothing to its result). Every ended cycle counts; past
   * {@link #EQUITY_POINTS} of them only every n-th point (and the last) is drawn.
   */
  static List<Map<String, Object>> equityCurve(javax.sql.DataSource readSide) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection c = readSide.getConnection()) {
      long ended;
      try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) " + ENDED);
          ResultSet rs = count.executeQuery()) {
        rs.next();
        ended = rs.getLong(1);
      }
      long stride = Math.max(1, (ended + EQUITY_POINTS - 1) / EQUITY_POINTS);
      try (PreparedStatement ps =
          c.prepareStatement("SELECT end_time, total_net_profit_krw, start_time " + ENDED + " ORDER BY end_time")) {
        ps.setFetchSize(1000);
        try (ResultSet rs = ps.executeQuery()) {
          java.math.BigDecimal total = java.math.BigDecimal.ZERO;
          long origin = Long.MAX_VALUE;
          long row = 0;
          long lastAt = 0;
          boolean lastDrawn = true;
          while (rs.next()) {
            total = total.add(rs.getBigDecimal(2));
            long end = rs.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli();
            OffsetDateTime start = rs.getObject(3, OffsetDateTime.class);
            origin = Math.min(origin, Math.min(end, start == null ? end : start.toInstant().toEpochMilli()));
            lastAt = end;
            lastDrawn = ++row % stride == 0;
            if (lastDrawn) {
              out.add(point(end, total));
            }
          }
          if (!lastDrawn) {
            out.add(point(lastAt, total)); // the curve always ends at the realised total
          }
          if (!out.isEmpty()) {
            out.add(0, point(origin, java.math.BigDecimal.ZERO));
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("read tables: " + e.getMessage(), e);
    }
    return out;
  }

  private static Map<String, Object> point(long at, java.math.BigDecimal pnlKrw) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("at", at);
    p.put("pnlKrw", pnlKrw);
    return p;
  }
}
