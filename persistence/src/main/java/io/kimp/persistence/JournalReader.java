package io.kimp.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Event journal replay for operators: a cycle's or a symbol's events, in order, as JSON objects (timestamp, sequence
 * number, persistence id, event type and the event's fields).
 */
public final class JournalReader {
  private static final String PREFIX = ArbitrageCycle.ENTITY_KEY.name() + "|";
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;
  private final DataSource readSide;

  public JournalReader(ActorSystem<?> system, DataSource readSide) {
    this.system = system;
    this.readSide = readSide;
    this.journal =
        PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** Every event of a symbol's cycle entity. */
  public CompletionStage<List<ObjectNode>> symbol(String symbol) {
    return events(PREFIX + symbol, Optional.empty());
  }

  /** The events of one cycle (found through the read table, else by scanning the cycle entities). */
  public CompletionStage<List<ObjectNode>> cycle(UUID cycleId) {
    Optional<String> symbol = symbolOf(cycleId);
    if (symbol.isPresent()) {
      return events(PREFIX + symbol.get(), Optional.of(cycleId));
    }
    return journal
        .currentPersistenceIds()
        .filter(pid -> pid.startsWith(PREFIX))
        .flatMapConcat(pid -> Source.completionStage(events(pid, Optional.of(cycleId))))
        .mapConcat(l -> l)
        .runWith(Sink.seq(), system);
  }

  private CompletionStage<List<ObjectNode>> events(String persistenceId, Optional<UUID> cycleId) {
    return journal
        .currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .filter(env -> env.event() instanceof CycleEvent e
            && (cycleId.isEmpty() || e.cycleId().equals(cycleId.get())))
        .map(JournalReader::toJson)
        .runWith(Sink.seq(), system);
  }

  static ObjectNode toJson(EventEnvelope env) {
    ObjectNode line = JSON.createObjectNode();
    line.put("timestamp", Instant.ofEpochMilli(env.timestamp()).toString());
    line.put("sequenceNr", env.sequenceNr());
    line.put("persistenceId", env.persistenceId());
    ObjectNode fields = JSON.valueToTree(env.event());
    line.setAll(fields); // "type" first among the event's own fields (Jackson type id)
    return line;
  }

  public static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Optional<String> symbolOf(UUID cycleId) {
    try (Connection c = readSide.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT symbol FROM arbitrage_cycles WHERE id = ?")) {
      ps.setObject(1, cycleId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
  }
}
