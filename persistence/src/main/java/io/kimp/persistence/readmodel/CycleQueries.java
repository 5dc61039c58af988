package io.kimp.persistence.readmodel;

import io.kimp.core.cycle.CycleStatus;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The operators' queries over the cycle read tables ({@code arbitrage_cycles}, {@code trades}; schema in
 * {@code db/migration/<vendor>/V3__read_model.sql}, kept by {@link io.kimp.persistence.CycleReadModelHandler}). Portable
 * SQL: the same statements run on H2 and PostgreSQL. Every call blocks on JDBC: callers run it on a blocking dispatcher.
 */
public final class CycleQueries {
  /** The statuses of a cycle that is not over (a dead-lettered cycle still holds capital). */
  public static final List<CycleStatus> OPEN =
      List.of(CycleStatus.STARTED, CycleStatus.INITIAL_TRADE_COMPLETED, CycleStatus.AWAITING_REBALANCE,
          CycleStatus.REBALANCING_IN_PROGRESS, CycleStatus.REBALANCE_TRADE_COMPLETED, CycleStatus.AWAITING_RETRY,
          CycleStatus.DEAD_LETTER);

  private static final Object[] OPEN_NAMES = OPEN.stream().map(Enum::name).toArray();

  private final DataSource readSide;

  public CycleQueries(DataSource readSide) {
    this.readSide = readSide;
  }

  /**
   * Which cycles {@link #cycles} lists: a status, a symbol, open ones only (each null/false for any), a page.
   */
  public record Filter(CycleStatus status, String symbol, boolean openOnly, int offset, int limit) {
    public Filter {
      if (offset < 0 || limit < 0) {
        throw new IllegalArgumentException("offset and limit must not be negative");
      }
    }
  }

  /**
   * A cycle as the list shows it.
   *
   * @param rebalanceSymbol null while the cycle is on its initial leg
   * @param lastSide the side of its latest step attempt (BUY, SELL, WITHDRAW, DEPOSIT, HEDGE_OPEN, HEDGE_CLOSE), null
   *     before the first
   * @param hedged a transfer hedge's short was opened on some leg (a filled {@code HEDGE_OPEN})
   */
  public record CycleSummary(
      UUID id, String symbol, String direction, String status, String rebalanceSymbol, String lastSide, int retryCount,
      BigDecimal initialInvestmentKrw, BigDecimal totalNetProfitKrw, Instant startTime, Instant lockedAt,
      boolean hedged) {}

  /** A cycle's row of the {@code arbitrage_cycles} read table (columns in camel case). */
  public record CycleRecord(
      UUID id, String symbol, String direction, String status, Instant startTime, Instant endTime,
      String initialTradeId, String rebalanceTradeId, String rebalanceSymbol, BigDecimal premiumPercent,
      BigDecimal totalNetProfitKrw, BigDecimal totalNetProfitPercent, BigDecimal initialInvestmentKrw,
      String errorDetails, Instant lockedAt, int retryCount, Instant lastRetryAt, Instant nextRetryAt,
      String failureReason, Instant updatedAt) {}

  /** One attempt of one step: a row of the {@code trades} read table (columns in camel case). */
  public record TradeRecord(
      String id, UUID cycleId, String tradeType, String symbol, String exchange, String side, String status,
      int attempt, BigDecimal price, BigDecimal quantity, BigDecimal quoteAmount, BigDecimal fee, String feeAsset,
      BigDecimal netProfitKrw, BigDecimal investmentKrw, String details, String txId, String errorMessage,
      Instant createdAt, Instant updatedAt) {}

  /**
   * Cycles per status (every status a cycle can have, zero when none; statuses this version does not know are left out),
   * and the step attempts that were retries (attempt number above 1).
   */
  public record CycleCounts(Map<CycleStatus, Integer> byStatus, long retriedAttempts) {}

  /**
   * A trading day's numbers, over {@code [from, to)}: cycles started, completed (by end time), dead-lettered (by the time
   * they entered that status), the completed cycles' net profit, and the cycles open now.
   */
  public record DayNumbers(int started, int completed, int deadLettered, BigDecimal netProfitKrw, int openNow) {}

  /** How many cycles are open now ({@link #OPEN}). */
  public int openCycles() throws SQLException {
    try (Connection c = readSide.getConnection()) {
      return openCycles(c);
    }
  }

