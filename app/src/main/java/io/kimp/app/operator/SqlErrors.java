package io.kimp.app.operator;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

/**
 * A database error as a person reads it: what kind of failure, with the SQLState and vendor code to look up, never the
 * driver's message (H2 and PostgreSQL quote the statement, its parameters and file paths in it). The full error goes to
 * the log at debug level by the caller.
 */
public final class SqlErrors {
  private SqlErrors() {}

  public static String describe(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String what;
    if (e instanceof SQLTimeoutException || state.equals("57014") || state.equals("HYT00")) {
      what = "the database did not answer in time";
    } else if (e instanceof SQLTransientConnectionException || state.startsWith("08")
        || e.getErrorCode() == 90098 /* H2: database closed */ || e.getErrorCode() == 90121 /* closed by VM */) {
      what = "the database is not reachable or was closed";
    } else if (e.getErrorCode() == 90028 /* H2: IO exception */ || e.getErrorCode() == 90031 /* H2: IO, file */
        || state.startsWith("58")) {
      what = "the database could not read or write a file (disk full, or no permission?)";
    } else if (state.startsWith("53")) {
      what = "the database is out of resources (disk, memory or connections)";
    } else if (e.getErrorCode() == 90126 /* H2: not persistent */) {
      what = "the database is in memory: there is no file to back up";
    } else if (state.startsWith("42")) {
      what = "the database refused a query of kimp (a bug: please report it with the node's debug log)";
    } else {
      what = "the database refused the request";
    }
    return what + " (SQLState " + (state.isEmpty() ? "?" : state) + ", code " + e.getErrorCode() + ")";
  }
}
