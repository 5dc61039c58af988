package io.kimp.app;

import com.typesafe.config.ConfigException;
import io.kimp.app.cli.KimpCommand;
import io.kimp.app.node.PortInUseException;
import io.kimp.app.state.StateGuard;
import picocli.CommandLine;

/** Entry point of the {@code kimp} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    LogSetup.beforeFirstLogger(args);
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new KimpCommand());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          Throwable root = ex;
          while (root.getCause() != null && !(root instanceof ConfigException)) {
            root = root.getCause();
          }
          if (root instanceof StateGuard.Refused) {
            cmd.getErr().println(root.getMessage());
            return 2;
          }
          for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PortInUseException) {
              cmd.getErr().println(t.getMessage());
              return 2;
            }
          }
          if (root instanceof ConfigException) {
            cmd.getErr().println("Invalid configuration: " + root.getMessage());
            return 2;
          }
          throw ex;
        });
    return cl;
  }
}
