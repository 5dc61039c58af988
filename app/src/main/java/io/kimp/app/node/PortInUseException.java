package io.kimp.app.node;

/**
 * A port the node must listen on is taken. Its message is the one line the operator reads (the address and the key to
 * change); the command exits with code 2, as for bad configuration.
 */
public final class PortInUseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PortInUseException(String what, String host, int port, String key, Throwable cause) {
    super(what + " cannot listen on " + host + ":" + port + ": the port is in use (another kimp node or program holds"
        + " it); set " + key + " to a free port, e.g. -D" + key + "=" + (port + 1), cause);
  }
}
