package io.kimp.persistence.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.kimp.core.config.CoreSettings;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleState;
import io.kimp.persistence.CycleReadModelHandler;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the old-journal fixture: runs {@link OldJournalScenario}, persists its events through the real jdbc-journal (H2,
 * the node's persistence settings, the node's serialization bindings, each symbol's real persistence id and projection
 * tag), and exports the journal's rows as stored: serializer id, manifest and payload bytes (base64). Next to them it
 * writes what today's code makes of those events: each persistence id's {@link CycleState} after each event (the
 * {@link CycleRules#apply} fold the entity recovers with) and the read tables the projection handler builds.
 *
 * <p>Run once, on the code before the journal's events were flattened (commit recorded in the fixture), with
 * <pre>
 * mvn -B -o -pl persistence -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest=OldJournalFixtureGenerator \
 *     -Dkimp.write-old-journal=$PWD/persistence/src/test/resources/journal -Dkimp.write-old-journal.commit=$(git rev-parse HEAD) test
 * </pre>
 * (a test that is skipped unless {@code kimp.write-old-journal} names the output directory). Never run it again on purpose: the fixture's value is that it was written by the old code. Running it on newer code
 * writes a fixture of the newer wire form, which is a different (newer) fixture.
 */
public final class OldJournalFixtureGenerator {

  @Test
  @EnabledIfSystemProperty(named = "kimp.write-old-journal", matches = ".+")
  void write() throws Exception {
    main(new String[] {System.getProperty("kimp.write-old-journal"),
        System.getProperty("kimp.write-old-journal.commit", "unknown")});
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/journal");
    String commit = args.length > 1 ? args[1] : "unknown";
    Path dir = Files.createTempDirectory("kimp-old-journal");
    String url = JournalFixture.h2Url(dir);
    Config config = JournalFixture.config(url);
    DatabaseSettings db = DatabaseSettings.fromConfig(config);
    Migrations.migrate(db);
    Map<String, List<CycleEvent>> bySymbol = OldJournalScenario.run();
    int tags = config.getInt("kimp.cycle.projection-tags");

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "old-journal", config);
    try {
      for (Map.Entry<String, List<CycleEvent>> e : bySymbol.entrySet()) {
        ActorRef<Writer.Append> writer =
            system.systemActorOf(new Writer(e.getKey(), tags), "writer-" + e.getKey(),
                org.apache.pekko.actor.typed.Props.empty());
        AskPattern.<Writer.Append, Done>ask(
                writer, replyTo -> new Writer.Append(e.getValue(), replyTo), Duration.ofSeconds(30),
                system.scheduler())
            .toCompletableFuture()
            .get();
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }

    ObjectNode rowsFile = JournalFixture.JSON.createObjectNode();
    rowsFile.put(
        "about",
        "event_journal rows (and their event_tag tags) written by the jdbc-journal from OldJournalScenario, by the code "
            + "of the commit below; payloads base64 as stored");
    rowsFile.put("commit", commit);
    ArrayNode rows = rowsFile.putArray("rows");
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT ordering, persistence_id, sequence_number, writer, write_timestamp, adapter_manifest, "
                      + "event_ser_id, event_ser_manifest, event_payload FROM event_journal ORDER BY ordering");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ObjectNode row = rows.addObject();
          long ordering = rs.getLong(1);
          row.put("ordering", ordering);
          row.put("persistenceId", rs.getString(2));
          row.put("sequenceNumber", rs.getLong(3));
          row.put("writer", rs.getString(4));
          row.put("writeTimestamp", rs.getLong(5));
          row.put("adapterManifest", rs.getString(6));
          row.put("serializerId", rs.getInt(7));
          row.put("manifest", rs.getString(8));
          row.put("payload", Base64.getEncoder().encodeToString(rs.getBytes(9)));
          ArrayNode t = row.putArray("tags");
          try (PreparedStatement tp = c.prepareStatement("SELECT tag FROM event_tag WHERE event_id = ? ORDER BY tag")) {
            tp.setLong(1, ordering);
            try (ResultSet tr = tp.executeQuery()) {
              while (tr.next()) {
                t.add(tr.getString(1));
              }
            }
          }
        }
      }

      ObjectNode expected = JournalFixture.JSON.createObjectNode();
      expected.put(
          "about",
          "what the code of the commit below made of the rows in old-cycle-journal.json: each persistence id's state "
              + "after each event (CycleRules.apply), and the read tables after all events (CycleReadModelHandler)");
      expected.put("commit", commit);
      ObjectNode states = expected.putObject("states");
      CycleRules rules = new CycleRules(CoreSettings.cycle(config));
      for (Map.Entry<String, List<CycleEvent>> e : bySymbol.entrySet()) {
        ArrayNode steps = states.putArray(ArbitrageCycle.persistenceIdOf(e.getKey()).id());
        CycleState state = CycleState.empty(e.getKey());
        long seq = 0;
        for (CycleEvent ev : e.getValue()) {
          state = rules.apply(state, ev);
          CycleReadModelHandler.apply(c, ev);
          ObjectNode step = steps.addObject();
          step.put("sequenceNumber", ++seq);
          step.put("event", ev.getClass().getSimpleName());
          step.set("state", JournalFixture.render(state));
        }
      }
      expected.set("readModel", JournalFixture.readModel(c));
      Files.createDirectories(out);
      JournalFixture.JSON.writerWithDefaultPrettyPrinter()
          .writeValue(out.resolve(Path.of(JournalFixture.ROWS).getFileName()).toFile(), rowsFile);
      JournalFixture.JSON.writerWithDefaultPrettyPrinter()
          .writeValue(out.resolve(Path.of(JournalFixture.EXPECTED).getFileName()).toFile(), expected);
      try (var s = c.createStatement()) {
        s.execute("SHUTDOWN");
      }
    }
    System.out.println("wrote " + rows.size() + " journal rows to " + out.toAbsolutePath());
  }

  /** Persists given events under a cycle entity's persistence id and tag, as the entity would. */
  static final class Writer extends EventSourcedBehavior<Writer.Append, CycleEvent, Integer> {
    record Append(List<CycleEvent> events, ActorRef<Done> replyTo) {}

    private final String tag;

    Writer(String symbol, int tags) {
      super(ArbitrageCycle.persistenceIdOf(symbol));
      this.tag = ArbitrageCycle.tagFor(symbol, tags);
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Append, CycleEvent, Integer> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(Append.class, (s, c) -> Effect().persist(c.events()).thenRun(x -> c.replyTo().tell(Done.done())))
          .build();
    }

    @Override
    public EventHandler<Integer, CycleEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
    }

    @Override
    public Set<String> tagsFor(CycleEvent event) {
      return Set.of(tag);
    }
  }
}
