package io.kimp.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.typesafe.config.Config;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleState;
import io.kimp.persistence.CycleReadModelHandler;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import io.kimp.fixtures.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A journal written by the code before the journal's events became flat records (the committed fixture, exported from a
 * real jdbc-journal by {@link OldJournalFixtureGenerator}) is loaded row for row into a real journal (on H2, and on
 * PostgreSQL with its own schema: skipped when none answers, failed instead under {@code KIMP_REQUIRE_PG=1}), read back
 * through the jdbc read journal (so through the node's serializer and its migrations), and folded with the
 * {@link CycleRules#apply} the entity recovers with: every persistence id must pass through the states the old code
 * recorded, event by event, and the projection handler must build the same read tables.
 *
 * <p>An expected state is matched field by field: a field the old state had must be there with the same value; a field
 * added to the state since is allowed.
 */
class OldJournalReplayTest {

  @TempDir Path dir;
  private String pgUrl;

  @AfterEach
  void dropSchema() {
    if (pgUrl != null) {
      TestDatabases.dropPostgresSchema(pgUrl);
    }
  }

  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void theOldJournalReplaysToTheStatesTheOldCodeRecorded(DatabaseSettings.Vendor vendor) throws Exception {
    List<String> mismatches = replay(vendor, UnaryOperator.identity());
    assertThat(mismatches).isEmpty();
  }

  /**
   * The check has teeth: the same journal with one field of one event renamed (a wire change without a migration)
   * does not replay to the recorded states.
   */
  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void aFieldRenamedWithoutAMigrationIsCaught(DatabaseSettings.Vendor vendor) throws Exception {
    CBORMapper cbor = new CBORMapper();
    List<String> mismatches =
        replay(
            vendor,
            row -> {
              if (!row.get("manifest").asText().endsWith("$CycleStarted")) {
                return row;
              }
              try {
                ObjectNode event = (ObjectNode) cbor.readTree(Base64.getDecoder().decode(row.get("payload").asText()));
                event.set("investmentKrwRenamed", event.remove("investmentKrw"));
                ObjectNode changed = row.deepCopy();
                changed.put("payload", Base64.getEncoder().encodeToString(cbor.writeValueAsBytes(event)));
                return changed;
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(mismatches).isNotEmpty().anySatisfy(m -> assertThat(m).contains("investmentKrw"));
  }

  /** Loads the fixture (each row passed through {@code tamper}), replays it; returns every difference found. */
  private List<String> replay(DatabaseSettings.Vendor vendor, UnaryOperator<ObjectNode> tamper) throws Exception {
    JsonNode rows = load(JournalFixture.ROWS).get("rows");
    JsonNode expected = load(JournalFixture.EXPECTED);
    Config config;
    if (vendor == DatabaseSettings.Vendor.POSTGRESQL) {
      TestDatabases.assumePostgres();
      pgUrl = TestDatabases.freshPostgresSchema();
      config = JournalFixture.config(pgUrl, TestDatabases.PG_USER);
    } else {
      config = JournalFixture.config(JournalFixture.h2Url(dir), "");
    }
    DatabaseSettings db = DatabaseSettings.fromConfig(config);
    assertThat(db.vendor()).isEqualTo(vendor);
    Migrations.migrate(db);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      insert(c, rows, tamper);
    }

    List<String> mismatches = new ArrayList<>();
    ActorTestKit kit = ActorTestKit.create("old-journal-replay", config);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      JdbcReadJournal journal =
          PersistenceQuery.get(kit.system()).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      CycleRules rules = new CycleRules(CoreSettings.cycle(config));
      Iterator<Map.Entry<String, JsonNode>> pids = expected.get("states").fields();
      while (pids.hasNext()) {
        Map.Entry<String, JsonNode> pid = pids.next();
        List<EventEnvelope> envelopes =
            journal
                .currentEventsByPersistenceId(pid.getKey(), 0L, Long.MAX_VALUE)
                .runWith(Sink.seq(), kit.system())
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        JsonNode steps = pid.getValue();
        if (envelopes.size() != steps.size()) {
          mismatches.add(pid.getKey() + ": " + envelopes.size() + " events, expected " + steps.size());
          continue;
        }
        CycleState state = CycleState.empty(pid.getKey().substring(pid.getKey().indexOf('|') + 1));
        for (int i = 0; i < steps.size(); i++) {
          JsonNode step = steps.get(i);
          EventEnvelope env = envelopes.get(i);
          String where = pid.getKey() + " #" + env.sequenceNr();
          if (env.sequenceNr() != step.get("sequenceNumber").asLong()
              || !env.event().getClass().getSimpleName().equals(step.get("event").asText())) {
            mismatches.add(where + ": " + env.event().getClass().getSimpleName() + ", expected "
                + step.get("event").asText() + " #" + step.get("sequenceNumber").asLong());
            break;
          }
          CycleEvent event = (CycleEvent) env.event();
          try {
            state = rules.apply(state, event);
          } catch (RuntimeException e) {
            mismatches.add(where + ": the fold refused " + event + ": " + e.getMessage());
            break;
          }
          diff(step.get("state"), JournalFixture.render(state), where + " state", mismatches);
          try {
            CycleReadModelHandler.apply(c, event);
          } catch (RuntimeException e) {
            mismatches.add(where + ": the projection handler refused " + event + ": " + e);
          }
        }
      }
      diff(expected.get("readModel"), JournalFixture.readModel(c), "read model", mismatches);
    } finally {
      kit.shutdownTestKit();
    }
    return mismatches;
  }

  private static void insert(Connection c, JsonNode rows, UnaryOperator<ObjectNode> tamper) throws Exception {
    try (PreparedStatement ev =
            c.prepareStatement(
                "INSERT INTO event_journal (ordering, persistence_id, sequence_number, deleted, writer, write_timestamp, "
                    + "adapter_manifest, event_ser_id, event_ser_manifest, event_payload) "
                    + "VALUES (?, ?, ?, FALSE, ?, ?, ?, ?, ?, ?)");
        PreparedStatement tag = c.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)")) {
      for (JsonNode original : rows) {
        ObjectNode row = tamper.apply((ObjectNode) original);
        ev.setLong(1, row.get("ordering").asLong());
        ev.setString(2, row.get("persistenceId").asText());
        ev.setLong(3, row.get("sequenceNumber").asLong());
        ev.setString(4, row.get("writer").asText());
        ev.setLong(5, row.get("writeTimestamp").asLong());
        ev.setString(6, row.get("adapterManifest").asText());
        ev.setInt(7, row.get("serializerId").asInt());
        ev.setString(8, row.get("manifest").asText());
        ev.setBytes(9, Base64.getDecoder().decode(row.get("payload").asText()));
        ev.executeUpdate();
        for (JsonNode t : row.get("tags")) {
          tag.setLong(1, row.get("ordering").asLong());
          tag.setString(2, t.asText());
          tag.executeUpdate();
        }
      }
    }
  }

  /**
   * Every field of {@code expected} must be in {@code actual} with an equal value (arrays: same length, in order). Numbers
   * compare by value: the committed states were rendered through a tree that dropped trailing zeros. Scale is checked
   * through the read tables (their {@code details} column is the text of the order, the withdrawal or the deposit).
   */
  static void diff(JsonNode expected, JsonNode actual, String path, List<String> out) {
    if (actual == null || actual.isMissingNode()) {
      out.add(path + ": missing, expected " + expected);
      return;
    }
    if (expected.isObject()) {
      if (!actual.isObject()) {
        out.add(path + ": " + actual + ", expected " + expected);
        return;
      }
      expected.fields().forEachRemaining(f -> diff(f.getValue(), actual.get(f.getKey()), path + "." + f.getKey(), out));
    } else if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        out.add(path + ": " + actual + ", expected " + expected);
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        diff(expected.get(i), actual.get(i), path + "[" + i + "]", out);
      }
    } else if (expected.isNumber() && actual.isNumber()) {
      if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
        out.add(path + ": " + actual + ", expected " + expected);
      }
    } else if (!expected.equals(actual)) {
      out.add(path + ": " + actual + ", expected " + expected);
    }
  }

  private static JsonNode load(String resource) throws Exception {
    try (InputStream in = OldJournalReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      return JournalFixture.JSON.readTree(in);
    }
  }
}
