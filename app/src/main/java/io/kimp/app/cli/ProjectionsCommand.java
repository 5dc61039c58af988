package io.kimp.app.cli;

import com.typesafe.config.Config;
import com.zaxxer.hikari.HikariDataSource;
import io.kimp.app.state.StateGuard;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.ReadModelRebuild;
import io.kimp.persistence.ReadSideDataSource;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "projections",
    mixinStandardHelpOptions = true,
    description = "Manage the read-side projections.",
    subcommands = {ProjectionsCommand.Rebuild.class})
final class ProjectionsCommand {

  @Command(
      name = "rebuild",
      mixinStandardHelpOptions = true,
      description = "Empty the read tables (arbitrage_cycles, trades) and rebuild them from the event journal. Stop the "
          + "nodes first: a running node's projection would race with the rebuild.")
  static final class Rebuild implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Option(names = "--timeout", defaultValue = "10m", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() throws Exception {
      io.kimp.app.config.KimpConfig.Loaded loaded = config.loaded();
      Config c = Tools.localSystemConfig(loaded.config());
      DatabaseSettings db = loaded.settings().storage().database();
      // the read tables are rebuilt only from a journal that passes kimp run's start-up checks
      StateGuard.of(loaded.settings().storage()).beforeMigration();
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "kimp-projections", c);
      try (HikariDataSource ds = ReadSideDataSource.create(db, "kimp-rebuild")) {
        ReadModelRebuild.Result r =
            ReadModelRebuild.run(system, ds, Duration.parse("PT" + timeout.toUpperCase()))
                .toCompletableFuture()
                .get();
        System.out.println(
            "rebuilt read tables from " + r.events() + " events: " + r.cycles() + " cycles, " + r.trades() + " trades");
        return 0;
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
