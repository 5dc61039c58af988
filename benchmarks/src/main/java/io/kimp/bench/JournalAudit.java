package io.kimp.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What the harness reads from the cluster's database (directly, not through the proxy the nodes use): open cycles, the
 * journal's contiguity, and when a cycle's journal last moved.
 */
final class JournalAudit {
  static final String TERMINAL = "('COMPLETED', 'FAILED', 'DEAD_LETTER')";
  private final String url;
  private final String user;

  JournalAudit(String url, String user) {
    this.url = url;
    this.user = user;
  }

  /** Open cycles (read table): id → symbol. */
  Map<UUID, String> openCycles() throws SQLException {
    Map<UUID, String> open = new LinkedHashMap<>();
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(
            "SELECT id, symbol FROM arbitrage_cycles WHERE status NOT IN " + TERMINAL + " ORDER BY start_time");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        open.put((UUID) rs.getObject(1), rs.getString(2));
      }
    }
    return open;
  }

  /** The read table's status of each cycle (null when the projection has not written it). */
  String status(UUID cycle) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT status FROM arbitrage_cycles WHERE id = ?")) {
      ps.setObject(1, cycle);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Write time (epoch ms) of the first event of {@code persistenceId} written after {@code afterMillis}, or -1. */
  long firstEventAfter(String persistenceId, long afterMillis) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(
            "SELECT MIN(write_timestamp) FROM event_journal WHERE persistence_id = ? AND write_timestamp > ?")) {
      ps.setString(1, persistenceId);
      ps.setLong(2, afterMillis);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long t = rs.getLong(1);
        return rs.wasNull() ? -1 : t;
      }
    }
  }

  /** Missing sequence numbers between each persistence id's first and last stored event, summed. */
  long journalGaps() throws SQLException {
    return single("SELECT COALESCE(SUM(mx - mn + 1 - n), 0) FROM (SELECT persistence_id, MIN(sequence_number) AS mn, "
        + "MAX(sequence_number) AS mx, COUNT(*) AS n FROM event_journal GROUP BY persistence_id) t");
  }

  /** The highest sequence number of every persistence id. */
  Map<String, Long> highestSequenceNumbers() throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(
            "SELECT persistence_id, MAX(sequence_number) FROM event_journal GROUP BY persistence_id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** Cycles started according to the journal (CycleStarted events). */
  long cyclesStartedInJournal() throws SQLException {
    return single("SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE 'ArbitrageCycle|%' "
        + "AND event_ser_manifest LIKE '%CycleStarted'");
  }

  long cyclesInReadTable() throws SQLException {
    return single("SELECT COUNT(*) FROM arbitrage_cycles");
  }

  long cyclesWithStatus(String status) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM arbitrage_cycles WHERE status = ?")) {
      ps.setString(1, status);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Upbit withdrawals the cycles completed (Upbit withdrawals carry no client id: compared by count). */
  long completedUpbitWithdrawals() throws SQLException {
    return single("SELECT COUNT(*) FROM trades WHERE exchange = 'UPBIT' AND side = 'WITHDRAW' AND status = 'COMPLETED'");
  }

  private long single(String sql) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, "");
  }
}
