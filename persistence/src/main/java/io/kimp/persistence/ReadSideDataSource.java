package io.kimp.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The connection pool of the read side (projection handlers and read-table queries). */
public final class ReadSideDataSource {
  private ReadSideDataSource() {}

  public static HikariDataSource create(DatabaseSettings db, String poolName) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(poolName);
    c.setJdbcUrl(db.url());
    c.setUsername(db.user());
    c.setPassword(db.password());
    c.setDriverClassName(db.vendor().driver());
    c.setMaximumPoolSize(db.poolSize());
    c.setMinimumIdle(1);
    c.setConnectionTimeout(10_000);
    // fail at first use, not at construction: the projection restarts with backoff while the database is down
    c.setInitializationFailTimeout(-1);
    return new HikariDataSource(c);
  }
}
