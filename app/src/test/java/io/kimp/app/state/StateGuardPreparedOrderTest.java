package io.kimp.app.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpSettings;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.ClientIds;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.cycle.journal.OpportunityAtStart;
import io.kimp.core.market.Direction;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up check of the paper ledger against the journal, on a real H2 file with kimp's schema and events written
 * as the journal writes them (Pekko's serializer): a cycle's first order, prepared with its capital request, is in the
 * ledger while only the request is in the journal (a process killed after the order went out and before the order's
 * own StepRequested was written). The request is that order's intent: the node starts. A request that prepared nothing
 * covers no order, and a request that cannot be read is damaged state: both are refused.
 */
class StateGuardPreparedOrderTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final UUID CYCLE = UUID.fromString("0834af8d-d264-43a3-8309-d59fec23765a");
  private static final String FIRST_ORDER = ClientIds.of(CYCLE, Leg.INITIAL, Step.BUY, 1);

  private Path dir;
  private DatabaseSettings db;
  private StateGuard guard;

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void database() throws Exception {
    dir = TestDatabases.tempDir("kimp-guard-");
    String url = TestDatabases.h2File(dir);
    db = DatabaseSettings.fromConfig(ConfigFactory.parseString(
        "kimp.db { url = \"" + url + "\", user = \"\", password = \"\", pool-size = 1 }"));
    Migrations.migrate(db);
    guard = StateGuard.of(new KimpSettings.Storage(db, true, Duration.ofSeconds(5), dir, dir.resolve("paper-ledger.json")));
    sql("INSERT INTO paper_ledger (id, next_id, created_at_ms) VALUES (1, 2, 0)");
    sql("INSERT INTO paper_orders (venue, client_id, order_id, coin, side, status, filled_quantity, quote_amount, fee, "
        + "fee_asset, updated_at_ms) VALUES ('BINANCE', '" + FIRST_ORDER + "', 'paper-binance-order-1', 'XRP', 'BUY', "
        + "'FILLED', 100, 50, 0.1, 'XRP', 0)");
  }

  @Test
  void aFirstOrderPreparedWithItsCapitalRequestIsCoveredByTheRequest() throws Exception {
    journal(1, capitalRequested(new BigDecimal("70000")));
    guard.afterMigration(true); // no refusal
    assertThat(dir.resolve("journal.hwm")).exists(); // and the high-water mark is brought up to the journal
  }

  @Test
  void aRequestThatPreparedNothingCoversNoOrder() throws Exception {
    journal(1, capitalRequested(null));
    assertThatThrownBy(() -> guard.afterMigration(true)).isInstanceOf(StateGuard.Refused.class)
        .hasMessageContaining("journal is behind the paper ledger").hasMessageContaining(FIRST_ORDER);
  }

  @Test
  void aCapitalRequestThatCannotBeReadIsRefused() throws Exception {
    Written w = capitalRequested(new BigDecimal("70000"));
    journal(1, new Written(w.serializerId(), w.manifest(), new byte[] {(byte) 0xbf, 0x61})); // a map cut short
    assertThatThrownBy(() -> guard.afterMigration(true)).isInstanceOf(StateGuard.Refused.class)
        .hasMessageContaining("CapitalRequested event").hasMessageContaining("cannot be read");
  }

  private record Written(int serializerId, String manifest, byte[] payload) {}

  /** The event as the journal writes it: Pekko's serializer for it, its manifest and bytes. */
  private static Written capitalRequested(BigDecimal preparedKrw) {
    CycleEvent.CapitalRequested e = new CycleEvent.CapitalRequested(CYCLE, "XRP",
        new OpportunityAtStart("XRP", Direction.KIMCHI, 3.1, 1.2, new BigDecimal("1000000"), new BigDecimal("0.5"),
            new BigDecimal("720"), new BigDecimal("1400"), Instant.parse("2026-12-06T00:00:00Z")),
        Instant.parse("2026-12-06T00:00:01Z"), preparedKrw);
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    Serializer s = serialization.findSerializerFor(e);
    return new Written(s.identifier(), Serializers.manifestFor(s, e), s.toBinary(e));
  }

  private void journal(long sequenceNr, Written w) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url());
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, "
                + "event_ser_id, event_ser_manifest, event_payload) VALUES (?, ?, 'test', 0, '', ?, ?, ?)")) {
      ps.setString(1, ArbitrageCycle.ENTITY_KEY.name() + "|XRP");
      ps.setLong(2, sequenceNr);
      ps.setInt(3, w.serializerId());
      ps.setString(4, w.manifest());
      ps.setBytes(5, w.payload());
      ps.executeUpdate();
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url())) {
      c.createStatement().execute(statement);
    }
  }
}
