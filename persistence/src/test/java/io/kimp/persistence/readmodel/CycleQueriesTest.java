package io.kimp.persistence.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import io.kimp.persistence.ReadSideDataSource;
import io.kimp.persistence.readmodel.CycleQueries.CycleSummary;
import io.kimp.persistence.readmodel.CycleQueries.Filter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read-model queries on the schema the migrations create, in H2 and in PostgreSQL (skipped when none answers, failed
 * under {@code KIMP_REQUIRE_PG=1}). Rows are written with this test's own SQL; the expected answers are counted by hand.
 */
class CycleQueriesTest {
  private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

  @TempDir Path dir;
  private HikariDataSource ds;
  private String pgUrl;

  @AfterEach
  void close() {
    if (ds != null) {
      ds.close();
    }
    if (pgUrl != null) {
      TestDatabases.dropPostgresSchema(pgUrl);
    }
  }

  private CycleQueries open(DatabaseSettings.Vendor vendor) {
    DatabaseSettings db;
    if (vendor == DatabaseSettings.Vendor.H2) {
      db = new DatabaseSettings(vendor, TestDatabases.h2File(dir), "sa", "", 2);
    } else {
      TestDatabases.assumePostgres();
      pgUrl = TestDatabases.freshPostgresSchema();
      db = new DatabaseSettings(vendor, pgUrl, TestDatabases.PG_USER, "", 2);
    }
    Migrations.migrate(db);
    ds = ReadSideDataSource.create(db, "cycle-queries-test");
    return new CycleQueries(ds);
  }

  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void emptyTablesAnswerEmpty(DatabaseSettings.Vendor vendor) throws Exception {
    CycleQueries q = open(vendor);
    assertThat(q.openCycles()).isZero();
    assertThat(q.cycles(new Filter(null, null, false, 0, 50))).isEmpty();
    assertThat(q.cycle(UUID.randomUUID())).isEmpty();
    assertThat(q.trades(UUID.randomUUID())).isEmpty();
    CycleQueries.CycleCounts counts = q.counts();
    assertThat(counts.byStatus()).doesNotContainKey(CycleStatus.IDLE).containsEntry(CycleStatus.COMPLETED, 0);
    assertThat(counts.byStatus().values()).allMatch(n -> n == 0);
    assertThat(counts.retriedAttempts()).isZero();
    CycleQueries.DayNumbers day = q.day(at(0), at(24 * 60));
    assertThat(day.netProfitKrw()).isEqualByComparingTo("0");
    assertThat(List.of(day.started(), day.completed(), day.deadLettered(), day.openNow())).containsOnly(0);
  }

  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void listFiltersPagesAndShowsTheLatestStepSide(DatabaseSettings.Vendor vendor) throws Exception {
    CycleQueries q = open(vendor);
    UUID a = cycle("XRP", "COMPLETED", 0, 30, null);
    UUID b = cycle("XRP", "AWAITING_RETRY", 10, null, "ETH");
    UUID c = cycle("ETH", "DEAD_LETTER", 20, null, null);
    UUID d = cycle("ETH", "FAILED", 5, 8, null);
    trade("t-a1", a, "BUY", 1, 1);
    trade("t-a2", a, "WITHDRAW", 1, 2);
    trade("t-a3", a, "SELL", 2, 3); // the latest of a
    trade("t-b1", b, "DEPOSIT", 1, 12);
    trade("t-b0", b, "BUY", 1, 12); // same time as t-b1: the larger id is the latest

    assertThat(ids(q.cycles(new Filter(null, null, false, 0, 50)))).containsExactly(c, b, d, a);
    assertThat(ids(q.cycles(new Filter(null, null, false, 1, 2)))).containsExactly(b, d);
    assertThat(ids(q.cycles(new Filter(null, "XRP", false, 0, 50)))).containsExactly(b, a);
    assertThat(ids(q.cycles(new Filter(CycleStatus.FAILED, null, false, 0, 50)))).containsExactly(d);
    assertThat(ids(q.cycles(new Filter(null, null, true, 0, 50)))).containsExactly(c, b);
    assertThat(ids(q.cycles(new Filter(null, "ETH", true, 0, 50)))).containsExactly(c);

    List<CycleSummary> all = q.cycles(new Filter(null, null, false, 0, 50));
    CycleSummary sa = all.get(3);
    assertThat(sa.lastSide()).isEqualTo("SELL");
    assertThat(sa.symbol()).isEqualTo("XRP");
    assertThat(sa.direction()).isEqualTo("KIMCHI");
    assertThat(sa.status()).isEqualTo("COMPLETED");
    assertThat(sa.rebalanceSymbol()).isNull();
    assertThat(sa.retryCount()).isEqualTo(2);
    assertThat(sa.initialInvestmentKrw()).isEqualByComparingTo("1000000");
    assertThat(sa.totalNetProfitKrw()).isEqualByComparingTo("1234.5");
    assertThat(sa.startTime()).isEqualTo(T0);
    assertThat(sa.lockedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(all.get(1).lastSide()).isEqualTo("DEPOSIT");
    assertThat(all.get(1).rebalanceSymbol()).isEqualTo("ETH");
    assertThat(all.get(0).lastSide()).isNull();
    assertThat(q.openCycles()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void aCycleWhoseShortWasOpenedIsListedAsHedged(DatabaseSettings.Vendor vendor) throws Exception {
    CycleQueries q = open(vendor);
    UUID hedged = cycle("XRP", "COMPLETED", 0, 30, null);
    UUID refused = cycle("XRP", "COMPLETED", 10, 40, null);
    UUID plain = cycle("ETH", "COMPLETED", 20, 50, null);
    trade("h-1", hedged, "BUY", 1, 1);
    trade("h-2", hedged, "HEDGE_OPEN", 1, 2);
    trade("h-3", hedged, "HEDGE_CLOSE", 1, 3);
    trade("r-1", refused, "BUY", 1, 11);
    trade("r-2", refused, "HEDGE_OPEN", 1, 12); // refused (no perpetual): the leg went on unhedged
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE trades SET status = 'FAILED' WHERE id = 'r-2'")) {
      ps.executeUpdate();
    }
    trade("p-1", plain, "BUY", 1, 21);

    List<CycleSummary> all = q.cycles(new Filter(null, null, false, 0, 50));
    assertThat(ids(all)).containsExactly(plain, refused, hedged);
    assertThat(all).extracting(CycleSummary::hedged).containsExactly(false, false, true);
    assertThat(all.get(2).lastSide()).isEqualTo("HEDGE_CLOSE");
  }

  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void oneCycleAndItsTradesInOrder(DatabaseSettings.Vendor vendor) throws Exception {
    CycleQueries q = open(vendor);
    UUID a = cycle("XRP", "COMPLETED", 0, 30, "TRX");
    UUID other = cycle("XRP", "STARTED", 1, null, null);
    trade("t-2", a, "SELL", 1, 3);
    trade("t-1", a, "BUY", 1, 1);
    trade("t-1b", a, "BUY", 2, 1);
    trade("t-x", other, "BUY", 1, 2);

    CycleQueries.CycleRecord r = q.cycle(a).orElseThrow();
    assertThat(r.id()).isEqualTo(a);
    assertThat(r.rebalanceSymbol()).isEqualTo("TRX");
    assertThat(r.endTime()).isEqualTo(T0.plusSeconds(30 * 60));
    assertThat(r.premiumPercent()).isEqualByComparingTo("3.25");
    assertThat(r.errorDetails()).isEqualTo("e-" + a);
    assertThat(r.nextRetryAt()).isNull();
    assertThat(r.updatedAt()).isEqualTo(T0.plusSeconds(60));

    List<CycleQueries.TradeRecord> trades = q.trades(a);
    assertThat(trades).extracting(CycleQueries.TradeRecord::id).containsExactly("t-1", "t-1b", "t-2");
    CycleQueries.TradeRecord t = trades.get(1);
    assertThat(t.cycleId()).isEqualTo(a);
    assertThat(t.attempt()).isEqualTo(2);
    assertThat(t.side()).isEqualTo("BUY");
    assertThat(t.price()).isEqualByComparingTo("0.5");
    assertThat(t.feeAsset()).isEqualTo("USDT");
    assertThat(t.createdAt()).isEqualTo(T0.plusSeconds(60));
  }

  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void countsPerStatusAndRetriedAttempts(DatabaseSettings.Vendor vendor) throws Exception {
    CycleQueries q = open(vendor);
    UUID a = cycle("XRP", "COMPLETED", 0, 30, null);
    cycle("ETH", "COMPLETED", 1, 31, null);
    cycle("XRP", "DEAD_LETTER", 2, null, null);
    cycle("XRP", "SOME_FUTURE_STATUS", 3, null, null);
    trade("t-1", a, "BUY", 1, 1);
    trade("t-2", a, "BUY", 2, 2);
    trade("t-3", a, "BUY", 3, 3);

    CycleQueries.CycleCounts counts = q.counts();
    assertThat(counts.byStatus())
        .containsEntry(CycleStatus.COMPLETED, 2)
        .containsEntry(CycleStatus.DEAD_LETTER, 1)
        .containsEntry(CycleStatus.STARTED, 0)
        .doesNotContainKey(CycleStatus.IDLE);
    assertThat(counts.byStatus().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
    assertThat(counts.retriedAttempts()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(DatabaseSettings.Vendor.class)
  void aDaysNumbersCountOnlyThatDay(DatabaseSettings.Vendor vendor) throws Exception {
    CycleQueries q = open(vendor);
    int day = 24 * 60;
    cycle("XRP", "COMPLETED", -30, 10, null); // started the day before, completed in the day: +1234.5
    cycle("XRP", "COMPLETED", 60, 90, null); // started and completed in the day: +1234.5
    cycle("XRP", "COMPLETED", day - 10, day + 5, null); // completed the next day
    cycle("ETH", "DEAD_LETTER", 100, null, null); // dead-lettered in the day (locked_at = start + 1 min)
    cycle("ETH", "DEAD_LETTER", -100, null, null); // dead-lettered the day before, still open
    cycle("ETH", "AWAITING_RETRY", day + 1, null, null); // the next day, open

    CycleQueries.DayNumbers n = q.day(at(0), at(day));
    assertThat(n.started()).isEqualTo(3);
    assertThat(n.completed()).isEqualTo(2);
    assertThat(n.deadLettered()).isEqualTo(1);
    assertThat(n.netProfitKrw()).isEqualByComparingTo("2469.0");
    assertThat(n.openNow()).isEqualTo(3);
  }

  // ---- rows written by the test itself

  private static OffsetDateTime at(int minutes) {
    return T0.plusSeconds(minutes * 60L).atOffset(ZoneOffset.UTC);
  }

  private static List<UUID> ids(List<CycleSummary> rows) {
    return rows.stream().map(CycleSummary::id).toList();
  }

  /** A cycle started {@code startMinute} after T0, entering its status a minute later, ended at {@code endMinute}. */
  private UUID cycle(String symbol, String status, int startMinute, Integer endMinute, String rebalanceSymbol)
      throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO arbitrage_cycles (id, symbol, direction, status, start_time, end_time, rebalance_symbol,"
                + " premium_percent, total_net_profit_krw, initial_investment_krw, error_details, locked_at,"
                + " retry_count, updated_at) VALUES (?, ?, 'KIMCHI', ?, ?, ?, ?, 3.25, 1234.5, 1000000, ?, ?, 2, ?)")) {
      ps.setObject(1, id);
      ps.setString(2, symbol);
      ps.setString(3, status);
      ps.setObject(4, at(startMinute));
      ps.setObject(5, endMinute == null ? null : at(endMinute));
      ps.setString(6, rebalanceSymbol);
      ps.setString(7, "e-" + id);
      ps.setObject(8, at(startMinute + 1));
      ps.setObject(9, at(startMinute + 1));
      ps.executeUpdate();
    }
    return id;
  }

  private void trade(String id, UUID cycle, String side, int attempt, int minute) throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO trades (id, cycle_id, trade_type, symbol, exchange, side, status, attempt, price, quantity,"
                + " fee, fee_asset, created_at, updated_at)"
                + " VALUES (?, ?, 'INITIAL', 'XRP', 'BINANCE', ?, 'FILLED', ?, 0.5, 100, 0.1, 'USDT', ?, ?)")) {
      ps.setString(1, id);
      ps.setObject(2, cycle);
      ps.setString(3, side);
      ps.setInt(4, attempt);
      ps.setObject(5, at(minute));
      ps.setObject(6, at(minute));
      ps.executeUpdate();
    }
  }
}
