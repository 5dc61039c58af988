package io.kimp.gateway.paper;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import io.kimp.persistence.ReadSideDataSource;
import java.nio.file.Path;

/** Migrated databases (the real schema) for the paper ledger's tests. */
public final class LedgerDatabases {
  private LedgerDatabases() {}

  /** A new H2 file database in {@code dir}, migrated. */
  public static HikariDataSource h2(Path dir) {
    return open(TestDatabases.h2File(dir), "");
  }

  /** A pool on {@code url} (migrated first). */
  public static HikariDataSource open(String url, String user) {
    DatabaseSettings db =
        DatabaseSettings.fromConfig(ConfigFactory.parseString(
                "kimp.db { url = \"" + url + "\", user = \"" + user + "\", password = \"\", pool-size = 4 }"));
    Migrations.migrate(db);
    return ReadSideDataSource.create(db, "paper-ledger-test");
  }
}
