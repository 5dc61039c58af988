package io.kimp.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.fixtures.db.TestDatabases;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What {@code kimp run} shows when it starts, as a process: the console's address and where the admin token is; the log
 * as human-readable text when stderr is a terminal (the process runs under util-linux {@code script}, which gives it a
 * pseudo-terminal), and as JSON lines when it is a file.
 */
class RunStartupOutputTest {

  /** The jar as shipped (the test classpath would bring the tests' own logback configuration). */
  private static final Path JAR = Path.of("..", "app", "target", "kimp.jar").toAbsolutePath().normalize();

  /** {@code java -jar kimp.jar run --simulate} of a node of its own in {@code dir}. */
  private static List<String> command(Path dir) {
    assertThat(Files.isRegularFile(JAR)).as("the kimp jar (the app module's package phase makes it) at " + JAR)
        .isTrue();
    List<String> c = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", JAR.toString(),
        "run", "--simulate",
        "-Dkimp.data-dir=" + dir,
        "-Dkimp.db.url=" + TestDatabases.h2File(dir),
        "-Dpekko.remote.artery.canonical.port=0",
        "-Dkimp.admin.port=0"));
    return c;
  }

  /** The node watches its coins (the last step of the start), and the command has printed the console's line after. */
  private static boolean started(String out) {
    return out.contains("watching ") && out.lines().anyMatch(l -> l.startsWith("kimp dashboard: ") && l.endsWith(")"));
  }

  /** Starts {@code command}, waits until it has started, stops it: its output. */
  private static String runUntilStarted(List<String> command, Path out) throws Exception {
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out.toFile())
        .start();
    try {
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
          !p.isAlive() || started(Files.readString(out, StandardCharsets.UTF_8)));
      assertThat(p.isAlive()).as("node running; its output:%n%s", Files.readString(out)).isTrue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroy); // the JVM under script: SIGTERM, a clean stop
      p.destroy();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static List<String> logLines(String out) {
    return out.lines().map(String::strip).filter(l -> l.contains("watching ")).collect(Collectors.toList());
  }

  @Test
  void onATerminalItPrintsTheConsoleAddressAndWhereTheTokenIsAndLogsText() throws Exception {
    Path dir = TestDatabases.tempDir("kimp-tty-");
    Path script = dir.resolve("run.sh");
    Files.writeString(script, "exec " + command(dir).stream().map(a -> "'" + a.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" ")) + "\n", StandardCharsets.UTF_8);
    // script -q (quiet) -f (flush) -e (child's exit code) -c <command> <typescript file>
    String out = runUntilStarted(List.of("script", "-qfec", "sh " + script, "/dev/null"), dir.resolve("tty.out"));
    String line = out.lines().filter(l -> l.startsWith("kimp dashboard: ")).findFirst().orElseThrow(
        () -> new AssertionError("no dashboard line in:\n" + out)).strip();
    assertThat(line).matches("kimp dashboard: http://127\\.0\\.0\\.1:\\d+/ui/  \\(sign in with the admin token: in "
        + java.util.regex.Pattern.quote(dir.resolve("admin.token").toString()) + "\\)");
    String token = Files.readString(dir.resolve("admin.token")).trim();
    assertThat(out).doesNotContain(token);
    // human-readable lines (time, level, logger, message), not JSON
    assertThat(logLines(out)).isNotEmpty().allSatisfy(l ->
        assertThat(l).matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO .*watching .*"));
    assertThat(out.lines().filter(l -> l.startsWith("{\""))).as("no JSON lines on a terminal").isEmpty();
  }

  @Test
  void intoAFileItLogsJsonLines() throws Exception {
    Path dir = TestDatabases.tempDir("kimp-notty-");
    String out = runUntilStarted(command(dir), dir.resolve("node.log"));
    assertThat(out).contains("kimp dashboard: http://127.0.0.1:");
    assertThat(logLines(out)).isNotEmpty().allSatisfy(l ->
        assertThat(l).startsWith("{\"").contains("\"level\":\"INFO\"").contains("watching "));
  }
}
