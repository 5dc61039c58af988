package io.kimp.app.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.app.http.ApiJson;
import io.kimp.app.operator.OperatorActions.ComponentHealth;
import io.kimp.app.operator.OperatorService;
import io.kimp.app.operator.PremiumBoard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * What the dashboard pushes (Server-Sent Events), computed once per node and shared by every connected browser:
 * <ul>
 *   <li>{@code board}: the coins whose premium changed, each at most {@link #MIN_ROW_INTERVAL} apart (a few updates a
 *       second per coin, however fast its ticks come), plus a coin whose freshness flipped; each row carries the receive
 *       time of its newest tick ({@code at}, epoch ms: the page measures tick→paint with it) and of its oldest input
 *       ({@code inputsAt}: the row's age, which marks it stale);</li>
 *   <li>{@code status}: once a second, why trading is idle, the USDT/KRW rate and feed health, open cycles and
 *       dead-letters, and a version of the cycle tables (pages reload their lists when it changes).</li>
 * </ul>
 * A browser first gets a {@code snapshot} (every row and the last hour's premium history), then the shared streams.
 * A slow browser never slows the others, and never falls behind: what it cannot take yet is conflated per coin (the
 * newest row wins) and sent as one event when it can.
 */
public final class LiveFeed {
  /**
   * How often the rows that changed are sent: every scan is one write to every console, so this is the push's cost
   * against its delay (25 ms cost 5.1-7.2 % of a core for 50 consoles that keep up; the benchmark in the README).
   */
  static final Duration SCAN = Duration.ofMillis(40);
  static final long MIN_ROW_INTERVAL = 200;
  static final Duration STATUS = Duration.ofSeconds(1);
  private static final ByteString HEARTBEAT = Conflation.encode(ServerSentEvent.heartbeat());
  static final long HISTORY_STEP = 30_000;
  static final int HISTORY_POINTS = 120;

  private static final ObjectMapper JSON = ApiJson.MAPPER;

  private final OperatorService operator;
  private final PremiumBoard board;
  private final DataSource readSide;
  private final Executor jdbc;
  private final java.util.function.Supplier<ComponentHealth> feedsHealth;
  private final Map<String, ArrayDeque<double[]>> history = new ConcurrentHashMap<>();
  private final Source<Conflation.Update, NotUsed> shared;

  public LiveFeed(
      ActorSystem<?> system, OperatorService operator, DataSource readSide, Executor jdbc,
      java.util.function.Supplier<ComponentHealth> feedsHealth) {
    this.operator = operator;
    this.board = operator.board();
    this.readSide = readSide;
    this.jdbc = jdbc;
    this.feedsHealth = feedsHealth;
    Materializer mat = Materializer.matFromSystem(system);
    Tracker tracker = new Tracker();
    Source<Conflation.Update, NotUsed> rows =
        Source.tick(Duration.ZERO, SCAN, "scan")
            .map(t -> tracker.changes(System.currentTimeMillis()))
            .filter(r -> !r.isEmpty())
            .map(Conflation.Update::ofRows)
            .mapMaterializedValue(c -> NotUsed.getInstance())
            .runWith(BroadcastHub.of(Conflation.Update.class, 64), mat);
    Source<Conflation.Update, NotUsed> status =
        Source.tick(Duration.ZERO, STATUS, "status")
            .mapAsync(1, t -> status().exceptionally(e -> {
              ObjectNode n = JSON.createObjectNode();
              n.put("error", String.valueOf(e.getMessage()));
              return n;
            }))
            .map(n -> Conflation.Update.ofStatus(JSON.writeValueAsString(n)))
            .mapMaterializedValue(c -> NotUsed.getInstance())
            .runWith(BroadcastHub.of(Conflation.Update.class, 8), mat);
    this.shared = rows.merge(status);
  }

  /**
   * One browser's stream: its snapshot, then the shared updates conflated for it ({@link Conflation}: a browser that
   * cannot keep up gets each coin's latest row, never a backlog of old ones), with heartbeats through idle proxies.
   */
  public Source<ByteString, NotUsed> connect() {
    return Source.lazySingle(
            () -> Conflation.encode(ServerSentEvent.create(JSON.writeValueAsString(snapshot()), "snapshot")))
        .concat(shared.via(Conflation.encodedFlow()))
        .keepAlive(Duration.ofSeconds(15), () -> HEARTBEAT);
  }

  /** Every coin now, the last hour of each coin's premium, and what the page needs to judge staleness. */
  ObjectNode snapshot() {
    long now = System.currentTimeMillis();
    ObjectNode n = JSON.createObjectNode();
    n.put("now", now);
    n.put("staleAfterMs", board.staleAfterMillis());
    ArrayNode rows = n.putArray("rows");
    for (PremiumBoard.Row r : board.rows(now)) {
      rows.add(row(r, now));
    }
    ObjectNode h = n.putObject("history");
    history.forEach((coin, points) -> {
      ArrayNode a = h.putArray(coin);
      synchronized (points) {
        for (double[] p : points) {
          a.add(JSON.createArrayNode().add((long) p[0]).add(p[1]));
        }
      }
    });
    return n;
  }

  static ObjectNode row(PremiumBoard.Row r, long now) {
    ObjectNode o = JSON.createObjectNode();
    o.put("coin", r.coin());
    num(o, "upbit", r.upbitKrw());
    num(o, "binance", r.binanceUsdt());
    num(o, "rate", r.usdtKrw());
    num(o, "premium", r.premiumPercent());
    o.put("dir", r.direction().name());
    num(o, "edge", r.netEdgePercent());
    o.put("at", r.at());
    o.put("inputsAt", r.inputsAt());
    o.put("stale", r.stale());
    o.put("sent", now);
    return o;
  }

  private static void num(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }

  /** The once-a-second status: idle reason, rate, feeds, and counts that tell pages to reload their lists. */
  CompletionStage<ObjectNode> status() {
    long now = System.currentTimeMillis();
    CompletionStage<long[]> counts = CompletableFuture.supplyAsync(this::cycleCounts, jdbc);
    return operator.whyIdle().thenCombine(operator.deadLetters(true), (idle, dlq) -> {
      ObjectNode n = JSON.createObjectNode();
      n.put("now", now);
      n.set("idle", JSON.valueToTree(idle));
      n.put("openDeadLetters", dlq.size());
      List<PremiumBoard.Row> rows = board.rows(now);
      rows.stream().filter(r -> Double.isFinite(r.usdtKrw())).findFirst()
          .ifPresent(r -> n.put("usdtKrw", r.usdtKrw()));
      n.put("coins", rows.size());
      n.put("staleCoins", rows.stream().filter(PremiumBoard.Row::stale).count());
      ComponentHealth feeds = feedsHealth.get();
      if (feeds != null) {
        n.put("feeds", feeds.health().name());
        n.put("feedsDetail", feeds.detail());
      }
      return n;
    }).thenCombine(counts, (n, c) -> {
      n.put("openCycles", c[0]);
      n.put("cyclesVersion", c[1] + ":" + c[2]);
      return n;
    });
  }

  /** Open cycles, all cycles, and the newest update (epoch ms) of the cycle read table. */
  private long[] cycleCounts() {
    try (Connection c = readSide.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT COUNT(*), SUM(CASE WHEN status IN ('COMPLETED','FAILED') THEN 0 ELSE 1 END), MAX(updated_at) "
                + "FROM arbitrage_cycles");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      java.time.OffsetDateTime last = rs.getObject(3, java.time.OffsetDateTime.class);
      return new long[] {rs.getLong(2), rs.getLong(1), last == null ? 0 : last.toInstant().toEpochMilli()};
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("read tables: " + e.getMessage(), e);
    }
  }

  /** Which coins to send now: only the scanning stage touches it (one element at a time). */
  private final class Tracker {
    private final Map<String, long[]> sent = new HashMap<>(); // coin -> {at sent, sent at, stale 0/1}
    private long lastSample;

    Map<String, Conflation.Row> changes(long now) throws com.fasterxml.jackson.core.JsonProcessingException {
      Map<String, Conflation.Row> out = new java.util.LinkedHashMap<>();
      boolean sample = now - lastSample >= HISTORY_STEP;
      if (sample) {
        lastSample = now;
      }
      for (String coin : board.coins()) {
        long at = board.updatedAt(coin);
        long[] s = sent.get(coin);
        boolean due = s == null || (at > s[0] && now - s[1] >= MIN_ROW_INTERVAL);
        if (!due && !sample && (s[2] == 1) == (now - at > board.staleAfterMillis())) {
          continue; // unchanged, or changed too recently and not newly stale or fresh
        }
        PremiumBoard.Row r = board.row(coin, now).orElse(null);
        if (r == null) {
          continue;
        }
        // a coin's first point as soon as it has a premium (the first sample may come before any price), then one
        // every HISTORY_STEP: a page opened on a young node has history to draw from
        if ((sample || !history.containsKey(coin)) && Double.isFinite(r.premiumPercent())) {
          remember(coin, now, r.premiumPercent());
        }
        boolean flipped = s != null && (s[2] == 1) != r.stale();
        if (due || flipped) {
          out.put(coin, new Conflation.Row(r.at(), JSON.writeValueAsString(row(r, now))));
          sent.put(coin, new long[] {r.at(), now, r.stale() ? 1 : 0});
        }
      }
      return out;
    }

    private void remember(String coin, long now, double premium) {
      ArrayDeque<double[]> points = history.computeIfAbsent(coin, k -> new ArrayDeque<>());
      synchronized (points) {
        points.addLast(new double[] {now, premium});
        while (points.size() > HISTORY_POINTS) {
          points.removeFirst();
        }
      }
    }
  }

  /** For the system page: the feed connections' health as rows. */
  static List<Map<String, Object>> connections(List<io.kimp.feeds.source.ConnectionHealth> all) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (io.kimp.feeds.source.ConnectionHealth c : all) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("name", c.name());
      m.put("connected", c.connected());
      m.put("framesPerSecond", c.framesPerSecond());
      m.put("lastFrameAgeMs", c.lastMessageAge() == null ? null : c.lastMessageAge().toMillis());
      m.put("reconnects", c.reconnects());
      m.put("connectedSince", c.connectedSince());
      out.add(m);
    }
    return out;
  }
}
