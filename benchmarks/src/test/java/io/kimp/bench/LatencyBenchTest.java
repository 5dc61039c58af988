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

  private static String run(String db) {
    CommandLine cli = BenchMain.commandLine();
    StringWriter text = new StringWriter();
    cli.setOut(new PrintWriter(text, true));
    int exit = cli.execute("latency", "--db", db, "--cycles", "4", "--warmup", "2", "--symbols", "SOL,ADA,DOGE");
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
    assertThat(LatencyProbe.current()).isSameAs(LatencyProbe.NONE); // the bench leaves the product's probe off
  }

  @Test
  void timesTheSameStagesOnPostgres() {
    TestDatabases.assumePostgres();
    String out = run("postgresql");
    assertThat(out).contains("  PostgreSQL: 4 timed (4 with the first order prepared with the capital request), 0 discarded");
    assertThat(out).containsPattern(Pattern.quote(LatencyBench.STAGES[LatencyBench.STAGES.length - 1]) + " *\\|" + QUANTILES);
  }
}
