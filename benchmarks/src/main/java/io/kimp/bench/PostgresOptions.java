package io.kimp.bench;

import picocli.CommandLine.Option;

/** Where a benchmark creates its throw-away PostgreSQL schema (a picocli mixin). */
final class PostgresOptions {
  @Option(names = "--pg-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test",
      description = "PostgreSQL database to create the throw-away schema in (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--pg-user", defaultValue = "postgres", description = "PostgreSQL user (default: ${DEFAULT-VALUE}).")
  String user;
}
