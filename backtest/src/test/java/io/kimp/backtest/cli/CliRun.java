package io.kimp.backtest.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** One run of a command as a user starts it: its exit code and what it printed. */
record CliRun(int code, String out, String err) {

  static CliRun of(Object command, List<String> args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = new CommandLine(command).setOut(new PrintWriter(o)).setErr(new PrintWriter(e))
        .execute(args.toArray(String[]::new));
    return new CliRun(code, o.toString(), e.toString());
  }
}
