package io.kimp.app.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup's target rules and its writing, against real H2 databases and a real directory. */
class BackupTargetTest {
  @TempDir Path dir;

  private static JdbcDataSource h2(String url) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    ds.setUser("");
    ds.setPassword("");
    return ds;
  }

  @Test
  void aFileDatabaseIsBackedUpIntoANewOwnerOnlyFile() throws Exception {
    JdbcDataSource db = h2("jdbc:h2:file:" + dir.resolve("db/kimp") + ";DB_CLOSE_DELAY=-1");
    try (var c = db.getConnection(); var s = c.createStatement()) {
      s.execute("CREATE TABLE t(x INT)");
    }
    BackupTarget to = BackupTarget.of(dir.resolve("kimp.zip").toString());
    assertThat(to.write(db)).isEqualTo(Files.size(dir.resolve("kimp.zip"))).isPositive();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(to.path()))).isEqualTo("rw-------");
    try (var c = db.getConnection(); var s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }

  @Test
  void aDatabaseErrorIsAMessageForAPersonWithoutTheDatabasesTextAndLeavesNoFile() {
    // an in-memory database has no file to back up: H2 refuses with its statement in the message
    JdbcDataSource db = h2("jdbc:h2:mem:backup-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    BackupTarget to = BackupTarget.of(dir.resolve("kimp.zip").toString());
    assertThatThrownBy(() -> to.write(db))
        .isInstanceOf(BackupTarget.Failed.class)
        .hasMessageContaining("in memory")
        .hasMessageContaining("90126")
        .hasMessageNotContaining("BACKUP TO")
        .hasMessageNotContaining("SQL statement");
    assertThat(to.path()).doesNotExist();
  }

  @Test
  void aTargetRacedIntoExistenceIsNotOverwritten() throws Exception {
    BackupTarget to = BackupTarget.of(dir.resolve("kimp.zip").toString());
    Files.writeString(to.path(), "someone else's");
    assertThatThrownBy(() -> to.write(h2("jdbc:h2:mem:x")))
        .isInstanceOfSatisfying(BackupTarget.Refused.class, e -> assertThat(e.exists()).isTrue());
    assertThat(Files.readString(to.path())).isEqualTo("someone else's");
  }

  @Test
  void targetsOutsideAnExistingDirectoryAreRefused() throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    for (String bad : new String[] {"", "kimp.zip", dir + "/kimp.txt", dir + "/missing/kimp.zip",
        dir + "/file/kimp.zip", dir + "/sub\\kimp.zip", "/kimp-no-such-dir-" + System.nanoTime() + "/kimp.zip"}) {
      assertThatThrownBy(() -> BackupTarget.of(bad)).as(bad)
          .isInstanceOfSatisfying(BackupTarget.Refused.class, e -> assertThat(e.exists()).isFalse());
    }
    assertThat(dir.resolve("missing")).doesNotExist();
  }
}
