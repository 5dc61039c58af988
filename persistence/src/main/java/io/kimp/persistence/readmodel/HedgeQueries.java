package io.kimp.persistence.readmodel;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * What the cycles' journals say the perpetual-futures account should hold: per coin, the short the transfer hedges left
 * open (filled {@code HEDGE_OPEN} quantities minus filled {@code HEDGE_CLOSE} ones in {@code trades}), and whether a hedge
 * order of the coin is still unresolved (its row {@code PENDING} or {@code UNKNOWN}), in which case the venue may be ahead
 * of the read model and a difference proves nothing yet. Blocks on JDBC: callers run it on a blocking dispatcher.
 */
public final class HedgeQueries {
  private final DataSource readSide;

  public HedgeQueries(DataSource readSide) {
    this.readSide = readSide;
  }

  /**
   * One coin's expected hedge position.
   *
   * @param expectedShort the open short in coin units (positive; zero when every hedge was closed)
   * @param settling some hedge order of the coin is unresolved
   */
  public record Exposure(String coin, BigDecimal expectedShort, boolean settling) {}

  /** Every coin a hedge ever touched, by coin. */
  public Map<String, Exposure> exposures() throws SQLException {
    Map<String, Exposure> out = new TreeMap<>();
    try (Connection c = readSide.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT symbol, "
                    + "SUM(CASE WHEN status = 'FILLED' AND side = 'HEDGE_OPEN' THEN quantity "
                    + "WHEN status = 'FILLED' AND side = 'HEDGE_CLOSE' THEN -quantity ELSE 0 END), "
                    + "SUM(CASE WHEN status IN ('PENDING', 'UNKNOWN') THEN 1 ELSE 0 END) "
                    + "FROM trades WHERE side IN ('HEDGE_OPEN', 'HEDGE_CLOSE') GROUP BY symbol");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        BigDecimal open = rs.getBigDecimal(2);
        out.put(rs.getString(1),
            new Exposure(rs.getString(1), open == null ? BigDecimal.ZERO : open.stripTrailingZeros(), rs.getLong(3) > 0));
      }
    }
    return out;
  }
}
