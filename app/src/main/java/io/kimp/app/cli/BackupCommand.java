package io.kimp.app.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = "Online backup of a running node's embedded H2 database (journal, snapshots, read tables) into a zip "
        + "file on the node's host. PostgreSQL: use pg_dump.")
final class BackupCommand implements Callable<Integer> {
  @Mixin AdminApiOptions api;

  @Option(names = "--to", required = true, paramLabel = "FILE.zip",
      description = "Where the node writes the backup (made absolute against this directory; must not exist).")
  Path to;

  @Override
  public Integer call() throws Exception {
    String file = to.toAbsolutePath().normalize().toString();
    return api.call(a -> a.post("api/v1/backup", Map.of("to", file)),
        r -> "backup written: " + r.path("file").asText() + " (" + r.path("bytes").asLong() + " bytes)").call();
  }
}
