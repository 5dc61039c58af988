package io.kimp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.cycle.LatencyProbe;
import io.kimp.fixtures.db.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code kimp bench latency} at a tiny size against a real node: every opportunity the detector offered reached the fake
 * venue as an order with all of the product's probe stages seen (an opportunity missing one is counted as discarded),
 * and the table has each stage with its four quantiles per database. Timing itself is not asserted.
 */
class LatencyBenchTest {
  private static final String QUANTILES = "(?: +\\d+\\.\\d\\d){4}";

  private static String run(String db, String... more) {
    CommandLine cli = BenchMain.commandLine();
    StringWriter text = new StringWriter();
    cli.setOut(new PrintWriter(text, true));
    String[] args = java.util.stream.Stream.concat(
        java.util.stream.Stream.of("latency", "--db", db, "--cycles", "4", "--symbols", "SOL,ADA,DOGE"),
        java.util.Arrays.stream(more.length > 0 ? more : new String[] {"--warmup", "2", "--jit-settled", "0"}))
        .toArray(String[]::new);
    int exit = cli.execute(args);
    String out = text.toString();
    assertThat(exit).as(out).isZero();
    return out;
  }

  @Test
  void timesEveryStageFromTheDetectorsOfferToTheFirstByteOfTheOrderOnH2() {
    String out = run("h2");
    assertThat(out).contains("load average at start:", "load average at end:")
        // the node prepares each first order with its capital request: one write on the path
        .contains("  H2 (file): 4 timed (4 with the first order prepared with the capital request), 0 discarded")
        .contains("H2 (file) (4 timed)");
    for (String stage : LatencyBench.STAGES) {
      assertThat(out).containsPattern(Pattern.quote(stage) + " *\\|" + QUANTILES);
    }
    assertThat(out).containsPattern("one journal write alone \\(ask → persisted\\) *\\|" + QUANTILES);
    // what the JVM did on the timed paths, and the end to end without it
    assertThat(out).contains("H2 (file): 2 warm-up opportunities (a fixed number)")
        .containsPattern("  collector pauses while timed: \\d+ \\(.*\\); one fell in \\d of the 4 timed opportunities, "
            + "[01] of the 1 slowest")
        .containsPattern("  JIT compilations while timed: [1-9]\\d* \\(p50 \\d+\\.\\d\\d ms, .*; one fell in \\d of the 4 ")
        .containsPattern("  end to end of the \\d with neither: ");
    assertThat(LatencyProbe.current()).isSameAs(LatencyProbe.NONE); // the bench leaves the product's probe off
  }

  @Test
  void warmsUpPastTheMinimumUntilTheJitSettlesOrTheMaximum() {
    // 2 at least, at most 3: a JIT that must compile less than 0.001 % of a core never settles that soon
    String out = run("h2", "--warmup", "2", "--jit-settled", "0.001", "--warmup-max", "3");
    assertThat(out).contains("H2 (file): 3 warm-up opportunities (--warmup-max reached; the JIT not judged yet (fewer "
        + "than 25 opportunities))")
        .contains("  H2 (file): 4 timed (4 with the first order prepared with the capital request), 0 discarded");
  }

  @Test
  void timesTheSameStagesOnPostgres() {
    TestDatabases.assumePostgres();
    String out = run("postgresql");
    assertThat(out).contains("  PostgreSQL: 4 timed (4 with the first order prepared with the capital request), 0 discarded");
    assertThat(out).containsPattern(Pattern.quote(LatencyBench.STAGES[LatencyBench.STAGES.length - 1]) + " *\\|" + QUANTILES);
  }
}
