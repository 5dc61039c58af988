package io.kimp.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.node.TradingNode;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.it.TestNodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's backtests page in headless Chromium: two weeks of real BTC candles (copied at test time from
 * {@code $KIMP_SHARED_DIR/data/btc-2025} into the node's backtest data directory) replayed from the form, the progress bar
 * pushed to 100 %, the report opened from the list; a file the reader refuses and a bad date shown beside the form;
 * over plain HTTP, that a path outside the data directory is refused and that reports need a session; and last, four days
 * of the same candles uploaded from the page (a bad file refused beside its field first), run and its report opened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the upload comes last: it adds files and a report to the lists
class BacktestsInBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TradingNode node;
  private String base;
  private String token;
  private Path data;
  private Path market;
  private Path outside;

  @BeforeAll
  void startNode() throws Exception {
    String shared = System.getenv("KIMP_SHARED_DIR");
    market = shared == null ? null : Path.of(shared, "data", "btc-2025");
    Assumptions.assumeTrue(market != null && Files.isDirectory(market), "the real market data: set KIMP_SHARED_DIR");
    Path dir = TestDatabases.tempDir("kimp-dash-bt-");
    outside = Files.createDirectories(dir.resolve("to-upload"));
    data = Files.createDirectories(dir.resolve("candles"));
    slice(market.resolve("upbit_KRW-BTC_5m.csv"), data.resolve("upbit_KRW-BTC_5m.csv"), "2025-06-01", "2025-06-15");
    slice(market.resolve("binance_BTCUSDT_5m.csv"), data.resolve("binance_BTCUSDT_5m.csv"), "2025-06-01", "2025-06-15");
    Files.copy(market.resolve("usdkrw_1d.csv"), data.resolve("usdkrw_1d.csv"));
    Files.writeString(data.resolve("broken_upbit.csv"), "timestamp,open,high,low,close,volume\n"
        + "2025-06-01 00:00:00,150000000,150100000,149900000,150050000,1.5\n"
        + "2025-06-01 00:05:00,150050000,not-a-price,149900000,150000000,1.2\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("secret.csv"), "outside the data directory\n", StandardCharsets.UTF_8);
    Config overrides = ConfigFactory.parseString(String.join("\n",
        TestNodes.ownNode(dir),
        "kimp.dashboard.backtests.data-dir = \"" + data + "\""));
    node = TradingNode.start(KimpConfig.load(overrides, KimpConfig.profile("kimp-simulate.conf")), true);
    base = "http://127.0.0.1:" + node.admin().port();
    token = Files.readString(dir.resolve("admin.token")).trim();
  }

  /** The header and the rows from {@code from} (inclusive) to {@code to} (exclusive), by their timestamp's prefix. */
  private static int slice(Path in, Path out, String from, String to) throws IOException {
    List<String> lines = Files.readAllLines(in, StandardCharsets.UTF_8);
    List<String> kept = new ArrayList<>();
    kept.add(lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      if (l.compareTo(from) >= 0 && l.compareTo(to) < 0) {
        kept.add(l);
      }
    }
    assertThat(kept.size()).as(in + " has rows in " + from + " … " + to).isGreaterThan(200);
    Files.write(out, kept, StandardCharsets.UTF_8);
    return kept.size() - 1;
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private static void choose(WebElement select, String file) {
    new Select(select).selectByValue(file);
  }

  @Test
  @Order(1)
  void aBacktestRunsFromThePageToOneHundredPercentAndItsReportOpensFromTheList() {
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/backtests");
      b.await(d -> d.findElements(By.cssSelector("#bt-upbit option[value='broken_upbit.csv']")).size() == 1);
      choose(b.driver().findElement(By.id("bt-upbit")), "upbit_KRW-BTC_5m.csv");
      choose(b.driver().findElement(By.id("bt-binance")), "binance_BTCUSDT_5m.csv");
      choose(b.driver().findElement(By.id("bt-fx")), "usdkrw_1d.csv");
      assertThat(b.driver().findElement(By.cssSelector("#bt-reports tbody")).getText()).contains("No reports yet");
      b.driver().findElement(By.id("bt-start")).click();
      // pushed progress: the bar reaches 100 % and says done
      b.await(d -> "done".equals(d.findElement(By.id("bt-progress")).getAttribute("data-state")));
      assertThat(b.driver().findElement(By.id("bt-progress")).getAttribute("value")).isEqualTo("100");
      assertThat(b.driver().findElement(By.id("bt-progress-text")).getText()).contains("BTC").contains("100.0 %");
      WebElement link = b.await(d -> d.findElement(By.cssSelector("#bt-reports tbody tr[data-report] a")));
      String name = link.getText();
      assertThat(name).endsWith("-BTC");
      b.screenshot("backtests");
      link.click();
      b.await(d -> d.getCurrentUrl().endsWith("/ui/reports/" + name + "/report.html"));
      // the backtest module's own report, rendered (its inline script draws the charts under its own policy)
      assertThat(b.await(d -> d.findElement(By.tagName("body"))).getText()).contains("BTC");
      b.screenshot("backtest-report");
    }
  }

  @Test
  @Order(2)
  void aFileTheReaderRefusesAndABadDateAreShownBesideTheForm() {
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/backtests");
      b.await(d -> d.findElements(By.cssSelector("#bt-upbit option[value='broken_upbit.csv']")).size() == 1);
      choose(b.driver().findElement(By.id("bt-upbit")), "broken_upbit.csv");
      choose(b.driver().findElement(By.id("bt-binance")), "binance_BTCUSDT_5m.csv");
      choose(b.driver().findElement(By.id("bt-fx")), "usdkrw_1d.csv");
      b.driver().findElement(By.id("bt-start")).click();
      String error = b.await(d -> {
        String t = d.findElement(By.id("bt-result")).getText();
        return t.startsWith("400") ? t : null;
      });
      assertThat(error).contains("broken_upbit.csv:3").contains("not-a-price").doesNotContain(data.toString());
      // the failure is pushed to the progress line too, and the form can be sent again
      b.await(d -> "failed".equals(d.findElement(By.id("bt-progress")).getAttribute("data-state"))
          && d.findElement(By.id("bt-start")).isEnabled());
      b.screenshot("backtests-bad-file");

      choose(b.driver().findElement(By.id("bt-upbit")), "upbit_KRW-BTC_5m.csv");
      b.driver().findElement(By.id("bt-from")).sendKeys("the first of June");
      b.driver().findElement(By.id("bt-start")).click();
      b.await(d -> d.findElement(By.id("bt-err-from")).getText().contains("'the first of June' is not a time"));
      assertThat(b.driver().findElement(By.id("bt-from")).getAttribute("aria-invalid")).isEqualTo("true");
    }
  }

  @Test
  @Order(3)
  void pathsOutsideTheDataDirectoryAreRefusedAndReportsNeedASession() throws Exception {
    String cookie = Browser.session(base, token);
    String csrf = JSON.readTree(Browser.http("GET", base + "/ui/session", null, "Cookie", "kimp_session=" + cookie)
        .body()).get("csrf").asText();
    for (String path : List.of("../secret.csv", "/etc/passwd", "..", "sub/../usdkrw_1d.csv", "missing.csv")) {
      String body = "{\"upbit\":" + JSON.writeValueAsString(path)
          + ",\"binance\":\"binance_BTCUSDT_5m.csv\",\"fx\":\"usdkrw_1d.csv\",\"symbol\":\"BTC\"}";
      Browser.Reply r = Browser.http("POST", base + "/ui/data/backtests", body, "Cookie", "kimp_session=" + cookie,
          "Origin", base, "X-CSRF-Token", csrf, "Content-Type", "application/json");
      assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(400);
      JsonNode j = JSON.readTree(r.body());
      assertThat(j.get("field").asText()).isEqualTo("upbit");
      assertThat(j.get("message").asText()).contains("upbit");
    }
    // a report's files only with a session, and only inside the reports directory
    assertThat(Browser.http("GET", base + "/ui/reports/x/report.html", null).status()).isEqualTo(401);
    assertThat(Browser.http("GET", base + "/ui/reports/../admin.token", null, "Cookie", "kimp_session=" + cookie)
        .status()).isIn(400, 404);
    assertThat(Browser.http("GET", base + "/ui/reports/%2E%2E/admin.token", null, "Cookie", "kimp_session=" + cookie)
        .status()).isIn(400, 404);
    assertThat(Browser.http("GET", base + "/ui/data/backtests", null).status()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void candleFilesUploadedFromThePageAreCheckedListedRunAndReported() throws Exception {
    // four days of the shared candles (a few hundred Upbit rows) in a directory the node does not list: the browser
    // sends them
    int rows = slice(market.resolve("upbit_KRW-BTC_5m.csv"), outside.resolve("upbit june.csv"), "2025-06-01",
        "2025-06-05");
    slice(market.resolve("binance_BTCUSDT_5m.csv"), outside.resolve("binance june.csv"), "2025-06-01", "2025-06-05");
    assertThat(rows).isBetween(200, 1000);
    Files.writeString(outside.resolve("bad binance.csv"), "timestamp,open,high,low,close\n"
        + "2025-06-03 00:00:00,104000,104100,103900,104050\n", StandardCharsets.UTF_8);
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/backtests");
      b.await(d -> d.findElements(By.cssSelector("#bt-upbit option")).size() >= 4);

      // a file without a volume column: refused beside its field, naming the file and the line; nothing is listed
      b.driver().findElement(By.id("bt-up-upbit")).sendKeys(outside.resolve("upbit june.csv").toString());
      b.driver().findElement(By.id("bt-up-binance")).sendKeys(outside.resolve("bad binance.csv").toString());
      b.driver().findElement(By.id("bt-upload-start")).click();
      String beside = b.await(d -> {
        String t = d.findElement(By.id("bt-uperr-binance")).getText();
        return t.isEmpty() ? null : t;
      });
      assertThat(beside).contains("bad binance.csv").contains("line 1").contains("no volume column");
      assertThat(b.driver().findElement(By.id("bt-upload-result")).getText()).startsWith("400");
      assertThat(b.driver().findElement(By.id("bt-up-binance")).getAttribute("aria-invalid")).isEqualTo("true");
      assertThat(Files.exists(data.resolve("uploads").resolve("upbit_june.csv"))).as("nothing half-kept").isFalse();
      b.screenshot("backtests-upload-refused");

      // the good pair (the FX file comes from the directory): accepted, listed and chosen in the run form
      b.driver().findElement(By.id("bt-up-upbit")).clear();
      b.driver().findElement(By.id("bt-up-upbit")).sendKeys(outside.resolve("upbit june.csv").toString());
      b.driver().findElement(By.id("bt-up-binance")).clear();
      b.driver().findElement(By.id("bt-up-binance")).sendKeys(outside.resolve("binance june.csv").toString());
      b.driver().findElement(By.id("bt-upload-start")).click();
      b.await(d -> "uploads/upbit_june.csv".equals(
          new Select(d.findElement(By.id("bt-upbit"))).getFirstSelectedOption().getAttribute("value")));
      assertThat(new Select(b.driver().findElement(By.id("bt-binance"))).getFirstSelectedOption()
          .getAttribute("value")).isEqualTo("uploads/binance_june.csv");
      assertThat(b.driver().findElement(By.id("bt-uperr-binance")).getText()).isEmpty();
      assertThat(b.driver().findElement(By.id("bt-upload-result")).getText()).contains("uploads/upbit_june.csv");
      assertThat(Files.readAllLines(data.resolve("uploads").resolve("upbit_june.csv"))).hasSize(rows + 1);
      choose(b.driver().findElement(By.id("bt-fx")), "usdkrw_1d.csv");
      java.util.Set<String> before = new java.util.HashSet<>(b.driver().findElements(
          By.cssSelector("#bt-reports tbody tr[data-report]")).stream().map(r -> r.getAttribute("data-report")).toList());

      b.driver().findElement(By.id("bt-start")).click();
      WebElement link = b.await(d -> d.findElements(By.cssSelector("#bt-reports tbody tr[data-report]")).stream()
          .filter(r -> !before.contains(r.getAttribute("data-report"))).findFirst()
          .map(r -> r.findElement(By.tagName("a"))).orElse(null));
      assertThat(b.driver().findElement(By.id("bt-progress")).getAttribute("data-state")).isEqualTo("done");
      assertThat(b.driver().findElement(By.id("bt-progress")).getAttribute("value")).isEqualTo("100");
      String name = link.getText();
      b.screenshot("backtests-upload");
      link.click();
      b.await(d -> d.getCurrentUrl().endsWith("/ui/reports/" + name + "/report.html"));
      assertThat(b.await(d -> d.findElement(By.tagName("body"))).getText()).contains("BTC");
      // the report records what it ran on: the uploaded files
      JsonNode report = JSON.readTree(data.getParent().resolve("backtests/reports").resolve(name)
          .resolve("report.json").toFile());
      assertThat(report.toString()).contains("uploads/upbit_june.csv").contains("uploads/binance_june.csv");
    }
  }
}
