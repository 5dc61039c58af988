package io.kimp.app.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kimp.app.config.KimpSettings;
import io.kimp.app.hedge.HedgeWatch;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleRules;
import io.kimp.gateway.paper.LegacyLedgerFile;
import io.kimp.gateway.paper.PaperLedger;
import io.kimp.persistence.DatabaseSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Blob;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import scala.concurrent.ExecutionContextExecutor;
import javax.sql.DataSource;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses damaged or inconsistent state at start instead of trading on it (docs/OPERATIONS.md, "Refusals at start"):
 * a database that does not answer; a missing or empty database next to a data directory that holds state of an earlier
 * run; an H2 file that cannot be read in full; a journal with gaps in an entity's sequence numbers; a journal below the
 * high-water mark this node saw committed ({@link HighWaterMark}); a schema history that does not match the migrations;
 * and in paper mode a journal behind the paper ledger, or a ledger missing (or unreadable) while the journal holds
 * cycles. Each refusal is one {@link Refused} line that says what to do. A crash (kill -9) is none of these: the
 * database holds what was committed, so a restart after one is never refused.
 */
public final class StateGuard {
  private static final Logger log = LoggerFactory.getLogger(StateGuard.class);
  private static final String CYCLE_IDS = ArbitrageCycle.ENTITY_KEY.name() + "|%";
  /** A kimp client id ({@code io.kimp.core.cycle.ClientIds}) as it appears in a journal payload. */
  private static final Pattern CLIENT_ID = Pattern.compile("[0-9a-f]{32}[A-Z]{2}[0-9a-z]{2}");
  private static final int CONNECT_TIMEOUT_SECONDS = 5;

  /** Start refused: the message is the one line the operator reads. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final DatabaseSettings db;
  private final Path dataDir;
  private final Path ledgerFile;

  private StateGuard(DatabaseSettings db, Path dataDir, Path ledgerFile) {
    this.db = db;
    this.dataDir = dataDir;
    this.ledgerFile = ledgerFile;
  }

  /** The checks of the node whose state {@code storage} says where to find. */
  public static StateGuard of(KimpSettings.Storage storage) {
    return new StateGuard(storage.database(), storage.dataDir(), storage.paperLedgerFile());
  }