  /** The cycles {@code f} selects, newest start first. */
  public List<CycleSummary> cycles(Filter f) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT c.id, c.symbol, c.direction, c.status, c.rebalance_symbol, c.retry_count, c.initial_investment_krw,"
                + " c.total_net_profit_krw, c.start_time, c.locked_at,"
                + " (SELECT t.side FROM trades t WHERE t.cycle_id = c.id ORDER BY t.created_at DESC, t.id DESC"
                + "  FETCH FIRST 1 ROWS ONLY) AS last_side,"
                + " CASE WHEN EXISTS (SELECT 1 FROM trades h WHERE h.cycle_id = c.id AND h.side = 'HEDGE_OPEN'"
                + "  AND h.status = 'FILLED') THEN 1 ELSE 0 END AS hedged"
                + " FROM arbitrage_cycles c WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (f.status() != null) {
      sql.append(" AND c.status = ?");
      args.add(f.status().name());
    }
    if (f.symbol() != null) {
      sql.append(" AND c.symbol = ?");
      args.add(f.symbol());
    }
    if (f.openOnly()) {
      sql.append(" AND c.status IN (").append(placeholders(OPEN_NAMES.length)).append(")");
      args.addAll(List.of(OPEN_NAMES));
    }
    sql.append(" ORDER BY c.start_time DESC, c.id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
    args.add(f.offset());
    args.add(f.limit());
    List<CycleSummary> rows = new ArrayList<>();
    try (Connection c = readSide.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bind(ps, args.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new CycleSummary(
              rs.getObject("id", UUID.class), rs.getString("symbol"), rs.getString("direction"),
              rs.getString("status"), rs.getString("rebalance_symbol"), rs.getString("last_side"),
              rs.getInt("retry_count"), rs.getBigDecimal("initial_investment_krw"),
              rs.getBigDecimal("total_net_profit_krw"), instant(rs, "start_time"), instant(rs, "locked_at"),
              rs.getInt("hedged") == 1));
        }
      }
    }
    return rows;
  }

  /** The cycle's read-table row, if the projection has it. */
  public Optional<CycleRecord> cycle(UUID cycleId) throws SQLException {
    try (Connection c = readSide.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM arbitrage_cycles WHERE id = ?")) {
      ps.setObject(1, cycleId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new CycleRecord(
            rs.getObject("id", UUID.class), rs.getString("symbol"), rs.getString("direction"),
            rs.getString("status"), instant(rs, "start_time"), instant(rs, "end_time"),
            rs.getString("initial_trade_id"), rs.getString("rebalance_trade_id"), rs.getString("rebalance_symbol"),
            rs.getBigDecimal("premium_percent"), rs.getBigDecimal("total_net_profit_krw"),
            rs.getBigDecimal("total_net_profit_percent"), rs.getBigDecimal("initial_investment_krw"),
            rs.getString("error_details"), instant(rs, "locked_at"), rs.getInt("retry_count"),
            instant(rs, "last_retry_at"), instant(rs, "next_retry_at"), rs.getString("failure_reason"),
            instant(rs, "updated_at")));
      }
    }
  }

  /** The cycle's step attempts, oldest first. */
  public List<TradeRecord> trades(UUID cycleId) throws SQLException {
    List<TradeRecord> rows = new ArrayList<>();
    try (Connection c = readSide.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM trades WHERE cycle_id = ? ORDER BY created_at, id")) {
      ps.setObject(1, cycleId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new TradeRecord(
              rs.getString("id"), rs.getObject("cycle_id", UUID.class), rs.getString("trade_type"),
              rs.getString("symbol"), rs.getString("exchange"), rs.getString("side"), rs.getString("status"),
              rs.getInt("attempt"), rs.getBigDecimal("price"), rs.getBigDecimal("quantity"),
              rs.getBigDecimal("quote_amount"), rs.getBigDecimal("fee"), rs.getString("fee_asset"),
              rs.getBigDecimal("net_profit_krw"), rs.getBigDecimal("investment_krw"), rs.getString("details"),
              rs.getString("tx_id"), rs.getString("error_message"), instant(rs, "created_at"),
              instant(rs, "updated_at")));
        }
      }
    }
    return rows;
  }

  public CycleCounts counts() throws SQLException {
    Map<CycleStatus, Integer> byStatus = new EnumMap<>(CycleStatus.class);
    for (CycleStatus s : CycleStatus.values()) {
      if (s != CycleStatus.IDLE) { // an entity's state between cycles, never a cycle's
        byStatus.put(s, 0);
      }
    }
    try (Connection c = readSide.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM arbitrage_cycles GROUP BY status");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          try {
            CycleStatus s = CycleStatus.valueOf(rs.getString(1));
            if (s != CycleStatus.IDLE) {
              byStatus.put(s, rs.getInt(2));
            }
          } catch (IllegalArgumentException unknown) {
            // a status of a newer kimp version: not counted here
          }
        }
      }
      return new CycleCounts(byStatus, count(c, "SELECT COUNT(*) FROM trades WHERE attempt > 1"));
    }
  }

  public DayNumbers day(OffsetDateTime from, OffsetDateTime to) throws SQLException {
    try (Connection c = readSide.getConnection()) {
      return new DayNumbers(
          count(c, "SELECT COUNT(*) FROM arbitrage_cycles WHERE start_time >= ? AND start_time < ?", from, to),
          count(c, "SELECT COUNT(*) FROM arbitrage_cycles WHERE status = 'COMPLETED' AND end_time >= ? AND end_time < ?",
              from, to),
          count(c, "SELECT COUNT(*) FROM arbitrage_cycles WHERE status = 'DEAD_LETTER' AND locked_at >= ? "
              + "AND locked_at < ?", from, to),
          sum(c, "SELECT COALESCE(SUM(total_net_profit_krw), 0) FROM arbitrage_cycles WHERE status = 'COMPLETED' "
              + "AND end_time >= ? AND end_time < ?", from, to),
          openCycles(c));
    }
  }

  // ---- helpers

  private static int openCycles(Connection c) throws SQLException {
    return count(c, "SELECT COUNT(*) FROM arbitrage_cycles WHERE status IN (" + placeholders(OPEN_NAMES.length) + ")",
        OPEN_NAMES);
  }

  private static int count(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static BigDecimal sum(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBigDecimal(1);
      }
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
