package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.app.node.TradingNode;
import io.kimp.core.market.PerpQuote;
import io.kimp.core.market.PerpView;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.gateway.paper.PaperPerpVenue;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kimp run --simulate} with the transfer hedge on, as the command composes it (profile included), its timers
 * shortened: the futures feed fills the market state's perpetual quotes from the simulator's futures venue, the paper
 * perpetual venue fills each leg's short and its close against them on the paper ledger, cycles complete hedged, the
 * paper position is flat once they are done, and {@code GET /api/v1/hedge} shows the hedge watch's check.
 */
class SimulatedHedgedRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TradingNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private List<Map<String, Object>> query(String sql, Object... args) {
    return TestNodes.query(node.node().readSide(), sql, args);
  }

  private static int count(List<Map<String, Object>> rows) {
    return ((Number) rows.get(0).get("n")).intValue();
  }

  private JsonNode hedge(HttpClient http, URI base, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("hedge"))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void hedgedPaperCyclesCompleteAgainstTheSimulatorAndLeaveThePositionFlat() throws Exception {
    Path dir = TestDatabases.tempDir("kimp-sim-hedge-");
    node = TestNodes.startSimulated(dir, TestNodes.profiles("kimp-simulate.conf"),
        "kimp.hedge.enabled = on",
        "kimp.hedge.watch-interval = 1s",
        // the watch closes a short the read model does not show twice in a row: at a 1 s interval a short just
        // placed, not yet projected, could look like one; here it only reports
        "kimp.hedge.close-orphans = off",
        "kimp.paper.transfer-time { default = 1s, coins { XRP = 1s, XLM = 1s, TRX = 1s, SOL = 1s, BTC = 1s, ETH = 1s } }",
        "kimp.retry.base-delay = 300ms",
        "kimp.transfer.deposit-timeout = 3s",
        "kimp.transfer.poll-interval = 200ms",
        "kimp.feeds.opportunity-cooldown = 2s");
    assertThat(node.node().components().venues().perpetual()).get().isInstanceOf(PaperPerpVenue.class);
    String token = TestNodes.adminToken(dir);
    URI base = URI.create(TestNodes.adminBase(node) + "/api/v1/");
    HttpClient http = HttpClient.newHttpClient();

    // the hedge watch's check, while a short is open: the journals' short is the venue's
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      JsonNode h = hedge(http, base, token);
      assertThat(h.path("error").isNull()).as(h.toString()).isTrue();
      assertThat(h.path("coins")).anySatisfy(c -> {
        assertThat(new BigDecimal(c.path("expectedShort").asText())).isPositive();
        assertThat(new BigDecimal(c.path("seenShort").asText()))
            .isEqualByComparingTo(new BigDecimal(c.path("expectedShort").asText()));
        assertThat(c.path("mismatch").asBoolean()).isFalse();
      });
    });
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(count(query("SELECT COUNT(*) AS n FROM arbitrage_cycles c WHERE status = 'COMPLETED' AND "
            + "(SELECT COUNT(*) FROM trades t WHERE t.cycle_id = c.id AND t.side LIKE 'HEDGE%' AND t.status = 'FILLED')"
            + " = 4"))).as("completed hedged cycles").isPositive());

    // no new cycle; those running finish
    node.node().operator().pause("test", "the test checks the hedge once the cycles are done").toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(query("SELECT id, status FROM arbitrage_cycles WHERE status NOT IN ('COMPLETED', 'FAILED')"))
            .as("open cycles").isEmpty());

    List<Map<String, Object>> completed = query("SELECT id, symbol FROM arbitrage_cycles WHERE status = 'COMPLETED'");
    PerpView perps = (PerpView) node.node().components().market();
    for (Map<String, Object> c : completed) {
      String coin = (String) c.get("symbol");
      // the perpetual's quotes are the simulator's futures book and mark price, through the futures feed
      PerpQuote q = perps.perp(coin).orElseThrow();
      assertThat(q.bid()).isPositive();
      assertThat(q.ask()).isGreaterThanOrEqualTo(q.bid());
      assertThat(q.markPrice()).isPositive();
      // each leg: one short, one reduce-only close of the same quantity, both filled at the perpetual's book (a
      // first attempt may have failed TRANSIENT "no-quote" while the futures feed had no quote of the coin yet)
      List<Map<String, Object>> hedges = query("SELECT trade_type, side, status, quantity, price FROM trades "
          + "WHERE cycle_id = ? AND side LIKE 'HEDGE%' AND status <> 'FAILED' ORDER BY created_at", c.get("id"));
      assertThat(hedges).extracting(r -> r.get("trade_type") + " " + r.get("side") + " " + r.get("status"))
          .containsExactly("INITIAL HEDGE_OPEN FILLED", "INITIAL HEDGE_CLOSE FILLED",
              "REBALANCE HEDGE_OPEN FILLED", "REBALANCE HEDGE_CLOSE FILLED");
      for (int leg = 0; leg < 2; leg++) {
        assertThat((BigDecimal) hedges.get(2 * leg + 1).get("quantity"))
            .isEqualByComparingTo((BigDecimal) hedges.get(2 * leg).get("quantity"));
      }
    }
    // the paper futures account holds no position
    List<Map<String, Object>> positions = query("SELECT coin, quantity FROM paper_positions");
    assertThat(positions).isNotEmpty()
        .allSatisfy(p -> assertThat((BigDecimal) p.get("quantity")).as(p.toString()).isZero());
    assertThat(query("SELECT id FROM arbitrage_cycles WHERE status = 'FAILED'")).isEmpty();

    // the hedge watch agrees: nothing expected, nothing held, no difference
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode h = hedge(http, base, token);
      assertThat(h.path("at").isTextual()).as(h.toString()).isTrue();
      assertThat(h.path("error").isNull()).isTrue();
      assertThat(h.path("coins")).isEmpty();
    });
  }
}
