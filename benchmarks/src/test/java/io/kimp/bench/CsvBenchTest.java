package io.kimp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kimp bench csv} at a tiny size: every library reader yields the hand-written reader's series value by value and
 * its bad-row messages, and the table names every reader (the numbers themselves are not asserted).
 */
class CsvBenchTest {

  @Test
  void comparesTheReadersOnTheSameSeriesAndMessages(@TempDir Path dir) {
    CommandLine cli = BenchMain.commandLine();
    StringWriter text = new StringWriter();
    cli.setOut(new PrintWriter(text, true));
    int exit = cli.execute("csv", "--rows", "3000", "--rounds", "1", "--real-repeat", "1", "--dir", dir.toString(),
        "--real-file", dir.resolve("absent.csv").toString());
    String out = text.toString();

    assertThat(exit).as(out).isZero();
    assertThat(out).contains("load average at start:", "load average at end:")
        .contains("values of FastCSV 4.3.1            on binance.csv: identical (3000 rows)")
        .contains("values of Jackson CSV 2.19.2       on binance.csv: identical (3000 rows)")
        .contains("values of Commons CSV 1.14.1       on binance.csv: identical (3000 rows)")
        .doesNotContain("DIFFERENT")
        .containsPattern("bad number: +\\S+bad-bad-number\\.csv:3: bad number: column high is '1x0'")
        .containsPattern("(?m)^hand-written \\(CsvScanner\\) +[0-9,]+ +1\\.00$")
        .containsPattern("(?m)^FastCSV 4\\.3\\.1 +[0-9,]+ +[0-9.]+$")
        .containsPattern("(?m)^Jackson CSV 2\\.19\\.2 +[0-9,]+ +[0-9.]+$")
        .containsPattern("(?m)^Commons CSV 1\\.14\\.1 +[0-9,]+ +[0-9.]+$")
        .containsPattern("best library reader: .+ (reached|not reached)");
    assertThat(out.split("same", -1)).hasSize(6 * 3 + 1); // six bad files, three library readers
  }
}
