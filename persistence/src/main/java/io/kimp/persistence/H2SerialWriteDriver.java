package io.kimp.persistence;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The JDBC driver kimp opens H2 with: H2's own driver, but only one write transaction at a time per database in this
 * JVM (from its first writing statement until its commit or rollback has returned; in auto-commit, one writing
 * statement including its commit). Reads are not held back.
 *
 * <p>Why: H2's MVStore writes a chunk from the roots of its maps taken one map after the other, while other threads go
 * on changing them (h2database issue 2080, open). A chunk written while another transaction commits can hold part of
 * that commit: its row in the primary key index already committed, its table row still uncommitted with no undo log
 * left. Normally the committing thread's own store follows and repairs it, but a process killed in between reopens with
 * a half-applied transaction — seen as a gap in {@code H2DurabilityTest} (the index said row n existed, the table did
 * not, so the writer went on with n + 1). With one writer at a time, nothing changes a map while a chunk is taken
 * (with {@code WRITE_DELAY=0} H2 only stores from the committing thread), so every chunk is transaction-consistent.
 * Commits cost almost nothing more: H2 already writes one chunk per commit under one store lock.
 */
public final class H2SerialWriteDriver implements Driver {

  /** How long a write waits for another database writer before it fails like an H2 lock timeout. */
  static final long WAIT_SECONDS = 10;

  private static final ConcurrentHashMap<String, Semaphore> GATES = new ConcurrentHashMap<>();

  private final Driver h2 = new org.h2.Driver();

