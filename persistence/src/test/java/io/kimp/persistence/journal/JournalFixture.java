package io.kimp.persistence.journal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.cycle.CycleState;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.PersistenceConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The committed old-journal fixture: where it lives, the actor-system config of a journal on an H2 database, and the
 * plain-Jackson renderings of recovered states and read tables that the fixture's expectations were written in.
 *
 * <p>The renderings use a plain {@link ObjectMapper}, not the journal's serializer: an expectation is what the state
 * holds, independent of how events are encoded.
 */
final class JournalFixture {
  /** Journal rows exported from a real jdbc-journal (payload base64, serializer id and manifest as stored). */
  static final String ROWS = "journal/old-cycle-journal.json";
  /** The state of each persistence id after each event, and the read tables after all events. */
  static final String EXPECTED = "journal/old-cycle-journal-expected.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private JournalFixture() {}

  /** A node's persistence config on the H2 database at {@code url}. */
  static Config config(String url) {
    return config(url, "");
  }

  /** A node's persistence config on the database at {@code url} (H2 or PostgreSQL), as {@code user}. */
  static Config config(String url, String user) {
    Config base =
        ConfigFactory.parseString("kimp.db.url = \"" + url + "\"\nkimp.db.user = \"" + user + "\"\n"
                + "pekko.loglevel = WARNING\n")
            .withFallback(PersistenceConfig.defaults())
            .withFallback(ConfigFactory.defaultReferenceUnresolved())
            .resolve();
    return DatabaseSettings.fromConfig(base).overlay().withFallback(base);
  }

  static String h2Url(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("journal") + ";DATABASE_TO_UPPER=false";
  }

  /** A state as plain JSON (text round trip, so that numbers compare the same way as the committed file's). */
  static JsonNode render(CycleState state) {
    try {
      return JSON.readTree(JSON.writeValueAsString(state));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The read tables the projection handler keeps, every column as text, rows in key order. */
  static ObjectNode readModel(Connection c) throws SQLException {
    ObjectNode out = JSON.createObjectNode();
    out.set("arbitrage_cycles", table(c, "SELECT * FROM arbitrage_cycles ORDER BY symbol, start_time"));
    out.set("trades", table(c, "SELECT * FROM trades ORDER BY id"));
    return out;
  }

  private static ArrayNode table(Connection c, String sql) throws SQLException {
    ArrayNode rows = JSON.createArrayNode();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        ObjectNode row = rows.addObject();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getString(i));
        }
      }
    }
    return rows;
  }
}
