package io.kimp.app;

/**
 * Chooses the log format before logback starts: a human-readable pattern when stderr is a terminal (a person watching),
 * JSON lines elsewhere (files, containers, CI); {@code -Dkimp.log.format=text|json} (on the command or the JVM) or
 * {@code KIMP_LOG_FORMAT} decide otherwise.
 */
final class LogSetup {
  private LogSetup() {}

  static void beforeFirstLogger(String[] args) {
    String format = System.getProperty("kimp.log.format");
    for (String a : args) {
      if (a.startsWith("-Dkimp.log.format=")) {
        format = a.substring("-Dkimp.log.format=".length());
      }
    }
    if (format == null) {
      format = System.getenv("KIMP_LOG_FORMAT");
    }
    if (format == null && stderrIsTerminal()) {
      format = "text";
    }
    if (format != null) {
      System.setProperty("kimp.log.format", format.trim().equalsIgnoreCase("text") ? "TEXT" : "JSON");
    }
  }

  /** On Linux, where file descriptor 2 points; elsewhere, whether the JVM has a console at all. */
  static boolean stderrIsTerminal() {
    java.nio.file.Path fd2 = java.nio.file.Path.of("/proc/self/fd/2");
    try {
      if (java.nio.file.Files.isSymbolicLink(fd2)) {
        String target = java.nio.file.Files.readSymbolicLink(fd2).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (java.io.IOException | SecurityException e) {
      // fall through
    }
    return System.console() != null;
  }
}
