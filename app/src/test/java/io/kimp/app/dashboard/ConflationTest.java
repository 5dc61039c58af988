package io.kimp.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.app.http.ApiJson;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A slow dashboard, as {@link LiveFeed#connect} serves it (the shared hub, then this browser's conflation): while it
 * takes nothing, thousands of updates pass; when it asks again it gets each coin's latest row at once, never the backlog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConflationTest {
  private final ActorTestKit kit = ActorTestKit.create("ConflationTest");
  private static final List<String> COINS = List.of("BTC", "ETH", "XRP", "SOL", "DOGE");

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static Conflation.Update rows(int i) {
    Map<String, Conflation.Row> m = new HashMap<>();
    String coin = COINS.get(i % COINS.size());
    m.put(coin, new Conflation.Row(i, "{\"coin\":\"" + coin + "\",\"at\":" + i + "}"));
    return Conflation.Update.ofRows(m);
  }

  private static Map<String, Long> board(ServerSentEvent e) throws Exception {
    assertThat(e.getEventType()).hasValue("board");
    Map<String, Long> out = new HashMap<>();
    for (JsonNode r : ApiJson.MAPPER.readTree(e.getData())) {
      assertThat(out.put(r.get("coin").asText(), r.get("at").asLong())).as("one row per coin").isNull();
    }
    return out;
  }

  @Test
  void aSlowClientSkipsToTheLatestRowOfEachCoinWhileAFastOneSeesEveryUpdate() throws Exception {
    Pair<TestPublisher.Probe<Conflation.Update>, Source<Conflation.Update, NotUsed>> hub =
        TestSource.<Conflation.Update>create(kit.system())
            .toMat(BroadcastHub.of(Conflation.Update.class, 64), Keep.both()).run(kit.system());
    AtomicReference<Conflation.Update> reachedSlow = new AtomicReference<>();
    TestSubscriber.Probe<ServerSentEvent> slow = hub.second()
        .map(u -> {
          reachedSlow.set(u);
          return u;
        })
        .via(Conflation.flow()).runWith(TestSink.create(kit.system()), kit.system());
    TestSubscriber.Probe<ServerSentEvent> fast =
        hub.second().via(Conflation.flow()).runWith(TestSink.create(kit.system()), kit.system());
    slow.ensureSubscription();
    fast.ensureSubscription();

    int n = 5000;
    fast.request(Long.MAX_VALUE);
    Conflation.Update lastStatus = null;
    for (int i = 0; i < n; i++) {
      hub.first().sendNext(rows(i));
      if (i % 1000 == 999) {
        lastStatus = Conflation.Update.ofStatus("{\"status\":" + i + "}");
        hub.first().sendNext(lastStatus);
      }
    }
    Conflation.Update last = lastStatus;
    // the fast browser is never held back by the slow one: it receives up to the last update
    long lastSeen = -1;
    while (lastSeen < n - 1) {
      ServerSentEvent e = fast.expectNext();
      if ("board".equals(e.getEventType().orElse(""))) {
        lastSeen = board(e).values().stream().mapToLong(Long::longValue).max().orElseThrow();
      }
    }

    // the slow browser has taken nothing; once every update has reached its stream, it asks for more
    await().until(() -> reachedSlow.get() == last);
    slow.request(1);
    Map<String, Long> latest = board(slow.expectNext());
    for (int c = 0; c < COINS.size(); c++) {
      assertThat(latest).containsEntry(COINS.get(c), (long) (n - COINS.size() + c));
    }
    slow.request(1);
    ServerSentEvent status = slow.expectNext();
    assertThat(status.getEventType()).hasValue("status");
    assertThat(status.getData()).isEqualTo("{\"status\":" + (n - 1) + "}");
    slow.request(100);
    slow.expectNoMessage(Duration.ofMillis(300)); // no backlog behind the latest values

    // and it is live again: the next tick reaches it on its own
    hub.first().sendNext(rows(n));
    assertThat(board(slow.expectNext())).containsExactly(Map.entry(COINS.get(n % COINS.size()), (long) n));
    hub.first().sendComplete();
  }

  @Test
  void anOlderRowNeverReplacesANewerOne() throws Exception {
    Conflation.Pending p = new Conflation.Pending(Conflation.Update.ofRows(
        Map.of("BTC", new Conflation.Row(10, "{\"coin\":\"BTC\",\"at\":10}"))));
    p.add(Conflation.Update.ofRows(Map.of("BTC", new Conflation.Row(9, "{\"coin\":\"BTC\",\"at\":9}"))));
    p.add(Conflation.Update.ofStatus("{}"));
    List<ServerSentEvent> events = p.events();
    assertThat(events).hasSize(2);
    assertThat(board(events.get(0))).containsExactly(Map.entry("BTC", 10L));
  }

  /** Browsers that keep up are sent the update's own events, rendered once for all of them, not once per browser. */
  @Test
  void anUpdateIsRenderedOnceForEveryBrowserThatKeepsUpAndMergedOnlyForOneThatFellBehind() throws Exception {
    Conflation.Update u = rows(1);
    List<ServerSentEvent> a = new Conflation.Pending(u).events();
    List<ServerSentEvent> b = new Conflation.Pending(u).events();
    assertThat(a.get(0)).isSameAs(b.get(0));
    assertThat(board(a.get(0))).containsExactly(Map.entry(COINS.get(1 % COINS.size()), 1L));

    List<ServerSentEvent> behind = new Conflation.Pending(u).add(rows(2)).events();
    assertThat(behind.get(0)).isNotSameAs(a.get(0));
    assertThat(board(behind.get(0))).containsOnlyKeys(COINS.get(1 % COINS.size()), COINS.get(2 % COINS.size()));
  }
}
