package io.kimp.backtest.data;

/** An input row the backtest cannot use, named by {@code file:line} and the reason; thrown unless reading leniently. */
public final class BadInputException extends RuntimeException {
  private final String source;
  private final long line;
  private final String reason;

  public BadInputException(String source, long line, String reason) {
    super(source + ":" + line + ": " + reason);
    this.source = source;
    this.line = line;
    this.reason = reason;
  }

  public String source() {
    return source;
  }

  public long line() {
    return line;
  }

  public String reason() {
    return reason;
  }
}
