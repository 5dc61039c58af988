package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.app.node.TradingNode;
import io.kimp.app.preflight.Preflight;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Nodes for integration tests: real journal (H2 file or PostgreSQL schema), scripted venues, fast timers. */
public final class TestNodes {
  private TestNodes() {}

  /** A database for one test: "h2" (a new file) or "postgresql" (a new schema; skips or fails when none answers). */
  public static String database(String kind) {
    if ("postgresql".equals(kind)) {
      TestDatabases.assumePostgres();
      return TestDatabases.freshPostgresSchema();
    }
    Path dir = TestDatabases.tempDir("kimp-it-");
    return TestDatabases.h2File(dir);
  }

  public static void dropDatabase(String url) {
    if (url != null && url.startsWith("jdbc:postgresql:")) {
      TestDatabases.dropPostgresSchema(url);
    }
  }

  /**
   * The settings of a whole node of its own in {@code dir} (as {@code kimp run} would start it): its H2 file there,
   * ephemeral remoting and admin ports, and no JVM shutdown hook (the test closes it).
   */
  public static String ownNode(Path dir) {
    return String.join(
        "\n",
        "kimp.data-dir = \"" + dir + "\"",
        "kimp.db.url = \"" + TestDatabases.h2File(dir) + "\"",
        "pekko.remote.artery.canonical.port = 0",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
        "kimp.admin.port = 0");
  }

  /** {@code kimp run}'s configuration profiles, stacked as the command stacks them: the first named wins. */
  public static Config profiles(String... names) {
    Config stacked = ConfigFactory.empty();
    for (String name : names) {
      stacked = stacked.withFallback(KimpConfig.profile(name));
    }
    return stacked;
  }

  /**
   * A whole node of its own in {@code dir} ({@link #ownNode}) started as {@code kimp run --simulate} starts it (its
   * in-process simulator included): {@code settings}, one per line, over {@code profile} (see {@link #profiles}).
   */
  public static TradingNode startSimulated(Path dir, Config profile, String... settings) {
    Config overrides = ConfigFactory.parseString(String.join("\n", ownNode(dir), String.join("\n", settings)));
    return TradingNode.start(KimpConfig.load(overrides, profile), true);
  }

  /** The base URL of {@code node}'s admin server ({@code http://127.0.0.1:<port>}). */
  public static String adminBase(TradingNode node) {
    return "http://127.0.0.1:" + node.admin().port();
  }

