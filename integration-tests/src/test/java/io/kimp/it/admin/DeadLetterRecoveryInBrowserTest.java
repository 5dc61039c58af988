package io.kimp.it.admin;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import io.kimp.it.TestNodes;
import io.kimp.it.dashboard.Browser;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * An operator recovers a dead-lettered cycle from its page in the console: the scripted Binance refuses the order
 * (-2010), the cycle's page shows it dead-lettered with the reason in its timeline, Recover asks for confirmation, the
 * answer appears without a reload, and the cycle completes; the banner named the dead-letter holding a slot before.
 * Another is discarded from the dead-letter queue page (a reason asked for in the confirmation, cancelling changes
 * nothing), after the node sent the Telegram alert that trading is idle because the dead-letter holds the only slot.
 */
class DeadLetterRecoveryInBrowserTest extends SingleNodeTest {

  @Test
  void aDeadLetteredCycleIsRecoveredFromItsPage() throws Exception {
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT);
    startNode("kimp.risk.max-concurrent-cycles = 1", exchange.venues(), TestNodes.profitableMarket(),
        new RecordingAlertSink());
    UUID cycle = deadLetterOne();
    String base = admin.http().base();

    try (Browser b = Browser.open(base)) {
      b.signIn(AdminNodes.token(admin.dataDir()));
      // the one cycle slot is held by the dead-lettered cycle: the banner says so
      b.await(d -> "SLOTS_HELD".equals(d.findElement(By.id("why")).getAttribute("data-code")));
      assertThat(b.driver().findElement(By.id("why")).getText()).contains("dead-lettered");

      b.go("/ui/cycles/" + cycle);
      b.await(d -> !d.findElements(By.cssSelector("#timeline li[data-type='CycleDeadLettered']")).isEmpty());
      assertThat(b.driver().findElement(By.id("timeline")).getText()).contains("-2010");
      b.screenshot("cycle-dead-lettered");
      b.click(By.cssSelector("#cycle-actions [data-action='recover']"));
      b.await(d -> d.findElement(By.id("confirm")).isDisplayed());
      b.click(By.id("confirm-ok"));
      String result = b.await(d -> {
        String t = d.findElement(By.id("action-result")).getText();
        return t.isEmpty() ? null : t;
      });
      assertThat(result).startsWith("OK");
      await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(admin.node().readSide(), cycle)));
      // the page follows by itself: its timeline gains the recovery and the completion
      b.await(d -> !d.findElements(By.cssSelector("#timeline li[data-type='CycleCompleted']")).isEmpty());
      assertThat(b.driver().findElements(By.cssSelector("#timeline li[data-type='CycleRecovered']"))).isNotEmpty();
      // the status line is redrawn from the same refresh, possibly a frame later than the timeline
      b.await(d -> "COMPLETED".equals(d.findElement(By.id("cycle-status")).getText()));
      b.screenshot("cycle-recovered");
    }
    assertThat(admin.http().get("/api/v1/dlq").json().get(0).get("resolvedBy").asText()).isEqualTo("dashboard");
  }

  /** Opens one cycle on XRP, which the scripted Binance dead-letters: its id. */
  private UUID deadLetterOne() throws Exception {
    // on a busy machine the first ask may time out while the shard starts: ask again until the entity answers (a
    // second start while the first is open is refused, so this opens one cycle)
    await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
      CycleReply r = start(admin.node().cycles(), "XRP");
      return r.accepted() || !TestNodes.query(admin.node().readSide(), "SELECT id FROM arbitrage_cycles").isEmpty();
    });
    await().atMost(Duration.ofSeconds(30)).until(() ->
        !TestNodes.query(admin.node().readSide(), "SELECT id FROM arbitrage_cycles").isEmpty());
    UUID cycle = UUID.fromString(String.valueOf(
        TestNodes.query(admin.node().readSide(), "SELECT id FROM arbitrage_cycles").get(0).get("id")));
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD_LETTER".equals(status(admin.node().readSide(), cycle)));
    return cycle;
  }

  @Test
  void aDeadLetteredCycleIsDiscardedFromTheQueuePageWithAReasonAfterTheIdleAlert() throws Exception {
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT);
    RecordingAlertSink alerts = new RecordingAlertSink();
    startNode("kimp.risk.max-concurrent-cycles = 1\nkimp.alerts.idle-check-interval = 1s", exchange.venues(),
        TestNodes.profitableMarket(), alerts);
    UUID cycle = deadLetterOne();

    // the only slot is held by a dead-letter: two checks in a row, then a TRADING_IDLE alert saying so (the fixed
    // market's quotes age into STALE_FEEDS meanwhile, which is an alert of its own, before or after)
    await().atMost(Duration.ofSeconds(60)).until(() -> alerts.of(AlertKind.TRADING_IDLE).stream()
        .anyMatch(a -> "SLOTS_HELD".equals(a.fields().get("reason"))));
    assertThat(alerts.of(AlertKind.TRADING_IDLE).stream()
        .filter(a -> "SLOTS_HELD".equals(a.fields().get("reason"))).findFirst().orElseThrow().fields())
        .containsEntry("held", "1");

    String base = admin.http().base();
    try (Browser b = Browser.open(base)) {
      b.signIn(AdminNodes.token(admin.dataDir()));
      b.await(d -> d.findElement(By.id("why")));
      b.go("/ui/dlq");
      String row = "#dlq tbody tr[data-cycle='" + cycle + "']";
      b.await(d -> d.findElement(By.cssSelector(row + " td:nth-child(6)")).getText().equals("OPEN"));
      assertThat(b.driver().findElement(By.cssSelector(row + " td:nth-child(3)")).getText()).contains("-2010");

      // cancelling the confirmation changes nothing
      b.click(By.cssSelector(row + " [data-action='discard']"));
      b.await(d -> d.findElement(By.id("confirm")).isDisplayed());
      assertThat(b.driver().findElement(By.id("confirm-reason")).isDisplayed()).as("a reason is asked for").isTrue();
      b.click(By.id("confirm-cancel"));
      b.await(d -> !d.findElement(By.id("confirm")).isDisplayed());
      assertThat(admin.http().get("/api/v1/dlq").json().get(0).get("status").asText()).isEqualTo("OPEN");

      b.click(By.cssSelector(row + " [data-action='discard']"));
      b.await(d -> d.findElement(By.id("confirm")).isDisplayed());
      b.driver().findElement(By.id("confirm-reason")).sendKeys("XRP deposits suspended at Upbit");
      b.click(By.id("confirm-ok"));
      String result = b.await(d -> {
        String t = d.findElement(By.id("action-result")).getText();
        return t.isEmpty() ? null : t;
      });
      assertThat(result).startsWith("OK");
      // the row follows without a reload
      b.await(d -> d.findElement(By.cssSelector(row + " td:nth-child(6)")).getText().equals("DISCARDED"));
      b.screenshot("dlq-discarded");
    }
    JsonNode entry = admin.http().get("/api/v1/dlq").json().get(0);
    assertThat(entry.get("status").asText()).isEqualTo("DISCARDED");
    assertThat(entry.get("note").asText()).isEqualTo("XRP deposits suspended at Upbit");
    assertThat(entry.get("resolvedBy").asText()).isEqualTo("dashboard");
  }
}
