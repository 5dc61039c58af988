package io.kimp.backtest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void drawsInPlaceWhenEnabledAndEndsTheLine() {
    StringWriter w = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(w), true);
    bar.update("replay", 0.5, "10 moments");
    bar.update("replay", 1.0, "20 moments");
    bar.done();
    String s = w.toString();
    assertThat(s).startsWith("\rreplay [###############---------------]  50.0% 10 moments");
    assertThat(s).contains("\rreplay [##############################] 100.0% 20 moments").endsWith(System.lineSeparator());
  }

  @Test
  void staysSilentWhenDisabledOrAskedNotTo() {
    StringWriter w = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(w), false);
    bar.update("replay", 0.5, "");
    bar.done();
    assertThat(w.toString()).isEmpty();
    assertThat(ProgressBar.wanted(Boolean.FALSE)).isFalse();
    assertThat(ProgressBar.wanted(Boolean.TRUE)).isTrue();
  }
}
