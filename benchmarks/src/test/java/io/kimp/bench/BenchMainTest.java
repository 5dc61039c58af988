package io.kimp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bench jar's command line: the bench commands kimp.jar used to carry, and JMH behind {@code jmh}. */
class BenchMainTest {

  @Test
  void offersTheBenchCommandsTheOperatorsKnow() {
    assertThat(BenchMain.commandLine().getCommandName()).isEqualTo("bench");
    assertThat(BenchMain.commandLine().getSubcommands().keySet())
        .contains("journal", "failover", "durability", "backtest", "csv", "jmh");
  }

  @Test
  void jmhGetsItsOptionsAndPatternInOrder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream before = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      exit = BenchMain.commandLine().execute("jmh", "-l", "ParsePremiumBenchmark\\.upbit");
    } finally {
      System.setOut(before);
    }
    String listed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).isZero();
    assertThat(listed).contains("io.kimp.bench.ParsePremiumBenchmark.upbitTicker")
        .doesNotContain("binanceBookTicker");
  }
}
