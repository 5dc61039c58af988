package io.kimp.persistence;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A child process for {@link H2DurabilityTest}: commits rows into an H2 file database with the URL it is given, on
 * several connections at once, and prints {@code ack <writer> <n>} after each commit returned, until it is killed.
 * Arguments: URL, number of writers, the JDBC driver class (kimp's, from {@link DatabaseSettings}).
 */
public final class H2AckWriter {
  private H2AckWriter() {}

  private static Connection open(Driver driver, String url) throws SQLException {
    return driver.connect(url, new Properties());
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int writers = Integer.parseInt(args[1]);
    Driver driver = (Driver) Class.forName(args[2]).getDeclaredConstructor().newInstance();
    try (Connection c = open(driver, url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS acked(writer INT NOT NULL, n BIGINT NOT NULL, payload VARBINARY NOT NULL,"
              + " PRIMARY KEY(writer, n))");
    }
    Thread[] threads = new Thread[writers];
    for (int w = 0; w < writers; w++) {
      int writer = w;
      threads[w] =
          new Thread(
              () -> {
                try (Connection c = open(driver, url);
                    PreparedStatement p =
                        c.prepareStatement(
                            "INSERT INTO acked(writer, n, payload) VALUES (?, "
                                + "(SELECT COALESCE(MAX(n), 0) + 1 FROM acked WHERE writer = ?), ?)",
                            new String[] {"n"})) {
                  byte[] payload = new byte[512];
                  while (true) {
                    p.setInt(1, writer);
                    p.setInt(2, writer);
                    p.setBytes(3, payload);
                    p.executeUpdate();
                    long n;
                    try (var keys = p.getGeneratedKeys()) {
                      keys.next();
                      n = keys.getLong(1);
                    }
                    synchronized (System.out) {
                      System.out.println("ack " + writer + " " + n);
                      System.out.flush();
                    }
                  }
                } catch (Exception e) {
                  System.err.println("writer " + writer + ": " + e);
                }
              });
      threads[w].start();
    }
    for (Thread t : threads) {
      t.join();
    }
  }
}