  public Path dataDir() {
    return dataDir;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the checks

  /**
   * Before the migrations: the database answers; it is not missing or empty next to an earlier run's data directory;
   * an H2 file reads in full; the journal has no gaps and is not below the high-water mark.
   */
  public void beforeMigration() {
    Path h2 = h2File().orElse(null);
    List<String> earlier = earlierRun(h2);
    if (h2 != null && !Files.exists(h2)) {
      if (!earlier.isEmpty()) {
        throw refuse("the H2 database " + h2 + " is missing while " + dataDir + " holds state of an earlier run ("
            + String.join(", ", earlier) + ")");
      }
      return;
    }
    try (Connection c = connect()) {
      // Flyway creates its history table before it takes its lock and applies the first migration (in one transaction
      // with its history row): an empty history is a database another node is creating right now, not a damaged one.
      if (!hasTable(c, "flyway_schema_history") || appliedMigrations(c) == 0) {
        if (!earlier.isEmpty()) {
          throw refuse("the database " + db.safeUrl() + " is empty (no kimp schema) while " + dataDir
              + " holds state of an earlier run (" + String.join(", ", earlier) + ")");
        }
        return;
      }
      if (!hasTable(c, "event_journal")) {
        throw refuse("the database " + db.safeUrl() + " has kimp's schema history but no event_journal table");
      }
      if (h2 != null) {
        readEveryTable(c, h2);
      }
      checkSequenceNumbers(c);
      checkHighWaterMark(c);
    } catch (SQLException e) {
      throw refuse("the database " + db.safeUrl() + " cannot be read: " + firstLine(e.getMessage()));
    }
  }

  /**
   * After the migrations: in paper mode the journal is not behind the paper ledger and the ledger is not missing while
   * the journal holds cycles; then the high-water mark is brought up to the journal (which may be a first mark).
   */
  public void afterMigration(boolean paperLedger) {
    try (Connection c = connect()) {
      if (paperLedger) {
        checkLedger(c);
      }
      markHighWater(c);
    } catch (SQLException e) {
      throw refuse("the database " + db.safeUrl() + " cannot be read: " + firstLine(e.getMessage()));
    }
  }

  /** Whether the database answers at all; one line naming the keys to change when it does not. */
  public Connection connect() {
    Properties p = new Properties();
    if (!db.user().isEmpty()) {
      p.setProperty("user", db.user());
    }
    if (!db.password().isEmpty()) {
      p.setProperty("password", db.password());
    }
    if (db.vendor() == DatabaseSettings.Vendor.POSTGRESQL) {
      p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
      p.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    }
    try {
      return DriverManager.getConnection(db.url(), p);
    } catch (SQLException e) {
      if (db.vendor() == DatabaseSettings.Vendor.POSTGRESQL) {
        throw new Refused("kimp: the database does not answer at " + db.safeUrl() + " (" + firstLine(e.getMessage())
            + "): set kimp.db.url (env DATABASE_URL) to a PostgreSQL that runs, and kimp.db.user / kimp.db.password "
            + "(DATABASE_USER / DATABASE_PASSWORD) if it asks for them");
      }
      throw refuse("the H2 database " + db.safeUrl() + " cannot be opened (" + firstLine(e.getMessage())
          + "); if another kimp process has it open, stop that one first");
    }
  }

  /** Files in the data directory that an earlier run left (so a missing or empty database is not a first start). */
  private List<String> earlierRun(Path h2) {
    List<String> found = new ArrayList<>();
    if (!keepsMark()) {
      return found;
    }
    try {
      Optional<HighWaterMark> mark = HighWaterMark.read(dataDir);
      if (mark.isPresent() && mark.get().database().equals(db.safeUrl())) {
        found.add(HighWaterMark.file(dataDir) + " (journal ordering " + mark.get().ordering() + ")");
      }
    } catch (UncheckedIOException e) {
      throw refuse("the journal high-water mark is unreadable: " + firstLine(e.getCause().getMessage()));
    }
    if (Files.exists(ledgerFile)) {
      found.add(ledgerFile.toString());
    }
    found.addAll(importedLedgerFiles().stream().map(Path::toString).toList());
    return found;
  }

  /** Every row of every table, every column (BLOBs included): H2 reports a damaged page only when it is read. */
  private void readEveryTable(Connection c, Path h2) {
    List<String> tables = new ArrayList<>();
    String current = "";
    try {
      try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      long rows = 0;
      for (String t : tables) {
        current = t;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\"")) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            rows++;
            for (int i = 1; i <= n; i++) {
              Object v = rs.getObject(i);
              if (v instanceof Blob b) {
                b.getBytes(1, (int) b.length());
              } else if (v instanceof Clob cl) {
                cl.getSubString(1, (int) cl.length());
              }
            }
          }
        }
      }
      log.info("H2 database {}: {} tables, {} rows read in full", h2, tables.size(), rows);
    } catch (SQLException | RuntimeException e) {
      throw refuse("the H2 database " + h2 + " is damaged: reading table " + current + " failed ("
          + firstLine(e.getMessage()) + ")");
    }
  }

  private void checkSequenceNumbers(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT persistence_id, MIN(sequence_number), MAX(sequence_number), COUNT(*) FROM event_journal "
                    + "GROUP BY persistence_id HAVING MAX(sequence_number) - MIN(sequence_number) + 1 <> COUNT(*)")) {
      if (rs.next()) {
        throw refuse("the journal has gaps: " + rs.getString(1) + " has " + rs.getLong(4) + " events numbered "
            + rs.getLong(2) + " to " + rs.getLong(3));
      }
    }
  }

  private long journalEnd(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(ordering), 0) FROM event_journal")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** An in-memory H2 database lives as long as its process: it has no mark to keep. */
  private boolean keepsMark() {
    return db.vendor() != DatabaseSettings.Vendor.H2 || h2File().isPresent();
  }

  private void checkHighWaterMark(Connection c) throws SQLException {
    if (!keepsMark()) {
      return;
    }
    Optional<HighWaterMark> mark;
    try {
      mark = HighWaterMark.read(dataDir);
    } catch (UncheckedIOException e) {
      throw refuse("the journal high-water mark is unreadable: " + firstLine(e.getCause().getMessage()));
    }
    if (mark.isEmpty() || !mark.get().database().equals(db.safeUrl())) {
      return;
    }
    long end = journalEnd(c);
    if (end < mark.get().ordering()) {
      throw refuse("the journal of " + db.safeUrl() + " ends at ordering " + end + ", below the "
          + mark.get().ordering() + " this node saw committed at " + mark.get().at() + " (" + HighWaterMark.file(dataDir)
          + "): the database lost committed events (rolled back, truncated, or an older copy); if you restored a "
          + "backup on purpose, delete that file");
    }
  }

  private void markHighWater(Connection c) throws SQLException {
    if (!keepsMark()) {
      return;
    }
    long end = journalEnd(c);
    Optional<HighWaterMark> mark = HighWaterMark.read(dataDir);
    if (mark.isEmpty() || !mark.get().database().equals(db.safeUrl()) || mark.get().ordering() < end) {
      new HighWaterMark(db.safeUrl(), end, Instant.now()).write(dataDir);
    }
  }

  private void checkLedger(Connection c) throws SQLException {
    LegacyLedgerFile legacy = null;
    if (Files.exists(ledgerFile)) {
      try {
        legacy = LegacyLedgerFile.read(ledgerFile);
      } catch (LegacyLedgerFile.Unreadable e) {
        throw refuse(e.getMessage());
      }
    }
    long cycleEvents;
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE ?")) {
      ps.setString(1, CYCLE_IDS);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        cycleEvents = rs.getLong(1);
      }
    }
    boolean started = PaperLedger.started(c);
    if (!started && legacy == null && cycleEvents > 0) {
      throw refuse("the journal holds " + cycleEvents + " events of arbitrage cycles but the paper ledger is missing "
          + "(no paper_ledger row in " + db.safeUrl() + ", no " + ledgerFile + " to import)");
    }
    Set<String> ledgerIds = new TreeSet<>(PaperLedger.actionClientIds(c));
    if (legacy != null) {
      ledgerIds.addAll(legacy.actionClientIds());
    }
    if (ledgerIds.isEmpty()) {
      return;
    }
    Set<String> intents = journalClientIds(c);
    intents.addAll(preparedFirstOrders(c));
    // the hedge watch's own reduce-only closes of orphan shorts belong to no cycle: no intent to look for
    List<String> missing = ledgerIds.stream()
        .filter(id -> !id.startsWith(HedgeWatch.ORPHAN_CLOSE_PREFIX) && !intents.contains(id)).toList();
    if (!missing.isEmpty()) {
      throw refuse("the journal is behind the paper ledger: " + missing.size() + " of the ledger's " + ledgerIds.size()
          + " orders and withdrawals (" + (legacy != null ? ledgerFile + " and " : "") + "the database's) have no "
          + "StepRequested intent in the journal, e.g. client id " + missing.get(0));
    }
  }

  /**
   * The client ids of the first orders prepared with their cycles' capital requests: a {@code CapitalRequested} with a
   * prepared amount is the intent of its cycle's first order, which a grant of that amount sends while the order's own
   * {@code StepRequested} is being written ({@link CycleRules#preparedFirstOrderClientId}); a process killed in between
   * leaves the order in the ledger and only the request in the journal. A request without a prepared amount covers no
   * order. The payloads are read as CBOR trees (kimp's events are serialized with Jackson CBOR); one that does not read
   * is damaged state.
   */
  private Set<String> preparedFirstOrders(Connection c) throws SQLException {
    Set<String> ids = new HashSet<>();
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    forEachCycleEvent(c, "CapitalRequested", (persistenceId, sequenceNr, payload) -> {
      JsonNode event;
      try {
        event = cbor.readTree(payload);
      } catch (IOException e) {
        throw refuse("the journal's CapitalRequested event " + persistenceId + " #" + sequenceNr + " cannot be read: "
            + firstLine(e.getMessage()));
      }
      if (event != null && event.hasNonNull("preparedKrw")) {
        UUID id = uuid(event.get("cycleId"));
        if (id == null) {
          throw refuse("the journal's CapitalRequested event " + persistenceId + " #" + sequenceNr
              + " has no valid cycle id");
        }
        ids.add(CycleRules.preparedFirstOrderClientId(id));
      }
    });
    return ids;
  }

  /** A UUID as Jackson writes it: 16 bytes in CBOR, text in JSON; null when it is neither. */
  private static UUID uuid(JsonNode n) {
    try {
      if (n != null && n.isBinary() && n.binaryValue().length == 16) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(n.binaryValue());
        return new UUID(b.getLong(), b.getLong());
      }
      return n != null && n.isTextual() ? UUID.fromString(n.asText()) : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The client ids of every StepRequested intent in the journal (kimp client ids, read from the payloads' text). */
  private static Set<String> journalClientIds(Connection c) throws SQLException {
    Set<String> ids = new HashSet<>();
    forEachCycleEvent(c, "StepRequested", (persistenceId, sequenceNr, payload) -> {
      Matcher m = CLIENT_ID.matcher(new String(payload, StandardCharsets.ISO_8859_1));
      while (m.find()) {
        ids.add(m.group());
      }
    });
    return ids;
  }

  /** One journal row of a cycle event. */
  private interface EventRow {
    void accept(String persistenceId, long sequenceNr, byte[] payload);
  }

  /** Every journal row of the cycle event {@code CycleEvent.<name>}, in no particular order. */
  private static void forEachCycleEvent(Connection c, String name, EventRow row) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT persistence_id, sequence_number, event_payload FROM event_journal WHERE persistence_id LIKE ? "
                + "AND (event_ser_manifest LIKE ? OR event_ser_manifest LIKE ?)")) {
      ps.setString(1, CYCLE_IDS);
      // the class name, with "#<version>" once the event has a Jackson migration (docs/journal-compatibility.md)
      ps.setString(2, "%$" + name);
      ps.setString(3, "%$" + name + "#%");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          row.accept(rs.getString(1), rs.getLong(2), rs.getBytes(3));
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // starting over

  /** What {@code --discard-state} moves aside: the H2 files, the high-water mark, the ledger files of kimp 0.1. */
  public List<Path> discardable() {
    List<Path> out = new ArrayList<>();
    h2File().ifPresent(f -> {
      out.add(f);
      String base = f.getFileName().toString().replace(".mv.db", "");
      out.add(f.resolveSibling(base + ".trace.db"));
    });
    out.add(HighWaterMark.file(dataDir));
    out.add(ledgerFile);
    out.addAll(importedLedgerFiles());
    return out.stream().filter(Files::exists).toList();
  }

  /**
   * Starts over explicitly: {@code confirmed} must name the data directory; each file of {@link #discardable()} is
   * renamed {@code <name>.discarded-<UTC time>} (nothing is deleted) and reported on {@code err}.
   */
  public void discard(String confirmed, PrintStream err) {
    List<Path> files = discardable();
    if (!Path.of(confirmed).toAbsolutePath().normalize().equals(dataDir)) {
      throw new Refused("kimp: --discard-state must name the data directory whose state it discards: "
          + "--discard-state=" + dataDir + " (it moves aside: " + describe(files) + ")");
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    for (Path f : files) {
      Path to = f.resolveSibling(f.getFileName() + ".discarded-" + stamp);
      try {
        Files.move(f, to);
      } catch (IOException e) {
        throw new Refused("kimp: cannot move " + f + " aside: " + e.getMessage());
      }
      err.println("kimp: discarded (moved aside): " + f + " -> " + to);
    }
    if (files.isEmpty()) {
      err.println("kimp: --discard-state: nothing to discard in " + dataDir);
    }
    if (db.vendor() == DatabaseSettings.Vendor.POSTGRESQL) {
      err.println("kimp: the PostgreSQL database " + db.safeUrl() + " is not touched: to start its journal and "
          + "ledger over, drop and recreate its schema");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /**
   * Keeps the high-water mark up to date while the node runs: every {@code every} from the read side's pool, and once
   * more when the cluster part of the node has stopped (its entities have persisted their last events).
   */
  public void keepHighWaterMark(ActorSystem<?> system, DataSource readSide, Duration every) {
    if (!keepsMark()) {
      return;
    }
    Runnable mark = () -> {
      try (Connection c = readSide.getConnection()) {
        markHighWater(c);
      } catch (SQLException | RuntimeException e) {
        log.warn("journal high-water mark not updated: {}", firstLine(e.getMessage()));
      }
    };
    ExecutionContextExecutor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    system.scheduler().scheduleWithFixedDelay(every, every, mark, blocking);
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseClusterShutdown(), "journal-high-water-mark",
            () -> CompletableFuture.runAsync(mark, blocking).thenApply(x -> Done.getInstance()));
  }

  /** A refusal of {@code what} with the remedies (restore, or start over naming what is discarded). */
  public Refused refuse(String what) {
    String restore =
        db.vendor() == DatabaseSettings.Vendor.H2
            ? "restore a backup (./kimp backup; docs/OPERATIONS.md, \"Backups\")"
            : "restore the PostgreSQL database from its backup (docs/OPERATIONS.md, \"Backups\")";
    return new Refused("kimp: refusing to start: " + what + ". Either " + restore + ", or start over with "
        + "./kimp run --discard-state=" + dataDir + " (moves aside: " + describe(discardable()) + ")");
  }

  private static String describe(List<Path> files) {
    return files.isEmpty() ? "nothing" : String.join(", ", files.stream().map(Path::toString).toList());
  }

  /** The {@code .mv.db} file of an H2 file database, if the URL names one. */
  Optional<Path> h2File() {
    if (db.vendor() != DatabaseSettings.Vendor.H2) {
      return Optional.empty();
    }
    String rest = db.url().substring("jdbc:h2:".length());
    if (rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:") || rest.startsWith("zip:")) {
      return Optional.empty();
    }
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    int semi = rest.indexOf(';');
    String path = semi < 0 ? rest : rest.substring(0, semi);
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return Optional.of(Path.of(path + ".mv.db").toAbsolutePath().normalize());
  }

  private List<Path> importedLedgerFiles() {
    Path dir = ledgerFile.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    String prefix = ledgerFile.getFileName() + ".imported-";
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Whether the connection's schema has table {@code name} (as created: lower case, or upper case by H2's default). */
  /** How many migrations Flyway recorded as applied (its table and column names are quoted lower case on both). */
  private static long appliedMigrations(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\"")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    for (String n : List.of(name, name.toUpperCase(java.util.Locale.ROOT))) {
      try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), n, new String[] {"TABLE"})) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
