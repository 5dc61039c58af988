package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.fixtures.db.TestDatabases;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code kimp run} (a separate JVM running {@code Main}) on a database that does not answer or fails PostgreSQL's
 * integrity checks: one line on stderr, exit code 2, nothing started. The H2 cases and the healthy restarts are in
 * {@link StateRefusalTest}.
 */
class DatabaseRefusalTest {
  private final Path dir = TestDatabases.tempDir("kimp-db-refusal-");
  private String dbUser = "";

  /** Runs {@code kimp run} to its end (each case refuses before anything starts) and returns its one refusal line. */
  private String refused(String dbUrl) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Xmx256m",
        "-Dkimp.data-dir=" + dir,
        "-Dkimp.db.url=" + dbUrl,
        "-Dkimp.db.user=" + dbUser,
        "-Dkimp.admin.port=0",
        "-Dpekko.remote.artery.canonical.port=0",
        "io.kimp.app.Main", "run"));
    Path out = dir.resolve("run.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("KIMP_LOG_FORMAT", "text");
    pb.environment().remove("DATABASE_URL");
    Process p = pb.start();
    // the bound only ends a run that did not refuse (the old code started and ran on)
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
    }
    int code = p.exitValue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(text).as("the node must not start").doesNotContain("watching ");
    assertThat(code).as(text).isEqualTo(2);
    assertThat(text).doesNotContain("\tat ").doesNotContain("Exception in thread");
    List<String> lines = text.lines().filter(l -> l.startsWith("kimp: ")).toList();
    assertThat(lines).as(text).hasSize(1);
    return lines.get(0);
  }

  @Test
  void aDatabaseThatDoesNotAnswerEndsAtOnceNamingTheKey() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String line = refused("jdbc:postgresql://127.0.0.1:" + port + "/kimp");
    assertThat(line).contains("does not answer").contains("kimp.db.url").contains("DATABASE_URL");
  }

  /** A new PostgreSQL schema with kimp's tables, and a connection to it. */
  private String migratedPostgres() {
    TestDatabases.assumePostgres();
    String pg = TestDatabases.freshPostgresSchema();
    io.kimp.persistence.Migrations.migrate(io.kimp.persistence.DatabaseSettings.fromConfig(
        com.typesafe.config.ConfigFactory.parseString("kimp.db { url = \"" + pg + "\", user = \""
            + TestDatabases.PG_USER + "\", password = \"\", pool-size = 1 }")));
    dbUser = TestDatabases.PG_USER;
    return pg;
  }

  private static void pgSql(String pg, String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg, TestDatabases.PG_USER, ""); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void aPostgresJournalWithAGapIsRefused() throws Exception {
    String pg = migratedPostgres();
    for (int seq : new int[] {1, 2, 4}) {
      pgSql(pg, "INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, "
          + "event_ser_id, event_ser_manifest, event_payload) VALUES ('ArbitrageCycle|XRP', " + seq + ", 'w', 0, '', 1, "
          + "'x', '\\x00')");
    }
    assertThat(refused(pg)).contains("the journal has gaps").contains("ArbitrageCycle|XRP");
    TestDatabases.dropPostgresSchema(pg);
  }

  @Test
  void aPostgresSchemaWhoseMigrationChecksumsDoNotHoldIsRefused() throws Exception {
    String pg = migratedPostgres();
    pgSql(pg, "UPDATE flyway_schema_history SET checksum = 42 WHERE version = '3'");
    assertThat(refused(pg)).contains("does not match kimp's migrations");
    TestDatabases.dropPostgresSchema(pg);
  }

  @Test
  void anEmptyPostgresDatabaseNextToAnEarlierRunsDataIsRefused() throws Exception {
    TestDatabases.assumePostgres();
    String pg = TestDatabases.freshPostgresSchema();
    dbUser = TestDatabases.PG_USER;
    Files.writeString(dir.resolve("journal.hwm"), "database=" + pg + "\nordering=5\nat=2026-12-03T00:00:00Z\n");
    assertThat(refused(pg)).contains("is empty (no kimp schema)");
    TestDatabases.dropPostgresSchema(pg);
  }

  /**
   * Flyway creates its history table, empty, before it takes its lock and applies the first migration: a node that
   * starts just then (three nodes on a new schema, as in bench failover) must wait for the migration, not refuse the
   * database as damaged. A history that records an applied migration without the journal's table is still refused.
   */
  @Test
  void aSchemaWhoseFirstMigrationAnotherNodeIsApplyingIsNotRefused() throws Exception {
    TestDatabases.assumePostgres();
    String pg = TestDatabases.freshPostgresSchema();
    pgSql(pg, "CREATE TABLE \"flyway_schema_history\" (\"installed_rank\" INT NOT NULL PRIMARY KEY, \"version\" VARCHAR(50),"
        + " \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL, \"script\" VARCHAR(1000) NOT NULL,"
        + " \"checksum\" INTEGER, \"installed_by\" VARCHAR(100) NOT NULL,"
        + " \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(), \"execution_time\" INTEGER NOT NULL,"
        + " \"success\" BOOLEAN NOT NULL)");
    com.typesafe.config.Config config = io.kimp.app.config.KimpConfig.load(com.typesafe.config.ConfigFactory.empty(),
        com.typesafe.config.ConfigFactory.parseString("kimp.data-dir = \"" + dir + "\"\nkimp.db { url = \"" + pg
            + "\", user = \"" + TestDatabases.PG_USER + "\", password = \"\" }"));
    io.kimp.app.state.StateGuard guard = io.kimp.app.state.StateGuard.of(io.kimp.app.config.KimpSettings.from(config).storage());
    guard.beforeMigration(); // refused before: "has kimp's schema history but no event_journal table"
    io.kimp.persistence.Migrations.migrate(io.kimp.persistence.DatabaseSettings.fromConfig(config));
    guard.beforeMigration(); // migrated: passes as any healthy database does
    guard.afterMigration(false);

    pgSql(pg, "DROP TABLE event_journal CASCADE");
    org.assertj.core.api.Assertions.assertThatThrownBy(guard::beforeMigration)
        .hasMessageContaining("has kimp's schema history but no event_journal table");
    TestDatabases.dropPostgresSchema(pg);
  }

}