  /** The operator's token a node of its own ({@link #ownNode}) wrote into {@code dir}. */
  public static String adminToken(Path dir) {
    try {
      return Files.readString(dir.resolve("admin.token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node started by {@link #startConsole}, its admin server's base URL and the operator's token. */
  public record Console(TradingNode node, String base, String token) {}

  /**
   * A node of its own trading on paper on the simulator as {@code ./kimp run --simulate} starts it, for the console's
   * browser tests: paper transfers of a second and quick retries and polls, then {@code settings}.
   */
  public static Console startConsole(String dirPrefix, String... settings) {
    Path dir = TestDatabases.tempDir(dirPrefix);
    List<String> all = new ArrayList<>(List.of(
        "kimp.paper.transfer-time { default = 1s }",
        "kimp.retry.base-delay = 300ms",
        "kimp.transfer.poll-interval = 200ms"));
    all.addAll(List.of(settings)); // last: the test's own settings win
    TradingNode node = startSimulated(dir, profiles("kimp-simulate.conf"), all.toArray(String[]::new));
    return new Console(node, adminBase(node), adminToken(dir));
  }

  /** How many of {@code node}'s cycles in the read table match {@code where}. */
  public static int countCycles(TradingNode node, String where) {
    List<Map<String, Object>> r =
        query(node.node().readSide(), "SELECT COUNT(*) AS n FROM arbitrage_cycles WHERE " + where);
    return ((Number) r.get(0).get("n")).intValue();
  }

  /** Waits for {@code node}'s pre-flight to pass both venues' keys with no coin excluded. */
  public static void awaitPreflightPassed(TradingNode node) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Preflight.Report report = node.node().operator().preflight().orElseThrow().report().orElseThrow();
      assertThat(report.keys().get(Venue.UPBIT).state()).isEqualTo(Preflight.KeyState.OK);
      assertThat(report.keys().get(Venue.BINANCE).state()).isEqualTo(Preflight.KeyState.OK);
      assertThat(report.excluded()).as("coins excluded by the pre-flight").isEmpty();
    });
  }

  /**
   * A node as {@code kimp run --simulate --live-gateways} composes it (the profiles stacked as the command stacks them),
   * on its own in {@code dir} ({@link #ownNode}), trading four coins with its transfer timers shortened; {@code extra}
   * settings win.
   */
  public static Config simulatedLive(Path dir, String... extra) {
    Config overrides =
        ConfigFactory.parseString(String.join("\n",
            ownNode(dir),
            "kimp.feeds.symbols = [XRP, TRX, DOGE, ADA]",
            "kimp.retry.base-delay = 300ms",
            "kimp.transfer.deposit-timeout = 20s",
            "kimp.transfer.poll-interval = 200ms",
            "kimp.feeds.opportunity-cooldown = 2s",
            String.join("\n", extra)));
    return KimpConfig.load(overrides, profiles("kimp-simulate-live.conf", "kimp-simulate.conf"));
  }

  /** Test settings: millisecond-scale timers so that retries, reconciliation and polling happen within a test. */
  public static Config config(String dbUrl, String extra) {
    Config overrides =
        ConfigFactory.parseString(
            String.join(
                "\n",
                "kimp.db.url = \"" + dbUrl + "\"",
                "kimp.db.user = \"" + (dbUrl.startsWith("jdbc:postgresql:") ? TestDatabases.PG_USER : "") + "\"",
                "kimp.db.pool-size = 4",
                "pekko.remote.artery.canonical.port = 0",
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                "pekko.cluster.sharding.rebalance-interval = 1s",
                "kimp.retry.base-delay = 300ms",
                "kimp.execution.order-timeout = 3s",
                "kimp.execution.withdraw-timeout = 3s",
                "kimp.execution.reconcile-interval = 100ms",
                "kimp.execution.unknown-outcome-grace = 500ms",
                "kimp.execution.redelivery-interval = 300ms",
                "kimp.transfer.deposit-timeout = 5s",
                "kimp.transfer.poll-interval = 100ms",
                "kimp.strategy.rebalance-check-interval = 200ms",
                "kimp.cycle.passivate-after-idle = 1h",
                "jdbc-read-journal.refresh-interval = 100ms",
                extra)); // last: a test's own settings win
    return KimpConfig.load(overrides, ConfigFactory.empty());
  }

  /** The venues every test trades against: XRP 2.0 USDT at Binance, 2,900 KRW at Upbit. */
  public static ScriptedExchange exchange() {
    return new ScriptedExchange()
        .price(Venue.BINANCE, "XRP", "2.0")
        .price(Venue.UPBIT, "XRP", "2900")
        .price(Venue.BINANCE, "TRX", "0.25")
        .price(Venue.UPBIT, "TRX", "360");
  }

  /** A market in which XRP carries KRW home profitably. */
  public static FixedMarketView profitableMarket() {
    return new FixedMarketView().quote("XRP", "2820", "2.02", "1400");
  }

  public static KimpNode start(Config config, ScriptedExchange exchange, FixedMarketView market, RecordingAlertSink alerts) {
    return KimpNode.start(config, new NodeComponents(exchange.venues(), market, alerts, Clock.systemUTC()));
  }

  public static Opportunity opportunity(String symbol) {
    return new Opportunity(symbol, Direction.KIMCHI, 3.5, 2.0, new BigDecimal("1000000"), new BigDecimal("2.0"),
        new BigDecimal("2900"), new BigDecimal("1400"), Instant.now());
  }

  /** One row of a query, column label → value. */
  public static List<Map<String, Object>> query(javax.sql.DataSource ds, String sql, Object... args) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
          }
          rows.add(row);
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The status of a cycle in the read table, or null before the projection has it. */
  public static String status(javax.sql.DataSource ds, UUID cycleId) {
    List<Map<String, Object>> rows = query(ds, "SELECT status FROM arbitrage_cycles WHERE id = ?", cycleId);
    return rows.isEmpty() ? null : (String) rows.get(0).get("status");
  }
}
