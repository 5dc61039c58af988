package io.kimp.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.http.ApiJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's backtests: names only inside the data directory, bad fields refused, one run at a time. */
class BacktestsTest {
  @TempDir Path dir;

  /** Runs nothing until told: a run stays "reading" as long as the test wants. */
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();

  private Backtests backtests() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    // tiny but valid candle files: two 5-minute candles on each venue, a daily USD/KRW rate
    Files.writeString(data.resolve("upbit.csv"), "timestamp,open,high,low,close,volume\n"
        + "2025-06-01 00:00:00,150000000,150100000,149900000,150050000,1.5\n"
        + "2025-06-01 00:05:00,150050000,150100000,149900000,150000000,1.2\n", StandardCharsets.UTF_8);
    Files.writeString(data.resolve("binance.csv"), "timestamp,open,high,low,close,volume\n"
        + "2025-06-01 00:00:00,104000,104100,103900,104050,10\n"
        + "2025-06-01 00:05:00,104050,104100,103900,104000,12\n", StandardCharsets.UTF_8);
    Files.writeString(data.resolve("fx.csv"), "date,close\n2025-05-31,1380.5\n2025-06-01,1381.0\n",
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("outside.csv"), "timestamp,open,high,low,close,volume\n", StandardCharsets.UTF_8);
    return new Backtests(data, dir.resolve("reports"), ConfigFactory.load(), held::add);
  }

  private static ObjectNode request(String upbit, String from) {
    ObjectNode n = ApiJson.MAPPER.createObjectNode();
    n.put("upbit", upbit);
    n.put("binance", "binance.csv");
    n.put("fx", "fx.csv");
    n.put("symbol", "BTC");
    if (from != null) {
      n.put("from", from);
    }
    return n;
  }

  @Test
  void aPathOrANameOutsideTheDataDirectoryIsRefusedForItsField() throws Exception {
    Backtests b = backtests();
    for (String name : new String[] {"../outside.csv", dir.resolve("outside.csv").toString(), "..", "a/b.csv",
        "a\\\\b.csv", "missing.csv", ""}) {
      assertThatThrownBy(() -> b.start(request(name, null))).as(name)
          .isInstanceOfSatisfying(Backtests.Refused.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.field()).isEqualTo("upbit");
          });
    }
    assertThat(held).as("nothing started").isEmpty();
    assertThat(b.reportFile("..", "report.html")).isEmpty();
    assertThat(b.reportFile("x", "../../data/upbit.csv")).isEmpty();
  }

  @Test
  void aBadDateIsRefusedForItsField() throws Exception {
    Backtests b = backtests();
    assertThatThrownBy(() -> b.start(request("upbit.csv", "yesterday")))
        .isInstanceOfSatisfying(Backtests.Refused.class, e -> {
          assertThat(e.field()).isEqualTo("from");
          assertThat(e.getMessage()).contains("'yesterday' is not a time");
        });
  }

  @Test
  void aSecondRunWhileOneIsGoingIsA409AndOneAfterItEndsStarts() throws Exception {
    Backtests b = backtests();
    CompletionStage<Map<String, Object>> first = b.start(request("upbit.csv", null));
    assertThat(held).hasSize(1);
    assertThatThrownBy(() -> b.start(request("upbit.csv", null)))
        .isInstanceOfSatisfying(Backtests.Refused.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.getMessage()).contains("already running");
        });
    held.poll().run(); // the first run, on "its" thread
    assertThat(first.toCompletableFuture().get()).containsEntry("state", "running");
    @SuppressWarnings("unchecked")
    Map<String, Object> overview = b.overview();
    assertThat(((ObjectNode) overview.get("run")).get("state").asText()).isEqualTo("done");
    assertThat(Files.isRegularFile(dir.resolve("reports")
        .resolve(((ObjectNode) overview.get("run")).get("name").asText()).resolve("report.html"))).isTrue();
    // done: the next one may start
    CompletionStage<Map<String, Object>> second = b.start(request("upbit.csv", null));
    assertThat(held).hasSize(1);
    assertThat(second.toCompletableFuture().isDone()).isFalse();
  }

  @Test
  void aRowTheReaderRefusesFailsTheRequestWithTheReadersMessage() throws Exception {
    Backtests b = backtests();
    Files.writeString(dir.resolve("data").resolve("bad.csv"), "timestamp,open,high,low,close,volume\n"
        + "2025-06-01 00:00:00,1,x,1,1,1\n", StandardCharsets.UTF_8);
    CompletionStage<Map<String, Object>> run = b.start(request("bad.csv", null));
    held.poll().run();
    assertThatThrownBy(() -> run.toCompletableFuture().get()).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(Backtests.Refused.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("bad.csv:2:").doesNotContain(dir.toString());
        });
  }
}
