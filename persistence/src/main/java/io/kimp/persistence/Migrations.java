package io.kimp.persistence;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema (journal, snapshots, projection offsets, read tables) as versioned Flyway migrations per vendor
 * ({@code db/migration/h2}, {@code db/migration/postgresql}). Errors propagate: a node never starts on a schema it could
 * not migrate.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static MigrateResult migrate(DatabaseSettings db) {
    Flyway flyway =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(db.url(), db.user(), db.password())
            .locations("classpath:db/migration/" + db.vendor().flywayVendor)
            .failOnMissingLocations(true)
            .load();
    MigrateResult result = flyway.migrate();
    log.info(
        "schema of {} at version {} ({} migrations applied)",
        db.safeUrl(), result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
        result.migrationsExecuted);
    return result;
  }
}
