package io.kimp.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The database kimp persists to, from {@code kimp.db.*}: H2 (file, the embedded default) or PostgreSQL. Derives the
 * settings that depend on the vendor (Slick profile, JDBC driver, projection dialect) so that operators only set a URL.
 */
public record DatabaseSettings(Vendor vendor, String url, String user, String password, int poolSize) {

  public enum Vendor {
    /**
     * One journal batch in flight at a time: H2 takes one write transaction at a time anyway
     * ({@link H2SerialWriteDriver}), so more would only wait on its gate (a thread parked and woken per write) instead of
     * joining the next batch, one transaction and one commit for every write that came meanwhile.
     */
    H2("slick.jdbc.H2Profile$", "io.kimp.persistence.H2SerialWriteDriver", "h2-dialect", "h2", 1),
    /** The plugin's default: PostgreSQL commits concurrent transactions in parallel. */
    POSTGRESQL("slick.jdbc.PostgresProfile$", "org.postgresql.Driver", "postgres-dialect", "postgresql", 8);

    final String slickProfile;
    final String driver;
    final String projectionDialect;
    final String flywayVendor;
    /** {@code jdbc-journal.parallelism}: the journal's batch writes in flight at once. */
    final int journalWriters;

    Vendor(String slickProfile, String driver, String projectionDialect, String flywayVendor, int journalWriters) {
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.projectionDialect = projectionDialect;
      this.flywayVendor = flywayVendor;
      this.journalWriters = journalWriters;
    }

    public String driver() {
      return driver;
    }
  }

  public static DatabaseSettings fromConfig(Config config) {
    String raw = config.getString("kimp.db.url").trim();
    String user = config.getString("kimp.db.user");
    String password = config.getString("kimp.db.password");
    int pool = config.getInt("kimp.db.pool-size");
    if (pool < 1) {
      throw new ConfigException.BadValue("kimp.db.pool-size", "must be at least 1");
    }
    if (raw.startsWith("postgres://") || raw.startsWith("postgresql://")) {
      return fromPostgresUri(raw, user, password, pool);
    }
    if (raw.startsWith("jdbc:h2:")) {
      return new DatabaseSettings(Vendor.H2, durableH2(raw), user, password, pool);
    }
    if (raw.startsWith("jdbc:postgresql:")) {
      return new DatabaseSettings(Vendor.POSTGRESQL, raw, user, password, pool);
    }
    throw new ConfigException.BadValue(
        "kimp.db.url", "must be a jdbc:h2:, jdbc:postgresql: or postgres:// URL, not '" + mask(raw) + "'");
  }

  /**
   * An H2 URL with the settings that keep an acknowledged write: {@code WRITE_DELAY=0} (H2's default of 500 ms
   * acknowledges a commit before it is written, so a process killed in that window loses committed journal events: a
   * persisted intent could vanish after its order went out) and {@code DB_CLOSE_ON_EXIT=FALSE} (kimp closes the database
   * itself after the journal and the projection have stopped; H2's own shutdown hook would close it under their feet) and
   * {@code MAX_COMPACT_TIME=0} (no compaction when the database closes: H2 2.3.232 lost recent chunks in that step,
   * h2database issues 4123 and 4247; H2's background housekeeping still reclaims space while the node runs).
   * Every H2 URL kimp opens (node, offline commands, benchmarks) passes through here, so an operator's URL cannot lose
   * them; a URL that sets another write delay is refused.
   */
  static String durableH2(String raw) {
    String[] parts = raw.split(";");
    boolean writeDelay = false;
    boolean closeOnExit = false;
    boolean compactTime = false;
    for (int i = 1; i < parts.length; i++) {
      String[] kv = parts[i].split("=", 2);
      String key = kv[0].trim().toUpperCase(java.util.Locale.ROOT);
      String value = kv.length > 1 ? kv[1].trim() : "";
      if (key.equals("WRITE_DELAY")) {
        if (!value.equals("0")) {
          throw new ConfigException.BadValue(
              "kimp.db.url",
              "WRITE_DELAY=" + value + " lets H2 lose committed journal events when the process dies;"
                  + " remove it (kimp uses WRITE_DELAY=0)");
        }
        writeDelay = true;
      } else if (key.equals("DB_CLOSE_ON_EXIT")) {
        closeOnExit = true;
      } else if (key.equals("MAX_COMPACT_TIME")) {
        compactTime = true;
      }
    }
    String url = raw.endsWith(";") ? raw.substring(0, raw.length() - 1) : raw;
    if (!writeDelay) {
      url += ";WRITE_DELAY=0";
    }
    if (!closeOnExit) {
      url += ";DB_CLOSE_ON_EXIT=FALSE";
    }
    if (!compactTime) {
      url += ";MAX_COMPACT_TIME=0";
    }
    return url;
  }

  /** {@code postgres://user:password@host:port/db?params} → JDBC URL plus credentials. */
  private static DatabaseSettings fromPostgresUri(String raw, String user, String password, int pool) {
    try {
      URI uri = new URI(raw);
      String u = user;
      String p = password;
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        u = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        if (parts.length > 1) {
          p = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        }
      }
      String host = uri.getHost();
      if (host == null) {
        throw new ConfigException.BadValue("kimp.db.url", "has no host");
      }
      String url =
          "jdbc:postgresql://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
              + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
      return new DatabaseSettings(Vendor.POSTGRESQL, url, u, p, pool);
    } catch (URISyntaxException e) {
      throw new ConfigException.BadValue("kimp.db.url", "is not a valid URL: " + e.getReason());
    }
  }

  /**
   * The configuration the persistence plugins need for this database, to be layered over the loaded config:
   * {@code DatabaseSettings.fromConfig(c).overlay().withFallback(c)}.
   */
  public Config overlay() {
    if (vendor == Vendor.H2) {
      H2SerialWriteDriver.register(); // the pool finds it by its class name among the registered drivers
    }
    Map<String, Object> m = new HashMap<>();
    m.put("kimp.db.url", url);
    m.put("kimp.db.user", user);
    m.put("kimp.db.password", password);
    String slick = "pekko-persistence-jdbc.shared-databases.slick.";
    m.put(slick + "profile", vendor.slickProfile);
    m.put(slick + "db.driver", vendor.driver);
    m.put(slick + "db.url", url);
    m.put(slick + "db.user", user);
    m.put(slick + "db.password", password);
    m.put(slick + "db.numThreads", poolSize);
    m.put(slick + "db.maxConnections", poolSize);
    m.put("jdbc-journal.parallelism", vendor.journalWriters);
    m.put("pekko.projection.jdbc.dialect", vendor.projectionDialect);
    m.put("pekko.projection.jdbc.blocking-jdbc-dispatcher.thread-pool-executor.fixed-pool-size", poolSize);
    return ConfigFactory.parseMap(m, "kimp.db (derived)");
  }

  /** The URL with any password removed, for logs. */
  public String safeUrl() {
    return mask(url);
  }

  static String mask(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(//[^:/@]+:)[^@]*@", "$1***@");
  }

  @Override
  public String toString() {
    return "DatabaseSettings[" + vendor + " " + safeUrl() + " user=" + user + " pool=" + poolSize + "]";
  }
}
