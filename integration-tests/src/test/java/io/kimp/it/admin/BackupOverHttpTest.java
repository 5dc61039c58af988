package io.kimp.it.admin;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.core.cycle.CycleDirectory;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.it.TestNodes;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * An online backup of a running node's H2 database through the admin API: the zip restores into a database holding the
 * same journal and read tables; bad targets are refused with a message and nothing is written.
 */
class BackupOverHttpTest extends SingleNodeTest {

  @Test
  void aRunningNodeBacksUpItsDatabaseAndTheBackupRestores() throws Exception {
    startNode("", TestNodes.exchange().venues(), TestNodes.profitableMarket(), new RecordingAlertSink());
    CycleDirectory cycles = admin.node().cycles();
    UUID id = start(cycles, "XRP").cycleId();
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(admin.node().readSide(), id)));

    Path dir = TestDatabases.tempDir("kimp-backup-");
    Path zip = dir.resolve("kimp.zip");
    AdminHttp.Reply r = admin.http().post("/api/v1/backup", "{\"to\":\"" + zip + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("bytes").asLong()).isEqualTo(Files.size(zip)).isPositive();

    // restore: unzip the database file and open it as H2
    Path restored = dir.resolve("restored");
    Files.createDirectories(restored);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Files.copy((InputStream) in, restored.resolve(Path.of(e.getName()).getFileName()));
      }
    }
    try (Connection c = DriverManager.getConnection(TestDatabases.h2File(restored), "", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status FROM arbitrage_cycles WHERE id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("COMPLETED");
    }

    // refused, nothing written
    assertThat(admin.http().post("/api/v1/backup", "{\"to\":\"" + zip + "\"}").status()).isEqualTo(409);
    assertThat(admin.http().post("/api/v1/backup", "{\"to\":\"relative.zip\"}").status()).isEqualTo(422);
    assertThat(admin.http().post("/api/v1/backup", "{}").status()).isEqualTo(422);
    assertThat(admin.http().post("/api/v1/backup", "{\"to\":\"" + dir.resolve("x.txt") + "\"}").status())
        .isEqualTo(422);
    assertThat(admin.http().withToken("wrong-token-0000000000").post("/api/v1/backup",
        "{\"to\":\"" + dir.resolve("y.zip") + "\"}").status()).isEqualTo(401);
    assertThat(Files.exists(dir.resolve("y.zip"))).isFalse();
  }
}