  private static final java.util.concurrent.atomic.AtomicBoolean REGISTERED =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Registers this driver with {@link java.sql.DriverManager} once, after H2's own (which the JDK loads first): the
   * connection pool looks its driver class up among the registered drivers (and warns when it has to make one itself),
   * while {@code DriverManager.getConnection} on an H2 URL still reaches H2's driver first, as before.
   */
  public static void register() {
    if (REGISTERED.compareAndSet(false, true)) {
      try {
        java.sql.DriverManager.registerDriver(new H2SerialWriteDriver());
      } catch (SQLException e) {
        throw new IllegalStateException("cannot register " + H2SerialWriteDriver.class.getName(), e);
      }
    }
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Connection c = h2.connect(url, info);
    if (c == null) {
      return null;
    }
    Semaphore gate = GATES.computeIfAbsent(database(url), k -> new Semaphore(1, true));
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, new ConnectionGate(c, gate));
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith("jdbc:h2:");
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    return h2.getPropertyInfo(url, info);
  }

  @Override
  public int getMajorVersion() {
    return h2.getMajorVersion();
  }

  @Override
  public int getMinorVersion() {
    return h2.getMinorVersion();
  }

  @Override
  public boolean jdbcCompliant() {
    return h2.jdbcCompliant();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  /** The database a URL opens (its settings after the first {@code ;} do not make another database). */
  static String database(String url) {
    int semi = url.indexOf(';');
    return semi < 0 ? url : url.substring(0, semi);
  }

  /**
   * Whether a statement may change the database: anything but a plain query ({@code SELECT ... FOR UPDATE} locks rows
   * by writing them, {@code NEXT VALUE FOR} advances a sequence). Unknown statements count as writes.
   */
  static boolean writes(String sql) {
    String s = stripLeading(sql).toUpperCase(Locale.ROOT);
    boolean query =
        s.startsWith("SELECT")
            || s.startsWith("EXPLAIN")
            || s.startsWith("SHOW")
            || s.startsWith("VALUES")
            || s.startsWith("TABLE");
    return !query || s.contains("FOR UPDATE") || s.contains("NEXT VALUE FOR");
  }

  /** Whether a statement ends the transaction itself (SQL {@code COMMIT} or {@code ROLLBACK}, not to a savepoint). */
  static boolean endsTransaction(String sql) {
    String s = stripLeading(sql).toUpperCase(Locale.ROOT);
    return s.startsWith("COMMIT") || (s.startsWith("ROLLBACK") && !s.contains("SAVEPOINT"));
  }

  private static String stripLeading(String sql) {
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char ch = sql.charAt(i);
      if (Character.isWhitespace(ch) || ch == '(') {
        i++;
      } else if (sql.startsWith("--", i)) {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    return sql.substring(i);
  }

  /** One connection: holds the database's gate while it has a write transaction open. */
  private static final class ConnectionGate implements InvocationHandler {
    private final Connection c;
    private final Semaphore gate;
    private boolean held; // guarded by this

    ConnectionGate(Connection c, Semaphore gate) {
      this.c = c;
      this.gate = gate;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      String name = m.getName();
      switch (name) {
        case "commit", "rollback", "close", "abort" -> {
          // rollback(Savepoint) keeps the transaction open
          boolean ends = !(name.equals("rollback") && args != null && args.length == 1);
          try {
            return call(c, m, args);
          } finally {
            if (ends) {
              release();
            }
          }
        }
        case "setAutoCommit" -> {
          try {
            return call(c, m, args);
          } finally {
            if ((Boolean) args[0]) {
              release(); // switching auto-commit on commits the open transaction
            }
          }
        }
        case "createStatement" -> {
          return statement(proxy, (Statement) call(c, m, args), null, Statement.class);
        }
        case "prepareStatement" -> {
          return statement(proxy, (Statement) call(c, m, args), (String) args[0], PreparedStatement.class);
        }
        case "prepareCall" -> {
          return statement(proxy, (Statement) call(c, m, args), (String) args[0], CallableStatement.class);
        }
        case "unwrap" -> {
          return ((Class<?>) args[0]).isInstance(proxy) ? proxy : call(c, m, args);
        }
        case "isWrapperFor" -> {
          return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) call(c, m, args);
        }
        default -> {
          return call(c, m, args);
        }
      }
    }

    private Object statement(Object connection, Statement s, String sql, Class<?> type) {
      return Proxy.newProxyInstance(
          type.getClassLoader(), new Class<?>[] {type}, new StatementGate(this, connection, s, sql));
    }

    /** Runs one statement execution that writes, inside the gate. */
    Object write(Statement s, Method m, Object[] args, boolean endsTx) throws Throwable {
      boolean autoCommit = c.getAutoCommit();
      acquire();
      try {
        return call(s, m, args);
      } finally {
        if (autoCommit || endsTx) {
          release();
        }
      }
    }

    private void acquire() throws SQLException {
      synchronized (this) {
        if (held) {
          return;
        }
      }
      try {
        if (!gate.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
          throw new SQLTimeoutException(
              "another transaction has been writing to this H2 database for " + WAIT_SECONDS + " s", "HYT00");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted waiting to write to H2", "HYT00", e);
      }
      synchronized (this) {
        held = true;
      }
    }

    private void release() {
      synchronized (this) {
        if (!held) {
          return;
        }
        held = false;
      }
      gate.release();
    }
  }

  /** One statement: its executions that write go through the connection's gate. */
  private static final class StatementGate implements InvocationHandler {
    private final ConnectionGate connection;
    private final Object connectionProxy;
    private final Statement s;
    private final String prepared; // the SQL of a prepared statement, null for a plain one

    StatementGate(ConnectionGate connection, Object connectionProxy, Statement s, String prepared) {
      this.connection = connection;
      this.connectionProxy = connectionProxy;
      this.s = s;
      this.prepared = prepared;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      String name = m.getName();
      if (name.equals("getConnection")) {
        return connectionProxy;
      }
      if (name.equals("unwrap")) {
        return ((Class<?>) args[0]).isInstance(proxy) ? proxy : call(s, m, args);
      }
      if (name.equals("isWrapperFor")) {
        return ((Class<?>) args[0]).isInstance(proxy) || (Boolean) call(s, m, args);
      }
      if (name.startsWith("execute")) {
        String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : prepared;
        boolean batch = name.startsWith("executeBatch") || name.startsWith("executeLargeBatch");
        if (batch || sql == null || writes(sql)) {
          return connection.write(s, m, args, sql != null && endsTransaction(sql));
        }
      }
      return call(s, m, args);
    }
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
