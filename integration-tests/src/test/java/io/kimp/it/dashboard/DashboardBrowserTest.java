package io.kimp.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.app.node.TradingNode;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.it.TestNodes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The operator's console in headless Chromium against a node trading (on paper) on the exchange simulator, as
 * {@code ./kimp run --simulate} starts it: signing in (a wrong token refused), the premium board filling with every
 * simulated coin, sorted, colour-scaled, with sparklines, its rows marked stale while a venue is silent (and fresh again
 * after), a cycle's journal timeline, the money page's figures and realised-PnL curve, pausing and resuming (seen
 * through the bearer API), a settings error beside its field, the system page, logging out; the things for the people who use it (Korean/English remembered, light/dark remembered, KRW and
 * USDT as traders write them, times in the browser's zone with UTC on hover, every control labelled and reachable with
 * the keyboard); and over plain HTTP, that nothing is served without a session and that a state change without the CSRF
 * token or from another origin is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TradingNode node;
  private String base;
  private String token;

  @BeforeAll
  void startNode() throws Exception {
    TestNodes.Console console = TestNodes.startConsole("kimp-dash-");
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

  private JsonNode api(String method, String path, String body) throws Exception {
    Browser.Reply r = body == null
        ? Browser.http(method, base + path, null, "Authorization", "Bearer " + token)
        : Browser.http(method, base + path, body, "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void aWrongTokenIsRefusedAndTheRightOneOpensTheBoardWithEverySimulatedCoin() {
    try (Browser b = Browser.open(base)) {
      b.go("/ui/");
      b.await(d -> d.getCurrentUrl().endsWith("/ui/login")); // no session: the sign-in page
      b.signIn("not-the-token-of-this-node");
      assertThat(b.await(d -> d.findElement(By.id("login-error"))).getText()).contains("not this node's admin token");
      assertThat(b.driver().manage().getCookieNamed("kimp_session")).isNull();

      b.signIn(token);
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr")).size() == SimulatorConfig.DEFAULT_COINS.size());
      Cookie session = b.driver().manage().getCookieNamed("kimp_session");
      assertThat(session.isHttpOnly()).isTrue();
      assertThat(session.getSameSite()).isEqualTo("Strict");
      assertThat(session.getExpiry()).isNotNull();
      // the token is nowhere the page's scripts can see it
      Object stored = b.driver().executeScript(
          "return document.cookie + JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href");
      assertThat((String) stored).doesNotContain(token);
      List<String> coins = b.driver().findElements(By.cssSelector("#board tbody tr")).stream()
          .map(r -> r.getAttribute("data-coin")).toList();
      assertThat(coins).containsExactlyInAnyOrderElementsOf(SimulatorConfig.DEFAULT_COINS);
      // prices and premiums arrive by push: every row gets a premium and a live age
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr")).stream()
          .allMatch(r -> r.findElements(By.tagName("td")).get(4).getText().endsWith("%")));
      b.await(d -> !d.findElement(By.id("fx")).getText().equals("–"));
      b.await(d -> d.findElement(By.id("why")).getAttribute("data-code") != null);
      // the filter narrows the board to one coin
      b.driver().findElement(By.id("board-filter")).sendKeys("BTC");
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr")).size() == 1);
      b.driver().findElement(By.id("board-filter")).clear();
      b.driver().findElement(By.id("board-filter")).sendKeys(" ");
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr")).size() == SimulatorConfig.DEFAULT_COINS.size());
      // every row's "last hour" is a drawn line as soon as the coin has a point of history and a newer price
      b.await(d -> undrawnSparklines(b).isEmpty());
      // its right end is the premium now: with both venues held still, each line's label ends at the row's premium
      node.simulator().stall(SimVenue.UPBIT, Duration.ofMinutes(1));
      node.simulator().stall(SimVenue.BINANCE, Duration.ofMinutes(1));
      try {
        b.await(d -> ((List<?>) b.driver().executeScript(SPARKS_NOT_AT_PREMIUM)).isEmpty());
      } finally {
        node.simulator().resume(SimVenue.UPBIT);
        node.simulator().resume(SimVenue.BINANCE);
      }
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr[data-stale='false']")).size()
          == SimulatorConfig.DEFAULT_COINS.size() && undrawnSparklines(b).isEmpty());
      b.screenshot("board");
    }
  }

  /** The coins whose sparkline is not a drawn line: fewer than two points, or no width on screen. */
  private static List<?> undrawnSparklines(Browser b) {
    return (List<?>) b.driver().executeScript(String.join("\n",
        "return [...document.querySelectorAll('#board tbody tr')].filter(tr => {",
        "  const path = tr.querySelector('td svg.spark path');",
        "  const points = path ? ((path.getAttribute('d') || '').match(/[ML]/g) || []).length : 0;",
        "  return points < 2 || path.getBoundingClientRect().width < 10;",
        "}).map(tr => tr.dataset.coin);"));
  }

  /** The coins whose sparkline's label does not end at the premium their row shows. */
  private static final String SPARKS_NOT_AT_PREMIUM = String.join("\n",
      "return [...document.querySelectorAll('#board tbody tr')].filter(tr => {",
      "  const label = tr.querySelector('td svg.spark').getAttribute('aria-label') || '';",
      "  return !label.endsWith('→ ' + tr.children[4].textContent);",
      "}).map(tr => tr.dataset.coin);");

  @Test
  void aCyclePageShowsItsJournalAsATimeline() {
    await().atMost(Duration.ofSeconds(120)).until(() -> !TestNodes.query(node.node().readSide(),
        "SELECT id FROM arbitrage_cycles").isEmpty());
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/cycles");
      b.await(d -> d.findElement(By.cssSelector("#cycles tbody tr[data-cycle] a")));
      b.screenshot("cycles");
      // the list re-renders when the read tables change: find the row and follow its link in one retried step
      String cycle = b.await(d -> {
        WebElement row = d.findElement(By.cssSelector("#cycles tbody tr[data-cycle]"));
        String id = row.getAttribute("data-cycle");
        row.findElement(By.tagName("a")).click();
        return id;
      });
      b.await(d -> d.getCurrentUrl().endsWith("/ui/cycles/" + cycle));
      b.await(d -> !d.findElements(By.cssSelector("#timeline li[data-type='CycleStarted']")).isEmpty());
      // the page re-renders its summary when the read tables change: find and read the status in one retried step
      String status = b.await(d -> d.findElement(By.id("cycle-status")).getText());
      assertThat(status).isNotBlank();
      b.screenshot("cycle");
    }
  }

  /**
   * Waits until the money page has its figures and curve: they arrive after the page and move the buttons below them,
   * so a click before that can land beside its button.
   */
  private static void awaitMoneyLoaded(Browser b) {
    b.await(d -> "false".equals(d.findElement(By.id("main")).getAttribute("aria-busy")));
  }

  @Test
  void pausingAndResumingFromTheMoneyPageIsSeenThroughTheApi() throws Exception {
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/money");
      awaitMoneyLoaded(b);
      b.await(d -> d.findElement(By.id("pause")).isEnabled());
      b.driver().findElement(By.id("pause-reason")).sendKeys("checking the console");
      b.click(By.id("pause"));
      String said = b.await(d -> {
        String text = d.findElement(By.id("switch-result")).getText();
        return text.isBlank() ? null : text;
      });
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode t = api("GET", "/api/v1/trading", null);
        assertThat(t.get("paused").asBoolean()).as("paused (the page said: %s)", said).isTrue();
        assertThat(t.get("by").asText()).isEqualTo("dashboard");
        assertThat(t.get("reason").asText()).isEqualTo("checking the console");
        assertThat(t.at("/idle/code").asText()).isEqualTo("PAUSED");
      });
      // the banner on every page says why it is not trading
      b.await(d -> "PAUSED".equals(d.findElement(By.id("why")).getAttribute("data-code")));
      assertThat(b.driver().findElement(By.id("why")).getText()).contains("checking the console");
      b.screenshot("money-paused");
      awaitMoneyLoaded(b);
      b.await(d -> d.findElement(By.id("resume")).isEnabled());
      b.click(By.id("resume"));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(api("GET", "/api/v1/trading", null).get("paused").asBoolean()).isFalse());
      b.await(d -> !"PAUSED".equals(d.findElement(By.id("why")).getAttribute("data-code")));
    } finally {
      api("POST", "/api/v1/trading/resume", "{}"); // whatever happened, the other tests find it running
    }
  }

  @Test
  void aRefusedSettingIsShownBesideItsField() throws Exception {
    JsonNode before = api("GET", "/api/v1/settings", null);
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/money");
      awaitMoneyLoaded(b);
      WebElement field = b.await(d -> {
        WebElement f = d.findElement(By.id("s-maxConcurrentCycles"));
        return f.getAttribute("value").isEmpty() ? null : f;
      });
      assertThat(new Select(b.driver().findElement(By.id("s-sizing"))).getFirstSelectedOption().getText()).isNotBlank();
      field.clear();
      field.sendKeys("0");
      b.click(By.id("save"));
      String error = b.await(d -> {
        String e = d.findElement(By.id("err-maxConcurrentCycles")).getText();
        return e.isEmpty() ? null : e;
      });
      assertThat(error).contains("maxConcurrentCycles");
      assertThat(field.getAttribute("aria-invalid")).isEqualTo("true");
      assertThat(b.driver().findElement(By.id("err-capitalKrw")).getText()).isEmpty();
      b.screenshot("money-settings-error");
    }
    assertThat(api("GET", "/api/v1/settings", null).at("/settings/maxConcurrentCycles"))
        .isEqualTo(before.at("/settings/maxConcurrentCycles"));
  }

  @Test
  void signingOutEndsTheSession() {
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/system");
      b.await(d -> !d.findElements(By.cssSelector("#connections tbody tr")).isEmpty());
      b.await(d -> !d.findElement(By.id("cluster")).getText().isEmpty());
      // version and uptime; the alert outbox: what was delivered, what waits
      assertThat(b.driver().findElement(By.id("sys")).getText()).contains("Version").contains("Uptime");
      b.await(d -> d.findElement(By.id("telegram")).getText().contains("outbox.size"));
      assertThat(b.driver().findElement(By.id("telegram")).getText()).contains("messages.sent");
      b.screenshot("system");
      b.go("/ui/dlq");
      b.await(d -> !d.findElements(By.cssSelector("#dlq tbody tr")).isEmpty());
      b.screenshot("dlq");
      String cookie = b.driver().manage().getCookieNamed("kimp_session").getValue();
      assertThat(Browser.http("GET", base + "/ui/session", null, "Cookie", "kimp_session=" + cookie).status())
          .isEqualTo(200);
      b.driver().findElement(By.id("logout")).click();
      b.await(d -> d.getCurrentUrl().endsWith("/ui/login"));
      // the old cookie is worth nothing now, even replayed by hand
      assertThat(Browser.http("GET", base + "/ui/session", null, "Cookie", "kimp_session=" + cookie).status())
          .isEqualTo(401);
      b.go("/ui/money");
      b.await(d -> d.getCurrentUrl().endsWith("/ui/login"));
    }
  }

  @Test
  void nothingOfTheConsoleIsServedWithoutASession() {
    for (String path : List.of("/ui/session", "/ui/events", "/ui/static/app.js", "/ui/data/system", "/ui/data/equity",
        "/ui/api/v1/trading", "/ui/api/v1/portfolio", "/ui/cycles")) {
      Browser.Reply r = Browser.http("GET", base + path, null);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.body()).as(path).contains("sign in");
      Browser.Reply forged = Browser.http("GET", base + path, null, "Cookie", "kimp_session=forged-session-id");
      assertThat(forged.status()).as(path + " with a forged cookie").isEqualTo(401);
    }
    Browser.Reply page = Browser.http("GET", base + "/ui/money", null, "Accept", "text/html");
    assertThat(page.status()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location").orElseThrow()).endsWith("/ui/login");
    // the bearer token is still how the API is called, and the token never opens the console by URL
    assertThat(Browser.http("GET", base + "/ui/session?token=" + token, null).status()).isEqualTo(401);
    assertThat(Browser.http("GET", base + "/ui/api/v1/trading", null, "Authorization", "Bearer " + token).status())
        .isEqualTo(401);
  }

  @Test
  void aStateChangeWithoutTheCsrfTokenOrFromAnotherOriginIsRefused() throws Exception {
    api("POST", "/api/v1/trading/resume", "{}"); // the baseline: running
    String cookie = Browser.session(base, token);
    String csrf = JSON.readTree(Browser.http("GET", base + "/ui/session", null, "Cookie", "kimp_session=" + cookie)
        .body()).get("csrf").asText();
    Browser.Reply noToken = Browser.http("POST", base + "/ui/api/v1/trading/pause", "{}",
        "Cookie", "kimp_session=" + cookie, "Origin", base, "Content-Type", "application/json");
    assertThat(noToken.status()).isEqualTo(403);
    Browser.Reply wrongToken = Browser.http("POST", base + "/ui/api/v1/trading/pause", "{}",
        "Cookie", "kimp_session=" + cookie, "Origin", base, "X-CSRF-Token", csrf + "x", "Content-Type", "application/json");
    assertThat(wrongToken.status()).isEqualTo(403);
    Browser.Reply otherSite = Browser.http("POST", base + "/ui/api/v1/trading/pause", "{}",
        "Cookie", "kimp_session=" + cookie, "Origin", "http://evil.example", "X-CSRF-Token", csrf,
        "Content-Type", "application/json");
    assertThat(otherSite.status()).isEqualTo(403);
    Browser.Reply noOrigin = Browser.http("POST", base + "/ui/api/v1/trading/pause", "{}",
        "Cookie", "kimp_session=" + cookie, "X-CSRF-Token", csrf, "Content-Type", "application/json");
    assertThat(noOrigin.status()).isEqualTo(403);
    Browser.Reply loginElsewhere = Browser.http("POST", base + "/ui/login", "token=" + token,
        "Content-Type", "application/x-www-form-urlencoded", "Origin", "http://evil.example");
    assertThat(loginElsewhere.status()).isEqualTo(403);
    assertThat(api("GET", "/api/v1/trading", null).get("paused").asBoolean()).isFalse();

    // with both, the same request goes through (and is undone)
    Browser.Reply ok = Browser.http("POST", base + "/ui/api/v1/trading/pause", "{\"reason\":\"csrf test\"}",
        "Cookie", "kimp_session=" + cookie, "Origin", base, "X-CSRF-Token", csrf, "Content-Type", "application/json");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(api("GET", "/api/v1/trading", null).get("paused").asBoolean()).isTrue();
    api("POST", "/api/v1/trading/resume", "{}");
  }

  /**
   * Every visible form control of the page without an accessible name (a label, aria-label/-labelledby, or a button's
   * text) or taken out of the keyboard's tab order; empty when all are fine.
   */
  private static final String UNLABELLED = String.join("\n",
      "const bad = [];",
      "for (const e of document.querySelectorAll('input, select, textarea, button, a[href]')) {",
      "  if (e.closest('dialog:not([open])') || e.offsetParent === null && e.type !== 'file') continue;",
      "  const named = (e.labels && e.labels.length) || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')",
      "    || ((e.tagName === 'BUTTON' || e.tagName === 'A') && e.textContent.trim());",
      "  if (!named || e.tabIndex < 0 || e.disabled && e.tagName !== 'BUTTON') bad.push(e.outerHTML.slice(0, 120));",
      "}",
      "return bad;");

  /** The texts of the page's labels, headings, column heads, buttons and cards that hold no Hangul. */
  private static final String NOT_KOREAN = String.join("\n",
      "const names = ['USDT/KRW', 'EN', 'KO'];",
      "return [...document.querySelectorAll('label, th, button, h1, h2, #settings option, .card .label, nav a, .vitals span > span')]",
      "  .filter(e => e.offsetParent !== null || e.tagName === 'OPTION')",
      "  .map(e => e.textContent.trim()).filter(s => s && !/[\\uac00-\\ud7a3]/.test(s) && !names.includes(s));");

  private static List<String> settingsLabels(Browser b) {
    return b.driver().findElements(By.cssSelector("#settings label")).stream().map(WebElement::getText).toList();
  }

  @Test
  void languageThemeNumbersTimesAndControlsAreAsTheOperatorExpects() {
    // an ended cycle: the money page's curve has a line (zero, then that cycle's result)
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> !TestNodes.query(
        node.node().readSide(), "SELECT id FROM arbitrage_cycles WHERE end_time IS NOT NULL "
            + "AND total_net_profit_krw IS NOT NULL").isEmpty());
    try (Browser b = Browser.open(base)) {
      // the browser in Seoul: times are shown in its zone, UTC on hover
      b.driver().executeCdpCommand("Emulation.setTimezoneOverride", java.util.Map.of("timezoneId", "Asia/Seoul"));
      b.signIn(token);
      // KRW with the won sign and thousands separators, USDT with its unit
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr")).size() == SimulatorConfig.DEFAULT_COINS.size()
          && d.findElements(By.cssSelector("#board tbody tr")).stream()
          .allMatch(r -> r.findElements(By.tagName("td")).get(1).getText().matches("₩\\d{1,3}(,\\d{3})*")));
      WebElement first = b.driver().findElement(By.cssSelector("#board tbody tr"));
      assertThat(first.findElements(By.tagName("td")).get(2).getText()).matches("\\d{1,3}(,\\d{3})*\\.\\d{2,6} USDT");

      // every control of every page is labelled and in the tab order; the filter is reached with the Tab key
      for (String page : List.of("/ui/", "/ui/cycles", "/ui/dlq", "/ui/money", "/ui/system", "/ui/backtests")) {
        b.go(page);
        b.await(d -> d.findElement(By.cssSelector("#main > h1")));
        b.await(d -> !d.findElements(By.cssSelector("nav a[aria-current='page']")).isEmpty());
        assertThat((List<?>) b.driver().executeScript(UNLABELLED)).as(page + ": unlabelled or unreachable controls")
            .isEmpty();
      }
      b.go("/ui/");
      b.await(d -> d.findElement(By.id("board-filter")));
      org.openqa.selenium.interactions.Actions keys = new org.openqa.selenium.interactions.Actions(b.driver());
      boolean reached = false;
      for (int i = 0; i < 30 && !reached; i++) {
        keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
        reached = "board-filter".equals(b.driver().switchTo().activeElement().getAttribute("id"));
      }
      assertThat(reached).as("the board's filter is reached with Tab").isTrue();

      // a cycle's journal: local (Seoul) time on screen, the same instant in UTC in the title
      b.go("/ui/cycles");
      String cycle = b.await(d -> d.findElement(By.cssSelector("#cycles tbody tr[data-cycle]")).getAttribute("data-cycle"));
      b.go("/ui/cycles/" + cycle);
      WebElement when = b.await(d -> d.findElement(By.cssSelector("#timeline li time")));
      String utc = when.getAttribute("title");
      assertThat(utc).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC");
      java.time.ZonedDateTime seoul = java.time.LocalDateTime.parse(utc.substring(0, 19).replace(' ', 'T'))
          .atZone(java.time.ZoneOffset.UTC).withZoneSameInstant(java.time.ZoneId.of("Asia/Seoul"));
      assertThat(when.getText()).contains(seoul.format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")))
          .contains(String.valueOf(seoul.getDayOfMonth()));

      // the settings form's labels in English, to compare with the Korean ones
      b.go("/ui/money");
      List<String> english = b.await(d -> {
        List<String> l = settingsLabels(b);
        return l.size() == 10 ? l : null;
      });
      assertThat(english).doesNotHaveDuplicates().allSatisfy(l -> assertThat(l).isNotBlank());

      // Korean, remembered across pages and reloads
      b.click(By.id("lang"));
      b.await(d -> "ko".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
      b.go("/ui/money");
      b.await(d -> d.findElement(By.cssSelector("nav a[data-page='board']")).getText().equals("김프 현황"));
      assertThat(b.driver().findElement(By.cssSelector("#main > h1")).getText()).isEqualTo("자금");
      b.driver().navigate().refresh();
      b.await(d -> d.findElement(By.cssSelector("nav a[data-page='money']")).getText().equals("자금"));
      // no English label left on the settings form (its API names stay in the tooltips)
      List<String> korean = b.await(d -> {
        List<String> l = settingsLabels(b);
        return l.size() == english.size() ? l : null;
      });
      assertThat(korean).as("the Korean settings labels").doesNotContainAnyElementsOf(english)
          .allSatisfy(l -> assertThat(l).containsPattern("[\uac00-\ud7a3]"));
      assertThat(new Select(b.driver().findElement(By.id("s-sizing"))).getOptions()).extracting(WebElement::getText)
          .allSatisfy(o -> assertThat(o).containsPattern("[\uac00-\ud7a3]"));
      // every page in Korean: no label, heading, column, button or card left in English, nor the banner's reason
      for (String page : List.of("/ui/", "/ui/cycles", "/ui/cycles/" + cycle, "/ui/dlq", "/ui/money", "/ui/system",
          "/ui/backtests")) {
        b.go(page);
        b.await(d -> d.findElement(By.cssSelector("#main > h1")).getText().matches(".*[\uac00-\ud7a3].*")
            && d.findElement(By.id("why")).getAttribute("data-code") != null);
        b.await(d -> ((List<?>) b.driver().executeScript(NOT_KOREAN)).isEmpty() ? true : null);
        assertThat(b.driver().findElement(By.id("why")).getText()).as(page + ": the banner")
            .containsPattern("[\uac00-\ud7a3]{2}.*[\uac00-\ud7a3]{2}");
      }
      b.go("/ui/money");

      // the dark theme, remembered; then light again
      String light = (String) b.driver().executeScript("return getComputedStyle(document.body).backgroundColor");
      b.click(By.id("theme"));
      b.await(d -> "dark".equals(d.findElement(By.tagName("html")).getAttribute("data-theme")));
      b.driver().navigate().refresh();
      b.await(d -> "dark".equals(d.findElement(By.tagName("html")).getAttribute("data-theme")));
      String dark = (String) b.driver().executeScript("return getComputedStyle(document.body).backgroundColor");
      assertThat(dark).isNotEqualTo(light);
      // the screenshot once the page has everything: the header's rate and feeds, the banner, the curve drawn
      b.await(d -> !d.findElement(By.id("fx")).getText().equals("–") && !d.findElement(By.id("feeds")).getText().equals("–")
          && d.findElement(By.id("why")).getAttribute("data-code") != null
          && ((d.findElement(By.cssSelector("#main svg.chart path:not(.zero)")).getAttribute("d")).split("L").length >= 2));
      b.screenshot("money-dark-ko");
      b.click(By.id("theme"));
      b.await(d -> "light".equals(d.findElement(By.tagName("html")).getAttribute("data-theme")));
      b.click(By.id("lang"));
      b.await(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
    }
  }

  private static List<String> boardColumn(Browser b, int column) {
    return b.driver().findElements(By.cssSelector("#board tbody tr")).stream()
        .map(r -> r.findElements(By.tagName("td")).get(column).getText()).toList();
  }

  @Test
  void theBoardSortsColoursDrawsSparklinesAndMarksSilentCoinsStale() {
    int coins = SimulatorConfig.DEFAULT_COINS.size();
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr")).size() == coins
          && boardColumn(b, 4).stream().allMatch(t -> t.endsWith("%")));

      // sort by coin (ascending, then descending), then by premium (highest first)
      b.click(By.cssSelector("button[data-sort='coin']"));
      b.await(d -> boardColumn(b, 0).equals(boardColumn(b, 0).stream().sorted().toList()));
      assertThat(b.driver().findElement(By.cssSelector("button[data-sort='coin']")).findElement(By.xpath(".."))
          .getAttribute("aria-sort")).isEqualTo("ascending");
      b.click(By.cssSelector("button[data-sort='coin']"));
      b.await(d -> boardColumn(b, 0).equals(boardColumn(b, 0).stream()
          .sorted(java.util.Comparator.reverseOrder()).toList()));
      // premiums move several times a second while the board re-orders at most once a second (at once on a click, and
      // within a second of the last change): with both venues held still, the order must settle on the premiums
      node.simulator().stall(SimVenue.UPBIT, Duration.ofSeconds(8));
      node.simulator().stall(SimVenue.BINANCE, Duration.ofSeconds(8));
      try {
        b.click(By.cssSelector("button[data-sort='premium']"));
        b.await(d -> {
          List<String> col = boardColumn(b, 4);
          List<Double> p = col.stream().map(t -> Double.parseDouble(t.replace("%", ""))).toList();
          return p.equals(p.stream().sorted(java.util.Comparator.reverseOrder()).toList());
        });
      } finally {
        node.simulator().resume(SimVenue.UPBIT);
        node.simulator().resume(SimVenue.BINANCE);
      }
      // colour-scaled premiums, and a sparkline in every row
      assertThat(b.driver().findElements(By.cssSelector("#board tbody tr")).stream()
          .map(r -> r.findElements(By.tagName("td")).get(4).getCssValue("background-color")))
          .allSatisfy(c -> assertThat(c).startsWith("rgba(").doesNotEndWith(", 0)"));
      assertThat(b.driver().findElements(By.cssSelector("#board tbody tr td svg.spark"))).hasSize(coins);
      assertThat(b.driver().findElements(By.cssSelector("#board tbody tr[data-stale='true']"))).isEmpty();

      // prices change in place: a changed cell keeps its one text node and only its text is written (no markup parsed,
      // no nodes replaced: the frame's cost is the changed text)
      b.driver().executeScript("window.__priceCells = [...document.querySelectorAll("
          + "'#board tbody td:nth-child(2), #board tbody td:nth-child(3)')].map(td => [td, td.firstChild, td.textContent])");
      b.await(d -> (Boolean) b.driver().executeScript(
          "return window.__priceCells.some(([td, node, text]) => td.textContent !== text)"));
      assertThat((Boolean) b.driver().executeScript("return window.__priceCells"
          + ".filter(([td, node, text]) => td.textContent !== text)"
          + ".every(([td, node]) => td.firstChild === node && td.childNodes.length === 1)"))
          .as("every changed price cell kept its text node").isTrue();

      // Upbit goes silent: every row is marked stale (greyed, ⚠), the header counts them, the banner says why
      node.simulator().stall(SimVenue.UPBIT, Duration.ofMinutes(3));
      try {
        b.await(d -> d.findElements(By.cssSelector("#board tbody tr.stale[data-stale='true']")).size() == coins);
        // never shown as fresh: the age is that of the silent venue's last price, at least the stale limit (10 s)
        WebElement age = b.driver().findElement(By.cssSelector("#board tbody tr.stale td.age"));
        assertThat(age.getAttribute("title")).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(age.getText()).matches("([1-9]\\d+s|\\d+m \\d+s)");
        b.await(d -> d.findElement(By.id("feeds")).getText().contains(coins + " stale"));
        // the USDT/KRW rate comes from Upbit too: the rate is stale, the first reason unless every slot is held
        String why = b.await(d -> {
          String code = d.findElement(By.id("why")).getAttribute("data-code");
          return List.of("STALE_FX", "SLOTS_HELD", "EXPOSURE_HELD").contains(code) ? code : null;
        });
        if (why.equals("STALE_FX")) {
          assertThat(b.driver().findElement(By.id("why")).getText()).containsIgnoringCase("stale");
        }
        b.screenshot("board-stale");
      } finally {
        node.simulator().resume(SimVenue.UPBIT);
      }
      b.await(d -> d.findElements(By.cssSelector("#board tbody tr[data-stale='false']")).size() == coins);
    }
  }

  @Test
  void theMoneyPageShowsTheFiguresAndTheRealisedPnlCurve() throws Exception {
    // two ended cycles make a curve of two points
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> TestNodes.query(
        node.node().readSide(), "SELECT id FROM arbitrage_cycles WHERE end_time IS NOT NULL "
            + "AND total_net_profit_krw IS NOT NULL").size() >= 2);
    try (Browser b = Browser.open(base)) {
      b.signIn(token);
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/money");
      JsonNode portfolio = api("GET", "/api/v1/portfolio", null);
      String capital = b.await(d -> {
        String t = d.findElement(By.id("m-capital")).getText();
        return t.isEmpty() ? null : t;
      });
      assertThat(capital).isEqualTo("₩" + String.format(java.util.Locale.US, "%,d",
          portfolio.get("capitalKrw").decimalValue().setScale(0, java.math.RoundingMode.HALF_UP).longValueExact()));
      // the cards re-render as the portfolio changes: read them in one retried step
      List<String> cards = b.await(d -> List.of("m-equity", "m-reserved", "m-free", "m-today", "m-total").stream()
          .map(card -> d.findElement(By.id(card)).getText()).toList());
      assertThat(cards).allSatisfy(text -> assertThat(text).matches("-?₩[\\d,]+(\\.\\d+)?"));
      // the curve: a drawn line, labelled for screen readers
      WebElement chart = b.driver().findElement(By.cssSelector("#main svg.chart"));
      assertThat(chart.getAttribute("aria-label")).isNotBlank();
      b.await(d -> d.findElement(By.cssSelector("#main svg.chart path:not(.zero)")).getAttribute("d").startsWith("M"));
      // its axes: the highest and lowest cumulative PnL beside it (the curve starts at zero, so they bracket it),
      // the first and last time under it, in the browser's zone with UTC on hover
      List<String> y = b.await(d -> {
        String max = d.findElement(By.id("equity-ymax")).getText();
        String min = d.findElement(By.id("equity-ymin")).getText();
        return max.isEmpty() || min.isEmpty() ? null : List.of(max, min);
      });
      assertThat(y).allSatisfy(text -> assertThat(text).matches("-?₩[\\d,]+(\\.\\d+)?"));
      java.util.function.Function<String, java.math.BigDecimal> won =
          text -> new java.math.BigDecimal(text.replace("₩", "").replace(",", ""));
      assertThat(won.apply(y.get(1))).isLessThanOrEqualTo(java.math.BigDecimal.ZERO);
      assertThat(won.apply(y.get(0))).isGreaterThanOrEqualTo(java.math.BigDecimal.ZERO);
      for (String id : List.of("equity-x0", "equity-x1")) {
        WebElement when = b.driver().findElement(By.cssSelector("#" + id + " time"));
        assertThat(when.getText()).isNotBlank();
        assertThat(when.getAttribute("title")).endsWith(" UTC");
      }
      b.screenshot("money");
    }
  }
}
