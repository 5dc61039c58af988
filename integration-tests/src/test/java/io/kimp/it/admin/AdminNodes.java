package io.kimp.it.admin;

import com.typesafe.config.Config;
import io.kimp.app.http.AdminServer;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.it.TestNodes;
import io.kimp.core.venue.Venues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** A test node with its admin API on an ephemeral loopback port and its own data directory (where its token is). */
record AdminNodes(KimpNode node, AdminServer server, Path dataDir, AdminHttp http) implements AutoCloseable {

  /** Settings that make a node's admin side quick: port 0, a fresh data directory, fast sampling and republishing. */
  static String adminConfig(Path dataDir, String extra) {
    return String.join("\n",
        "kimp.admin.port = 0",
        "kimp.data-dir = \"" + dataDir.toString().replace("\\", "/") + "\"",
        "kimp.metrics.refresh-interval = 200ms",
        "kimp.settings.republish-interval = 1s",
        extra);
  }

  static AdminNodes start(String db, String extra, Venues venues, FixedMarketView market, RecordingAlertSink alerts) {
    Path dataDir = TestDatabases.tempDir("kimp-admin-");
    Config config = TestNodes.config(db, adminConfig(dataDir, extra));
    return start(config, dataDir, venues, market, alerts);
  }

  static AdminNodes start(
      Config config, Path dataDir, Venues venues, FixedMarketView market, RecordingAlertSink alerts) {
    KimpNode node = KimpNode.start(config, new NodeComponents(venues, market, alerts, Clock.systemUTC()));
    try {
      AdminServer server = AdminServer.start(node, io.kimp.app.config.KimpSettings.from(config).admin(),
          io.kimp.app.dashboard.BacktestsPage.fromConfig(config));
      return new AdminNodes(node, server, dataDir, new AdminHttp(server.port(), token(dataDir)));
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  /** The token the node generated into its data directory. */
  static String token(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve("admin.token"), StandardCharsets.UTF_8).trim();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    node.close();
  }
}
