package io.kimp.backtest.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, redrawn in place at most every 200 ms. Off unless asked for or stderr is a
 * terminal, so logs and pipes stay clean.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final boolean enabled;
  private long lastDraw;
  private boolean drawn;

  ProgressBar(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** Whether to show a bar: {@code --progress}/{@code --no-progress} if given, else only when stderr is a terminal. */
  static boolean wanted(Boolean option) {
    return option != null ? option : stderrIsTerminal();
  }

  /** On Linux, where file descriptor 2 points; elsewhere, whether the process has a console at all. */
  private static boolean stderrIsTerminal() {
    Path fd2 = Paths.get("/proc/self/fd/2");
    try {
      if (Files.isSymbolicLink(fd2)) {
        String target = Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // fall through to the portable answer
    }
    return System.console() != null;
  }

  synchronized void update(String label, double fraction, String detail) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (drawn && now - lastDraw < REDRAW_NANOS && fraction < 1.0) {
      return;
    }
    lastDraw = now;
    drawn = true;
    double f = Math.max(0, Math.min(1, fraction));
    int filled = (int) Math.round(f * WIDTH);
    err.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
        + String.format(Locale.ROOT, "%5.1f%%", f * 100) + (detail.isEmpty() ? "" : " " + detail) + "   ");
    err.flush();
  }

  synchronized void done() {
    if (enabled && drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }
}
