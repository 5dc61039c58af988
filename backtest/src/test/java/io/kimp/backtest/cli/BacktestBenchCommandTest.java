package io.kimp.backtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark runs end to end on a small input and cleans up (its numbers are printed, not asserted). */
class BacktestBenchCommandTest {
  @TempDir Path dir;

  @Test
  void printsRowsPerSecondAndTheReplayRateThenDeletesItsFiles() {
    Path work = dir.resolve("bench");
    StringWriter out = new StringWriter();
    int code = new CommandLine(new BacktestBenchCommand()).setOut(new PrintWriter(out)).execute(
        "--rows", "20000", "--iterations", "1", "--replay-moments", "5000", "--dir", work.toString());
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("20,000 rows per venue file")
        .containsPattern("read 1 file, 1 thread   run 1: 20,000 rows in [0-9.]+ s = [0-9,]+ rows/s")
        .containsPattern("read 2 files, 2 threads run 1: 40,000 rows")
        .containsPattern("candle rows/s: one file [0-9,]+")
        .containsPattern("replay: [0-9,]+ moments through OpportunityRule/Sizing/CycleRules");
    assertThat(work).doesNotExist();
  }
}
