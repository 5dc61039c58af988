package io.kimp.it.cluster;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.app.telegram.TelegramNotifier;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.fixtures.scripted.FixedMarketView;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import io.kimp.fixtures.telegram.FakeTelegramBotApi;
import io.kimp.it.TestNodes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three kimp nodes in one JVM on one PostgreSQL journal, trading through venues they share: where the cycle entities and
 * the once-per-cluster actors run, and what happens to them when a node leaves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterPlacementTest {
  private static final String TOKEN = "123456:cluster-test-token";
  private static final String CHAT = "-100777";
  private static final List<String> SINGLETONS = List.of("portfolio", "dead-letters", TelegramNotifier.SINGLETON_NAME);

  private final ActorTestKit telegramHost = ActorTestKit.create("fake-telegram");
  private String db;
  private ClusterNodes cluster;
  private FakeTelegramBotApi telegram;

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
    if (telegram != null) {
      telegram.close();
    }
    TestNodes.dropDatabase(db);
  }

  @AfterAll
  void stopHost() {
    telegramHost.shutdownTestKit();
  }

  private Config config() {
    db = TestNodes.database("postgresql");
    telegram = FakeTelegramBotApi.start(telegramHost.system(), TOKEN, CHAT);
    return TestNodes.config(db, String.join("\n",
        "kimp.telegram.api-url = \"" + telegram.apiUrl() + "\"",
        "kimp.telegram.bot-token = \"" + TOKEN + "\"",
        "kimp.telegram.chat-id = \"" + CHAT + "\"",
        "kimp.telegram.poll-timeout = 1s",
        "kimp.alerts.daily-summary.enabled = off",
        "kimp.risk.max-concurrent-cycles = 20",
        "kimp.risk.max-exposure-krw = 100000000",
        "kimp.portfolio.capital-krw = 100000000"));
  }

  /** Every node trades through the same venues; alerts go to the cluster's notifier (Telegram, the fake). */
  private static ClusterNodes startCluster(Config config, ScriptedExchange exchange) {
    FixedMarketView market = TestNodes.profitableMarket();
    return ClusterNodes.start(3, config, i -> new NodeComponents(exchange.venues(), market, null, Clock.systemUTC()));
  }

  private static ScriptedExchange exchange(List<String> symbols) {
    ScriptedExchange exchange = TestNodes.exchange();
    for (String s : symbols) {
      exchange.price(Venue.BINANCE, s, "2.0").price(Venue.UPBIT, s, "2900");
    }
    return exchange;
  }

  private static UUID startCycle(KimpNode via, String symbol) throws Exception {
    CycleReply reply = via.cycles().ask(symbol, new CycleInput.Start(TestNodes.opportunity(symbol)))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(reply.accepted()).as(symbol + ": " + reply.message()).isTrue();
    return reply.cycleId();
  }

  private static List<String> symbols(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  /** The nodes (by index) on which {@code singleton} runs. */
  private List<Integer> nodesRunning(String singleton) {
    List<Integer> on = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      KimpNode n = cluster.get(i);
      if (!n.system().whenTerminated().isCompleted() && ClusterNodes.runsSingleton(n, singleton)) {
        on.add(i);
      }
    }
    return on;
  }

  @Test
  void cycleEntitiesSpreadOverTheNodesAndTheOncePerClusterActorsRunOnce() throws Exception {
    List<String> symbols = symbols("SPREAD", 9);
    ScriptedExchange exchange = exchange(symbols);
    // the first order anywhere is refused for good: that cycle dead-letters and alerts
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT);
    cluster = startCluster(config(), exchange);

    UUID doomed = startCycle(cluster.get(1), "DOOMED");
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD_LETTER".equals(status(cluster.get(0).readSide(), doomed)));
    Map<String, UUID> cycles = new HashMap<>();
    for (int i = 0; i < symbols.size(); i++) {
      cycles.put(symbols.get(i), startCycle(cluster.get(i % 3), symbols.get(i))); // asked through every node
    }
    await().atMost(Duration.ofSeconds(90)).until(() ->
        cycles.values().stream().allMatch(id -> "COMPLETED".equals(status(cluster.get(2).readSide(), id))));

    // each symbol's entity lives on exactly one node, and every node hosts some
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      Set<String> here = ClusterNodes.cycleEntitiesOn(cluster.get(i));
      here.remove("DOOMED");
      assertThat(here).as("cycle entities on node %d", i).isNotEmpty();
      for (String s : here) {
        assertThat(seen.add(s)).as("%s runs on two nodes", s).isTrue();
      }
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(symbols);
    // exactly one order per intent although the starts came through three nodes
    assertThat(exchange.executedPerIntent()).hasSize(6 * symbols.size());
    assertThat(exchange.executedPerIntent().values()).containsOnly(1L);

    // portfolio, dead-letter queue and notifier: one instance each, all on the oldest node
    for (String s : SINGLETONS) {
      assertThat(nodesRunning(s)).as(s).containsExactly(0);
    }
    // one Telegram message for the dead-lettered cycle, and one getUpdates poller (two would conflict: 409)
    await().atMost(Duration.ofSeconds(20)).until(() ->
        telegram.messagesTo(CHAT).stream().anyMatch(m -> m.text().contains("DOOMED")));
    assertThat(telegram.messagesTo(CHAT).stream().filter(m -> m.text().contains("DOOMED"))).hasSize(1);
    assertThat(telegram.conflicts()).isZero();
  }

  @Test
  void cyclesOfANodeThatLeavesResumeElsewhereAndTheSingletonsMove() throws Exception {
    List<String> symbols = symbols("LEAVE", 6);
    ScriptedExchange exchange = exchange(symbols);
    // transfers take long enough for the node to leave while every cycle is in flight
    exchange.transferTime(Duration.ofSeconds(3));
    cluster = startCluster(config(), exchange);
    KimpNode leaving = cluster.get(0); // the oldest: it also runs the singletons

    Map<String, UUID> cycles = new HashMap<>();
    for (int i = 0; i < symbols.size(); i++) {
      cycles.put(symbols.get(i), startCycle(cluster.get(i % 3), symbols.get(i)));
    }
    // every cycle has bought at Binance and is waiting for its transfer
    await().atMost(Duration.ofSeconds(30)).until(() -> exchange.withdrawals().size() >= symbols.size());
    Set<String> onLeaving = ClusterNodes.cycleEntitiesOn(leaving);
    assertThat(onLeaving).as("cycles in flight on the leaving node").isNotEmpty();
    assertThat(cycles.values()).noneMatch(id -> "COMPLETED".equals(status(leaving.readSide(), id)));

    leaving.close(); // graceful: coordinated shutdown hands its shards off and leaves
    KimpNode survivor = cluster.get(1);
    cluster.awaitMembersUp(2);

    await().atMost(Duration.ofSeconds(90)).until(() ->
        cycles.values().stream().allMatch(id -> "COMPLETED".equals(status(survivor.readSide(), id))));
    assertThat(exchange.executedPerIntent()).hasSize(6 * symbols.size());
    assertThat(exchange.executedPerIntent().values()).containsOnly(1L);
    assertThat(exchange.rejectedDuplicates()).isEmpty();
    Set<String> resumed = new HashSet<>(ClusterNodes.cycleEntitiesOn(cluster.get(1)));
    resumed.addAll(ClusterNodes.cycleEntitiesOn(cluster.get(2)));
    assertThat(resumed).containsAll(onLeaving);

    // the singletons moved to the oldest survivor (nodes 1 and 2 came Up together: either), once each, with their state
    await().atMost(Duration.ofSeconds(30)).until(() ->
        SINGLETONS.stream().map(this::nodesRunning).distinct().toList().size() == 1
            && nodesRunning(SINGLETONS.get(0)).size() == 1);
    assertThat(nodesRunning(SINGLETONS.get(0))).singleElement().isNotEqualTo(0);
    Portfolio.Snapshot portfolio =
        AskPattern.<Portfolio.Command, Portfolio.Snapshot>ask(survivor.portfolio(), Portfolio.GetSnapshot::new,
                Duration.ofSeconds(10), survivor.system().scheduler())
            .toCompletableFuture().get(15, TimeUnit.SECONDS);
    assertThat(portfolio.reservations()).isEmpty(); // every cycle's capital came back, across the move
    assertThat(portfolio.realizedPnlKrw().signum()).isNotZero();
  }
}
