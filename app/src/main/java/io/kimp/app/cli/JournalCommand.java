package io.kimp.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.state.StateGuard;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.JournalReader;
import io.kimp.persistence.ReadSideDataSource;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Replay the event journal: print a cycle's or a symbol's events in order, one JSON object per line.")
final class JournalCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Option(names = "--cycle", paramLabel = "ID", description = "A cycle id (UUID).")
    UUID cycle;

    @Option(names = "--symbol", paramLabel = "SYM", description = "A symbol, e.g. XRP: every cycle it ran.")
    String symbol;
  }

  @Override
  public Integer call() throws Exception {
    io.kimp.app.config.KimpConfig.Loaded loaded = config.loaded();
    Config c = Tools.localSystemConfig(loaded.config());
    DatabaseSettings db = loaded.settings().storage().database();
    // a read-only look: damaged state is reported (the same line kimp run refuses with), and what is left is shown
    try {
      StateGuard.of(loaded.settings().storage()).beforeMigration();
    } catch (StateGuard.Refused e) {
      if (e.getMessage().contains("does not answer")) {
        throw e;
      }
      System.err.println("kimp: warning: " + e.getMessage().replaceFirst("^kimp: refusing to start: ", ""));
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "kimp-journal", c);
    try (HikariDataSource ds = ReadSideDataSource.create(db, "kimp-journal")) {
      JournalReader reader = new JournalReader(system, ds);
      List<ObjectNode> events =
          (target.cycle != null ? reader.cycle(target.cycle) : reader.symbol(target.symbol.toUpperCase()))
              .toCompletableFuture()
              .get(5, TimeUnit.MINUTES);
      for (ObjectNode e : events) {
        System.out.println(JournalReader.write(e));
      }
      if (events.isEmpty()) {
        System.err.println("no events for " + (target.cycle != null ? "cycle " + target.cycle : target.symbol));
        return 1;
      }
      return 0;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
