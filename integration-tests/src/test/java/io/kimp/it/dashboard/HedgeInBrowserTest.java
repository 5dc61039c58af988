package io.kimp.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.app.node.TradingNode;
import io.kimp.it.TestNodes;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.PerpetualGateway;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The transfer hedge in the operator's console, in headless Chromium against a node trading on paper on the exchange
 * simulator with {@code kimp.hedge.enabled = on} (as {@code ./kimp run --simulate} with the hedge on starts it: paper
 * perpetual shorts filled against the simulator's futures feed): a completed hedged cycle is marked in the cycles list,
 * its page shows the short opened and closed on both legs in plain words with quantity, price and fee (in the journal
 * timeline and the trades), the hedge's PnL and fees beside the cycle's, in English and in Korean; the System page's
 * Hedge section shows the hedge on, the watch's last check per coin and the futures feed's connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HedgeInBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TradingNode node;
  private String base;
  private String token;

  @BeforeAll
  void startNode() throws Exception {
    TestNodes.Console console = TestNodes.startConsole("kimp-dash-hedge-",
        "kimp.hedge.enabled = on",
        "kimp.hedge.watch-interval = 2s",
        // an orphan short stays for the page to show (closed by this test, not by the watch)
        "kimp.hedge.close-orphans = off");
    node = console.node();
    base = console.base();
    token = console.token();
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  /** The first cycle to complete with a short opened and closed on both legs. */
  private String completedHedgedCycle() {
    String sql = "SELECT c.id FROM arbitrage_cycles c WHERE c.status = 'COMPLETED' AND (SELECT COUNT(*) FROM trades t "
        + "WHERE t.cycle_id = c.id AND t.side IN ('HEDGE_OPEN', 'HEDGE_CLOSE') AND t.status = 'FILLED') = 4 "
        + "ORDER BY c.end_time";
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !TestNodes.query(node.node().readSide(), sql).isEmpty());
    return String.valueOf(TestNodes.query(node.node().readSide(), sql).get(0).get("id"));
  }

  @Test
  void aHedgedCycleShowsItsShortsOpenedAndClosedAndItsHedgeResult() throws Exception {
    String cycle = completedHedgedCycle();
    List<Map<String, Object>> hedgeTrades = TestNodes.query(node.node().readSide(),
        "SELECT side, trade_type, symbol, quantity, price FROM trades WHERE cycle_id = '" + cycle
            + "' AND side IN ('HEDGE_OPEN', 'HEDGE_CLOSE') ORDER BY created_at");
    assertThat(hedgeTrades).extracting(r -> r.get("side"))
        .containsExactly("HEDGE_OPEN", "HEDGE_CLOSE", "HEDGE_OPEN", "HEDGE_CLOSE");

    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));

      // the list marks it hedged
      b.go("/ui/cycles");
      b.await(d -> d.findElement(By.cssSelector("#cycles tbody tr[data-cycle='" + cycle + "'] [data-hedged='true']")));
      assertThat(b.driver().findElement(By.cssSelector("#cycles tbody tr[data-cycle='" + cycle + "'] .tag")).getText())
          .isEqualTo("hedged");
      b.screenshot("hedge-cycles");

      b.go("/ui/cycles/" + cycle);
      b.await(d -> !d.findElements(By.cssSelector("#timeline li[data-type='CycleCompleted']")).isEmpty());
      // the timeline says it plainly: each leg's short opened and closed, with quantity, price and fee
      List<String> opened = texts(b, "#timeline li[data-type='StepCompleted'][data-step='HEDGE_OPEN'] p.what");
      List<String> closed = texts(b, "#timeline li[data-type='StepCompleted'][data-step='HEDGE_CLOSE'] p.what");
      assertThat(opened).hasSize(2).allSatisfy(t -> assertThat(t).contains("short opened").contains(" at ")
          .contains("USDT").contains("fee"));
      assertThat(closed).hasSize(2).allSatisfy(t -> assertThat(t).contains("short closed").contains("fee"));
      assertThat(opened.get(0)).startsWith("INITIAL leg: short opened, " + plain(hedgeTrades.get(0).get("quantity")));
      assertThat(opened.get(1)).startsWith("REBALANCE leg: short opened, " + plain(hedgeTrades.get(2).get("quantity")));
      assertThat(texts(b, "#timeline li[data-type='StepRequested'][data-step='HEDGE_CLOSE'] p.what"))
          .allSatisfy(t -> assertThat(t).contains("reduce-only"));
      assertThat(texts(b, "#timeline li[data-type='CycleStarted'] p.what")).singleElement().asString()
          .startsWith("Hedged");
      assertThat(texts(b, "#timeline li[data-type='CycleCompleted'] p.what")).singleElement().asString()
          .startsWith("Hedge result");

      // the trades: the hedge rows named as what they did, on the futures venue, with quantity, price and fee
      // (the page re-renders as other cycles change the read tables: the rows are read in one retried step)
      List<List<String>> rows = b.await(d -> d.findElements(By.cssSelector("#trades tbody tr[data-side^='HEDGE_']"))
          .stream().map(r -> r.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList());
      assertThat(rows).hasSize(4);
      List<String> first = rows.get(0);
      assertThat(first.get(0)).isEqualTo("INITIAL short opened #1");
      assertThat(first.get(1)).startsWith("FILLED");
      assertThat(first.get(2)).endsWith("futures");
      assertThat(first.get(3)).isEqualTo(plain(hedgeTrades.get(0).get("quantity")) + " " + hedgeTrades.get(0).get("symbol"));
      assertThat(first.get(4)).endsWith("USDT");
      assertThat(first.get(5)).endsWith("USDT");
      assertThat(rows.get(1).get(0)).isEqualTo("INITIAL short closed #1");

      // the hedge's result beside the cycle's, as the journal's CycleCompleted has it
      JsonNode completed = completedEvent(cycle);
      List<String> summary = b.await(d -> List.of("cycle-hedge", "cycle-hedge-pnl", "cycle-hedge-fees").stream()
          .map(id -> d.findElement(By.id(id)).getText()).toList());
      assertThat(summary.get(0)).isEqualTo("closed (flat)");
      assertThat(summary.get(1)).endsWith("USDT");
      assertThat(number(summary.get(2)))
          .isEqualByComparingTo(completed.get("hedgeFeesUsdt").decimalValue().setScale(4, java.math.RoundingMode.HALF_UP));
      b.screenshot("hedge-cycle");
      b.driver().executeScript("document.getElementById('trades').scrollIntoView()");
      b.screenshot("hedge-cycle-trades");

      // the hedge's other events in words, by the page's own module in this browser (no simulated cycle meets them)
      @SuppressWarnings("unchecked")
      List<String> words = (List<String>) b.driver().executeAsyncScript(
          "const done = arguments[arguments.length - 1];"
              + "import('/ui/static/hedge.js').then(h => done(["
              + "h.describe({type: 'HedgeSkipped', leg: 'INITIAL', reason: 'perp-not-listed: no XRPUSDT perpetual'}),"
              + "h.describe({type: 'HedgeMismatch', leg: 'REBALANCE', coin: 'XRP', expected: 120.5, seen: 100}),"
              + "h.describe({type: 'DiscardStarted', reason: 'deposits suspended'}),"
              + "h.describe({type: 'StepFailed', leg: 'INITIAL', step: 'HEDGE_OPEN', reason: '-2019 Margin is insufficient'}),"
              + "h.describe({type: 'StepCompleted', step: 'SELL', order: {}})]))");
      assertThat(words.get(0)).isEqualTo(
          "INITIAL leg: hedge skipped (perp-not-listed: no XRPUSDT perpetual); the leg goes on unhedged.");
      assertThat(words.get(1)).isEqualTo("REBALANCE leg: the futures venue shows a short of 100 XRP, the cycle opened "
          + "120.5 XRP: 20.5 XRP held long without its short.");
      assertThat(words.get(2)).isEqualTo(
          "Discard started (deposits suspended): the open short is closed first, then the cycle is discarded.");
      assertThat(words.get(3)).isEqualTo("INITIAL leg: opening the short failed: -2019 Margin is insufficient");
      assertThat(words.get(4)).as("a spot step keeps its fields only").isNull();

      // in Korean
      b.driver().executeScript("localStorage.setItem('kimp.lang', 'ko')");
      b.go("/ui/cycles/" + cycle);
      b.await(d -> !d.findElements(By.cssSelector("#timeline li[data-type='CycleCompleted']")).isEmpty());
      assertThat(texts(b, "#timeline li[data-type='StepCompleted'][data-step='HEDGE_OPEN'] p.what"))
          .allSatisfy(t -> assertThat(t).contains("숏 진입"));
      assertThat(b.driver().findElement(By.id("cycle-summary")).getText()).contains("헤지 손익").contains("헤지 수수료");
      b.screenshot("hedge-cycle-ko");
      b.driver().executeScript("localStorage.setItem('kimp.lang', 'en')");
    }
  }

  @Test
  void theSystemPageShowsTheHedgeWatchAndTheFuturesFeed() throws Exception {
    completedHedgedCycle();
    // the watch has checked (it answers 200 with a time once it has), and checks again every watch-interval (2 s)
    String first = await().atMost(Duration.ofSeconds(60)).until(this::lastCheck, at -> at != null);
    await().atMost(Duration.ofSeconds(30)).until(this::lastCheck, at -> at != null && !at.equals(first));
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/system");
      b.await(d -> "true".equals(d.findElement(By.id("hedge")).getAttribute("data-enabled")));
      assertThat(b.driver().findElement(By.id("hedge-state")).getText()).isEqualTo("on");
      assertThat(b.driver().findElement(By.id("hedge-leverage")).getText()).isEqualTo("2×");
      assertThat(b.driver().findElement(By.id("hedge-unlisted")).getText()).isEqualTo("traded unhedged");
      assertThat(b.driver().findElement(By.id("hedge-orphans")).getText()).isEqualTo("alerted, closed by hand");
      b.await(d -> d.findElement(By.id("hedge-checked")).getText().endsWith(" ago"));
      String positions = b.driver().findElement(By.id("hedge-positions")).getText();
      assertThat(positions).contains("Expected short").contains("Venue's short").contains("Mismatch")
          .contains("Watch's action");

      // a short no cycle accounts for (opened by hand on the futures account): after two checks in a row the watch
      // names it, per coin, with the expected and the venue's short, the difference and what it does about it
      PerpetualGateway perp = node.node().components().venues().perpetual().orElseThrow();
      perp.placeOrder(PerpOrderRequest.openShort("it-hand-short-btc", "BTC", new BigDecimal("0.002")))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      String row = "#hedge-positions tbody tr[data-coin='BTC'][data-mismatch='true']";
      b.await(d -> d.findElement(By.cssSelector(row + " td:nth-child(5)")).getText().contains("short"));
      List<String> cells = b.driver().findElements(By.cssSelector(row + " td")).stream().map(WebElement::getText).toList();
      assertThat(new BigDecimal(cells.get(2)).subtract(new BigDecimal(cells.get(1)))).isEqualByComparingTo("0.002");
      assertThat(cells.get(3)).isEqualTo("0.002");
      assertThat(cells.get(4)).containsAnyOf("close it by hand", "not accounted for");
      // the futures feed's connections, from the feeds' health
      b.await(d -> !d.findElements(By.cssSelector("#hedge-feeds tbody tr[data-connection^='binance-futures']")).isEmpty());
      assertThat(b.driver().findElement(By.cssSelector("#hedge-feeds tbody tr td:nth-child(2)")).getText()).isEqualTo("up");
      b.screenshot("hedge-system");
      perp.placeOrder(PerpOrderRequest.closeShort("it-hand-close-btc", "BTC", new BigDecimal("0.002")))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      b.await(d -> d.findElements(By.cssSelector(row)).isEmpty());

      b.driver().executeScript("localStorage.setItem('kimp.lang', 'ko')");
      b.go("/ui/system");
      b.await(d -> "true".equals(d.findElement(By.id("hedge")).getAttribute("data-enabled")));
      assertThat(b.driver().findElement(By.id("hedge-title")).getText()).startsWith("헤지");
      assertThat(b.driver().findElement(By.id("hedge-state")).getText()).isEqualTo("켜짐");
      // the watch's rows in Korean: its action said from the figures (the watch's own words are English), and a
      // difference seen once shown (not "none") until the next check confirms it
      @SuppressWarnings("unchecked")
      List<Object> ko = (List<Object>) b.driver().executeAsyncScript(
          "const done = arguments[arguments.length - 1];"
              + "import('/ui/static/hedge.js').then(h => done(["
              + "h.action({coin: 'BTC', expectedShort: 0, seenShort: 0.002, mismatch: true, action: 'an orphan short'}, false),"
              + "h.action({coin: 'XRP', expectedShort: 120.5, seenShort: 100, mismatch: true, action: 'less'}, false),"
              + "h.action({coin: 'ADA', expectedShort: 257, seenShort: 0, mismatch: false, action: 'seen once'}, false),"
              + "h.difference({coin: 'ADA', expectedShort: 257, seenShort: 0, mismatch: false}),"
              + "h.difference({coin: 'BTC', expectedShort: 0.3, seenShort: 0.1, mismatch: true}),"
              + "h.difference({coin: 'TRX', expectedShort: 724, seenShort: 724, mismatch: false})]))"
              + ".catch(e => done([String(e)]))");
      assertThat(ko).as("the watch's words in Korean").hasSize(6);
      assertThat((String) ko.get(0)).contains("주인 없는 숏").contains("직접 청산");
      assertThat((String) ko.get(1)).contains("적습니다").contains("20.5 XRP");
      assertThat((String) ko.get(2)).contains("다시 확인");
      assertThat(ko.subList(0, 3)).allSatisfy(t -> assertThat((String) t).doesNotContainPattern("[a-z]{4,} [a-z]{4,}"));
      assertThat(ko.get(3)).isEqualTo(java.util.Map.of("text", "-257", "cls", "warn"));
      assertThat(ko.get(4)).isEqualTo(java.util.Map.of("text", "-0.2", "cls", "neg"));
      assertThat(ko.get(5)).isEqualTo(java.util.Map.of("text", "없음", "cls", "pos"));
      b.screenshot("hedge-system-ko");
      b.driver().executeScript("localStorage.setItem('kimp.lang', 'en')");
    }
  }

  /** When the hedge watch last checked, as {@code GET /api/v1/hedge} says; null before its first check. */
  private String lastCheck() throws Exception {
    Browser.Reply r = Browser.http("GET", base + "/api/v1/hedge", null, "Authorization", "Bearer " + token);
    JsonNode at = r.status() == 200 ? JSON.readTree(r.body()).path("at") : null;
    return at == null || at.isNull() || at.isMissingNode() ? null : at.asText();
  }

  private JsonNode completedEvent(String cycle) throws Exception {
    Browser.Reply r = Browser.http("GET", base + "/api/v1/cycles/" + cycle, null, "Authorization", "Bearer " + token);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    for (JsonNode e : JSON.readTree(r.body()).get("events")) {
      if ("CycleCompleted".equals(e.get("type").asText())) {
        return e;
      }
    }
    throw new AssertionError("no CycleCompleted in " + r.body());
  }

  /**
   * The texts of the elements {@code css} selects, read in one retried step: a cycle's page re-renders when its cycle
   * changes, and an element found before a re-render is stale when its text is read.
   */
  private static List<String> texts(Browser b, String css) {
    return b.await(d -> {
      List<String> out = d.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
      return out.isEmpty() ? null : out;
    });
  }

  /** A read-table number as the page writes a quantity (no trailing zeros). */
  private static String plain(Object v) {
    return new java.math.BigDecimal(String.valueOf(v)).stripTrailingZeros().toPlainString();
  }

  /** "1,234.5678 USDT" → 1234.5678. */
  private static java.math.BigDecimal number(String usdt) {
    return new java.math.BigDecimal(usdt.replace(" USDT", "").replace(",", ""))
        .setScale(4, java.math.RoundingMode.HALF_UP);
  }
}
