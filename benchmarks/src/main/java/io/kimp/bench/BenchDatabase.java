package io.kimp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** A throw-away database for a benchmark run: a temp H2 file, or a new schema in a PostgreSQL database. */
final class BenchDatabase implements AutoCloseable {
  final String label;
  final String url;
  final String user;
  private final Runnable cleanup;

  private BenchDatabase(String label, String url, String user, Runnable cleanup) {
    this.label = label;
    this.url = url;
    this.user = user;
    this.cleanup = cleanup;
  }

  static BenchDatabase h2() throws IOException {
    Path dir = Files.createTempDirectory("kimp-bench-");
    return new BenchDatabase(
        "H2 (file)",
        "jdbc:h2:file:" + dir.resolve("bench") + ";DATABASE_TO_UPPER=false",
        "",
        () -> {
          try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          } catch (IOException ignored) {
            // a temp dir left behind is harmless
          }
        });
  }

  /** A fresh schema in {@code baseUrl} (e.g. jdbc:postgresql://127.0.0.1:5432/test), dropped afterwards. */
  static BenchDatabase postgres(String baseUrl, String user) throws SQLException {
    String schema = "kimp_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (Connection c = DriverManager.getConnection(baseUrl, user, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String url = baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new BenchDatabase(
        "PostgreSQL",
        url,
        user,
        () -> {
          try (Connection c = DriverManager.getConnection(baseUrl, user, "");
              Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
          } catch (SQLException e) {
            System.err.println("could not drop " + schema + ": " + e.getMessage());
          }
        });
  }

  @Override
  public void close() {
    cleanup.run();
  }
}
