package io.kimp.app;

/**
 * Chooses the log format before logback starts: JSON lines by default, a human-readable pattern with
 * {@code -Dkimp.log.format=text} (on the command or the JVM) or {@code KIMP_LOG_FORMAT=text}.
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
    if (format != null) {
      System.setProperty("kimp.log.format", format.trim().equalsIgnoreCase("text") ? "TEXT" : "JSON");
    }
  }
}
