package io.kimp.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One write transaction at a time per H2 database; reads pass. */
class H2SerialWriteDriverTest {

  @TempDir Path dir;

  /**
   * Registered for the connection pool, which looks its driver class up among DriverManager's drivers (it warned at
   * every start when it had to make one itself), without taking H2 URLs from H2's own driver for anyone else.
   */
  @Test
  void registeredOnceAfterH2sOwnDriverSoThatPlainConnectionsStayH2s() throws Exception {
    H2SerialWriteDriver.register();
    H2SerialWriteDriver.register();
    var names = java.util.Collections.list(java.sql.DriverManager.getDrivers()).stream()
        .map(d -> d.getClass().getName()).toList();
    assertThat(names).containsOnlyOnce(H2SerialWriteDriver.class.getName());
    assertThat(names.indexOf("org.h2.Driver")).isLessThan(names.indexOf(H2SerialWriteDriver.class.getName()));
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:h2:mem:registered", "", "")) {
      assertThat(c).isInstanceOf(org.h2.jdbc.JdbcConnection.class);
    }
  }

  @Test
  void aSecondWriterWaitsUntilTheOpenWriteTransactionCommits() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("gate") + ";WRITE_DELAY=0";
    H2SerialWriteDriver driver = new H2SerialWriteDriver();
    try (Connection a = driver.connect(url, new Properties());
        Connection b = driver.connect(url, new Properties())) {
      try (Statement s = a.createStatement()) {
        s.execute("CREATE TABLE t(id INT PRIMARY KEY, who VARCHAR)");
      }
      a.setAutoCommit(false);
      try (PreparedStatement p = a.prepareStatement("INSERT INTO t VALUES (1, 'a')")) {
        p.executeUpdate();
      }
      // a plain query of another connection is not held back by the open write transaction
      try (Statement s = b.createStatement();
          ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
        r.next();
        assertThat(r.getInt(1)).isZero();
      }
      AtomicReference<Thread> writer = new AtomicReference<>();
      CompletableFuture<Integer> second =
          CompletableFuture.supplyAsync(
              () -> {
                writer.set(Thread.currentThread());
                try (PreparedStatement p = b.prepareStatement("INSERT INTO t VALUES (2, 'b')")) {
                  return p.executeUpdate();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      // the second writer parks on the gate (not in H2: its row does not conflict with a's)
      await()
          .until(
              () ->
                  writer.get() != null
                      && writer.get().getState() == Thread.State.TIMED_WAITING
                      && stackHas(writer.get(), "tryAcquire"));
      assertThat(second).isNotDone();
      a.commit();
      assertThat(second.get()).isEqualTo(1);
      a.setAutoCommit(true);
      try (Statement s = a.createStatement();
          ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
        r.next();
        assertThat(r.getInt(1)).isEqualTo(2);
      }
    }
  }

  @Test
  void aRolledBackOrClosedWriteTransactionLetsTheNextWriterIn() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("gate2") + ";WRITE_DELAY=0";
    H2SerialWriteDriver driver = new H2SerialWriteDriver();
    try (Connection b = driver.connect(url, new Properties())) {
      try (Statement s = b.createStatement()) {
        s.execute("CREATE TABLE t(id INT PRIMARY KEY)");
      }
      Connection a = driver.connect(url, new Properties());
      a.setAutoCommit(false);
      try (Statement s = a.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (1)");
      }
      a.rollback();
      try (Statement s = a.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (2)");
      }
      a.close(); // closing with an open write transaction rolls it back and frees the gate
      try (Statement s = b.createStatement()) {
        assertThat(s.executeUpdate("INSERT INTO t VALUES (3)")).isEqualTo(1);
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
          r.next();
          assertThat(r.getInt(1)).isEqualTo(1);
        }
      }
    }
  }

  @Test
  void onlyPlainQueriesCountAsReads() {
    assertThat(H2SerialWriteDriver.writes("SELECT 1")).isFalse();
    assertThat(H2SerialWriteDriver.writes("  /* c */ -- x\n (select * from t)")).isFalse();
    assertThat(H2SerialWriteDriver.writes("select * from t where id = 1 for update")).isTrue();
    // BACKUP stores a chunk first (it must not be taken while another connection commits)
    assertThat(H2SerialWriteDriver.writes("BACKUP TO 'x.zip'")).isTrue();
    assertThat(H2SerialWriteDriver.writes("SELECT NEXT VALUE FOR s")).isTrue();
    assertThat(H2SerialWriteDriver.writes("INSERT INTO t VALUES (1)")).isTrue();
    assertThat(H2SerialWriteDriver.writes("merge into t key(id) values (1)")).isTrue();
    assertThat(H2SerialWriteDriver.writes("WITH x AS (SELECT 1) SELECT * FROM x")).isTrue();
    assertThat(H2SerialWriteDriver.endsTransaction("commit")).isTrue();
    assertThat(H2SerialWriteDriver.endsTransaction("ROLLBACK TO SAVEPOINT s")).isFalse();
    assertThat(H2SerialWriteDriver.database("jdbc:h2:file:./data/kimp;WRITE_DELAY=0"))
        .isEqualTo("jdbc:h2:file:./data/kimp");
  }

  private static boolean stackHas(Thread t, String method) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }
}
