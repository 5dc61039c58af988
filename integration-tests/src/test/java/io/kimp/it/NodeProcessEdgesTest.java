package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.app.Main;
import io.kimp.fixtures.db.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code kimp run} at its edges, started as the command line starts it: a port in use ends the start with one line
 * naming the key to change and exit code 2; SIGTERM (systemd's and Kubernetes' stop) leaves cleanly and exits 0.
 */
class NodeProcessEdgesTest {

  /** {@code kimp run --simulate} of a node of its own in {@code dir}, with {@code extra} -D settings. */
  private static List<String> runArgs(Path dir, String... extra) {
    List<String> a = new ArrayList<>(List.of("run", "--simulate",
        "-Dkimp.data-dir=" + dir,
        "-Dkimp.db.url=" + TestDatabases.h2File(dir),
        "-Dpekko.remote.artery.canonical.port=0",
        "-Dkimp.admin.port=0"));
    a.addAll(List.of(extra)); // later -D settings win
    return a;
  }

  private static int execute(List<String> args, StringWriter err) {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args.toArray(String[]::new));
  }

  @Test
  void aTakenAdminPortEndsTheStartWithOneLineNamingTheKeyAndExitCode2() throws Exception {
    Path dir = TestDatabases.tempDir("kimp-port-");
    try (ServerSocket taken = new ServerSocket(0)) {
      StringWriter err = new StringWriter();
      int code = execute(runArgs(dir, "-Dkimp.admin.port=" + taken.getLocalPort()), err);
      assertThat(code).isEqualTo(2);
      assertThat(err.toString().lines().toList()).singleElement().asString()
          .contains("admin API", ":" + taken.getLocalPort(), "in use", "kimp.admin.port");
    }
  }

  @Test
  void aTakenClusterPortEndsTheStartWithOneLineNamingTheKeyAndExitCode2() throws Exception {
    Path dir = TestDatabases.tempDir("kimp-port-");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
      StringWriter err = new StringWriter();
      int code = execute(runArgs(dir, "-Dpekko.remote.artery.canonical.port=" + taken.getLocalPort()), err);
      assertThat(code).isEqualTo(2);
      assertThat(err.toString().lines().toList()).singleElement().asString()
          .contains("cluster", ":" + taken.getLocalPort(), "in use", "pekko.remote.artery.canonical.port");
    }
  }

  @Test
  void sigtermLeavesCleanlyAndExitsZero() throws Exception {
    Path dir = TestDatabases.tempDir("kimp-sigterm-");
    Path log = dir.resolve("node.log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(runArgs(dir));
    Process node = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    try {
      // started: the feeds watch their coins (the last step of the start)
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
          !node.isAlive() || Files.readString(log, StandardCharsets.UTF_8).contains("watching "));
      assertThat(node.isAlive()).as("node running; its log:%n%s", Files.readString(log)).isTrue();

      node.destroy(); // SIGTERM
      assertThat(node.waitFor(3, TimeUnit.MINUTES)).as("the node stopped").isTrue();
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(node.exitValue()).as("exit code; log:%n%s", out).isZero();
      // it stopped through the coordinated shutdown (the node-stopping alert is its first task)
      assertThat(out).contains("kimp node stopping");
    } finally {
      node.destroyForcibly();
    }
  }
}
