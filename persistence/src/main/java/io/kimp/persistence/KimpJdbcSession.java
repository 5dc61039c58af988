package io.kimp.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.projection.jdbc.JdbcSession;

/**
 * One transaction of the read-side projection: the handler's updates and the projection's offset commit together
 * (exactly-once).
 */
public final class KimpJdbcSession implements JdbcSession {
  private final Connection connection;

  public KimpJdbcSession(DataSource dataSource) {
    try {
      this.connection = dataSource.getConnection();
      this.connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open a read-side connection: " + e.getMessage(), e);
    }
  }

  @Override
  public <R> R withConnection(Function<Connection, R> func) throws Exception {
    return func.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
