package io.kimp.it.admin;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.core.cycle.ArbitrageCycle;
import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.core.settings.RuntimeSettings;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.it.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two nodes in one JVM on one PostgreSQL schema, each with its own admin API: what an operator does through one node
 * holds on the other. The kill switch pauses the whole cluster (an opportunity sent to an entity the other node hosts is
 * refused; a cycle already running finishes), and a settings change reaches the other node's holder and decides its
 * next rebalance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeOperationsTest {
  /** The coins kimp has transfer rules for: every one can run a cycle against the scripted venues. */
  private static final List<String> COINS =
      List.of("BTC", "ETH", "XRP", "SOL", "ADA", "DOGE", "TRX", "LINK", "DOT", "AVAX", "BCH", "ETC", "XLM", "ATOM",
          "NEAR", "SAND", "HBAR", "AAVE", "SUI", "APT");

  private final ScriptedExchange exchange = TestNodes.exchange();
  private final FixedMarketView market = TestNodes.profitableMarket();
  private String db;
  private AdminNodes first;
  private AdminNodes second;
  /** Where each coin's cycle entity runs: the first or the second node. */
  private final Map<String, AdminNodes> host = new LinkedHashMap<>();

  @BeforeAll
  void startTwoNodes() {
    db = TestNodes.database("postgresql");
    for (String coin : COINS) {
      exchange.price(Venue.BINANCE, coin, "2.0").price(Venue.UPBIT, coin, "2900");
    }
    first = AdminNodes.start(db, "", exchange.venues(), market, new RecordingAlertSink());
    String seed = Cluster.get(first.node().system()).selfMember().address().toString();
    Path dataDir = TestDatabases.tempDir("kimp-admin-");
    second =
        AdminNodes.start(
            TestNodes.config(db, AdminNodes.adminConfig(dataDir,
                "pekko.cluster.seed-nodes = [\"" + seed + "\"]\nkimp.node.join-self-when-alone = off")),
            dataDir, exchange.venues(), market, new RecordingAlertSink());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode members = first.http().get("/api/v1/cluster").json().get("members");
      assertThat(members).hasSize(2).allSatisfy(m -> assertThat(m.get("status").asText()).isEqualTo("Up"));
    });
    // wake every coin's entity (a query, no trading) and learn where sharding put it
    for (String coin : COINS) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ask(second.node().cycles(), coin, new CycleInput.Get()).accepted());
    }
    Set<String> onSecond = hostedOn(second);
    for (String coin : COINS) {
      host.put(coin, onSecond.contains(coin) ? second : first);
    }
    assertThat(host.values()).as("sharding spread the coins over both nodes").contains(first, second);
  }

  @AfterAll
  void stop() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
    TestNodes.dropDatabase(db);
  }

  private static CycleReply ask(CycleDirectory cycles, String symbol, CycleInput.Operator input) throws Exception {
    return cycles.ask(symbol, input).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static Set<String> hostedOn(AdminNodes n) {
    ShardRegion.CurrentShardRegionState state =
        AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(n.node().system()).shardState(),
                r -> new GetShardRegionState(ArbitrageCycle.ENTITY_KEY, r), Duration.ofSeconds(10),
                n.node().system().scheduler())
            .toCompletableFuture().join();
    Set<String> ids = new HashSet<>();
    state.getShards().forEach(s -> ids.addAll(s.getEntityIds()));
    return ids;
  }

  private List<String> coinsOn(AdminNodes node) {
    return host.entrySet().stream().filter(e -> e.getValue() == node).map(Map.Entry::getKey).toList();
  }

  @Test
  void pausingThroughOneNodeStopsNewCyclesOnEveryNodeWhileRunningOnesFinish() throws Exception {
    String running = coinsOn(first).get(0);
    exchange.transferTime(Duration.ofSeconds(2)); // the running cycle is still moving coins when the pause comes
    CycleReply started = ask(first.node().cycles(), running, new CycleInput.Start(TestNodes.opportunity(running)));
    assertThat(started.accepted()).as(started.message()).isTrue();
    try {
      AdminHttp.Reply paused =
          first.http().as("alice").post("/api/v1/trading/pause", "{\"reason\":\"kill switch drill\"}");
      assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
      assertThat(second.http().get("/api/v1/trading").json().get("paused").asBoolean()).isTrue();

      // opportunities for entities on the other node, sent through either node, are refused
      List<String> refused = new ArrayList<>();
      for (String coin : coinsOn(second)) {
        for (AdminNodes via : List.of(first, second)) {
          CycleReply r = ask(via.node().cycles(), coin, new CycleInput.Start(TestNodes.opportunity(coin)));
          assertThat(r.accepted()).as(coin + " via " + via).isFalse();
          assertThat(r.message()).contains("trading paused: kill switch drill");
          refused.add(coin);
        }
      }
      assertThat(refused).isNotEmpty();
      assertThat(hostedOn(second)).containsAll(coinsOn(second)); // they really ran there

      // the cycle that was running when trading was paused finishes
      await().atMost(Duration.ofSeconds(30))
          .until(() -> "COMPLETED".equals(status(first.node().readSide(), started.cycleId())));
    } finally {
      exchange.transferTime(Duration.ZERO);
      assertThat(second.http().as("bob").post("/api/v1/trading/resume", null).status()).isEqualTo(200);
    }
    // resumed through the other node: a new cycle on the second node's entity runs to the end
    String coin = coinsOn(second).get(0);
    CycleReply again = ask(first.node().cycles(), coin, new CycleInput.Start(TestNodes.opportunity(coin)));
    assertThat(again.accepted()).as(again.message()).isTrue();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "COMPLETED".equals(status(second.node().readSide(), again.cycleId())));
  }

  @Test
  void settingsChangedThroughOneNodeReachTheOtherAndDecideItsNextRebalance() throws Exception {
    AdminHttp.Reply put = first.http().put("/api/v1/settings", "{\"finalizerMinProfitPercent\": 50}");
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode s = second.http().get("/api/v1/settings").json();
      assertThat(s.at("/settings/finalizerMinProfitPercent").decimalValue()).isEqualByComparingTo("50");
      assertThat(s.at("/thisNode/finalizerMinProfitPercent").decimalValue()).isEqualByComparingTo("50");
      assertThat(s.at("/thisNode/node").asText())
          .isEqualTo(Cluster.get(second.node().system()).selfMember().address().toString());
    });
    assertThat(RuntimeSettings.get(second.node().system()).finalizerMinProfitPercent()).isEqualByComparingTo("50");

    // a cycle on the second node: its rebalance would earn far less than 50 %, so it waits
    String coin = coinsOn(second).get(coinsOn(second).size() - 1);
    CycleReply started = ask(first.node().cycles(), coin, new CycleInput.Start(TestNodes.opportunity(coin)));
    assertThat(started.accepted()).as(started.message()).isTrue();
    UUID cycle = started.cycleId();
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "AWAITING_REBALANCE".equals(status(second.node().readSide(), cycle)));
    JsonNode events = second.http().get("/api/v1/cycles/" + cycle).json().get("events");
    List<String> deferrals = new ArrayList<>();
    events.forEach(e -> {
      if (e.get("type").asText().equals("RebalanceDeferred")) {
        deferrals.add(e.get("reason").asText());
      }
    });
    assertThat(deferrals).singleElement().asString().contains("below the 50");

    // lowered again through the other node: the waiting cycle's next check takes the rebalance
    assertThat(second.http().put("/api/v1/settings", "{\"finalizerMinProfitPercent\": 0.1}").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "COMPLETED".equals(status(first.node().readSide(), cycle)));
    assertThat(RuntimeSettings.get(first.node().system()).finalizerMinProfitPercent()).isEqualByComparingTo("0.1");
  }
}
