package io.kimp.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.persistence.DatabaseSettings;
import io.kimp.persistence.Migrations;
import io.kimp.persistence.ReadSideDataSource;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The money page's equity curve over the read table: every ended cycle counts, however many there are. */
class EquityCurveTest {
  @TempDir Path dir;
  private HikariDataSource db;

  @BeforeEach
  void open() {
    DatabaseSettings settings = DatabaseSettings.fromConfig(ConfigFactory.parseString(
        "kimp.db { url = \"" + TestDatabases.h2File(dir) + "\", user = \"\", password = \"\", pool-size = 2 }"));
    Migrations.migrate(settings);
    db = ReadSideDataSource.create(settings, "equity-curve-test");
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aLongHistoryIsThinnedButEndsAtTheRealisedTotalAndKeepsItsOrder() throws Exception {
    int cycles = 6_123; // more than the points drawn, and not a multiple of the thinning stride
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    BigDecimal total = BigDecimal.ZERO;
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO arbitrage_cycles (id, symbol, direction, status, start_time, end_time, total_net_profit_krw,"
                + " updated_at) VALUES (?, 'XRP', 'KIMCHI', 'COMPLETED', ?, ?, ?, ?)")) {
      for (int i = 0; i < cycles; i++) {
        BigDecimal pnl = BigDecimal.valueOf((i % 7) * 1000 - 2500); // wins and losses
        total = total.add(pnl);
        OffsetDateTime end = OffsetDateTime.ofInstant(t0.plusSeconds(60L * i + 30), ZoneOffset.UTC);
        ps.setObject(1, UUID.randomUUID());
        ps.setObject(2, OffsetDateTime.ofInstant(t0.plusSeconds(60L * i), ZoneOffset.UTC));
        ps.setObject(3, end);
        ps.setBigDecimal(4, pnl);
        ps.setObject(5, end);
        ps.addBatch();
      }
      ps.executeBatch();
    }

    List<Map<String, Object>> curve = Dashboard.equityCurve(db);

    assertThat(curve.size()).isLessThanOrEqualTo(Dashboard.EQUITY_POINTS + 2).isGreaterThan(Dashboard.EQUITY_POINTS / 2);
    assertThat(curve.get(0)).containsEntry("at", t0.toEpochMilli());
    assertThat((BigDecimal) curve.get(0).get("pnlKrw")).isZero();
    Map<String, Object> last = curve.get(curve.size() - 1);
    assertThat((BigDecimal) last.get("pnlKrw")).as("the curve ends at the realised total").isEqualByComparingTo(total);
    assertThat(last).containsEntry("at", t0.plusSeconds(60L * (cycles - 1) + 30).toEpochMilli());
    for (int i = 1; i < curve.size(); i++) {
      assertThat((long) curve.get(i).get("at")).isGreaterThan((long) curve.get(i - 1).get("at"));
    }
  }

  @Test
  void oneEndedCycleIsALineFromNothingToItsResult() throws Exception {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "INSERT INTO arbitrage_cycles (id, symbol, direction, status, start_time, end_time, total_net_profit_krw,"
                + " updated_at) VALUES (?, 'XRP', 'KIMCHI', 'COMPLETED', ?, ?, 1234.5, ?)")) {
      OffsetDateTime start = OffsetDateTime.parse("2026-01-01T00:00:00Z");
      ps.setObject(1, UUID.randomUUID());
      ps.setObject(2, start);
      ps.setObject(3, start.plusMinutes(5));
      ps.setObject(4, start.plusMinutes(5));
      ps.executeUpdate();
    }
    List<Map<String, Object>> curve = Dashboard.equityCurve(db);
    assertThat(curve).hasSize(2);
    assertThat((BigDecimal) curve.get(1).get("pnlKrw")).isEqualByComparingTo("1234.5");
  }
}
