package io.kimp.feeds.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.kimp.core.market.Direction;
import io.kimp.core.strategy.Opportunity;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.MarketFeeds;
import io.kimp.feeds.SimulatedVenues;
import io.kimp.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Record the simulator's frames for a while, then replay them: as ticks, through the pipeline, through the simulator. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordReplayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ActorTestKit kit = ActorTestKit.create();
  private Path dir;
  private Path recording;
  private Config config;
  private long goodLines;

  @BeforeAll
  void record() throws Exception {
    dir = Files.createTempDirectory("kimp-recording");
    recording = dir.resolve("session.jsonl");
    try (SimulatedVenues venues = SimulatedVenues.start(kit.system(), 3.0, List.of("XRP", "ETH"), 400)) {
      config = venues.config("kimp.feeds.upbit.format = DEFAULT");
      Map<FeedVenue, Long> counts =
          MarketFeeds.record(kit.system(), FeedSettings.from(config), recording, Duration.ofSeconds(2))
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertThat(counts.get(FeedVenue.UPBIT)).isGreaterThan(50);
      assertThat(counts.get(FeedVenue.BINANCE)).isGreaterThan(50);
      goodLines = counts.values().stream().mapToLong(Long::longValue).sum();
    }
    assertThat(Files.readAllLines(recording)).hasSize((int) goodLines);
    // a damaged tail: three lines that are not recorded frames
    Files.writeString(
        recording,
        "this is not json\n{\"t\":1,\"venue\":\"kraken\",\"frame\":\"{}\"}\n{\"venue\":\"upbit\",\"frame\":\"{}\"}\n",
        StandardOpenOption.APPEND);
  }

  @AfterAll
  void shutdown() throws Exception {
    kit.shutdownTestKit();
    Files.deleteIfExists(recording);
    Files.deleteIfExists(dir);
  }

  @Test
  void everyLineIsOneReceivedFrame() throws Exception {
    List<String> lines = Files.readAllLines(recording);
    JsonNode first = JSON.readTree(lines.get(0));
    assertThat(first.get("t").asLong()).isPositive();
    assertThat(first.get("venue").asText()).isIn("upbit", "binance");
    assertThat(first.get("frame").asText()).startsWith("{");
    assertThat(lines.stream().limit(goodLines).map(l -> l.contains("\"venue\":\"upbit\"")).distinct()).hasSize(2);
  }

  @Test
  void ticksArePrintedAsNormalizedJsonLinesAndBadLinesReported() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    TickPrinter.Summary summary =
        TickPrinter.print(recording, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(summary.badLines()).isEqualTo(3);
    assertThat(summary.frames()).isEqualTo(goodLines);
    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(errors).contains("line " + (goodLines + 1) + ": ", "line " + (goodLines + 2) + ": unknown venue kraken",
        "line " + (goodLines + 3) + ": missing or bad \"t\"");

    List<JsonNode> ticks = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      ticks.add(JSON.readTree(line));
    }
    assertThat(ticks).hasSize((int) summary.printed());
    assertThat(ticks).allSatisfy(t -> {
      assertThat(t.get("venue").asText()).isIn("upbit", "binance");
      assertThat(t.get("symbol").asText()).isIn("XRP", "ETH", "USDT");
      assertThat(t.get("kind").asText()).isIn("book", "trade", "ticker");
      assertThat(t.get("ts").asLong()).isPositive();
      assertThat(t.get("quote").asText()).isEqualTo(t.get("venue").asText().equals("upbit") ? "KRW" : "USDT");
      if (t.get("kind").asText().equals("book")) {
        assertThat(t.has("bid") && t.has("ask") && t.has("bidSize") && t.has("askSize")).isTrue();
        assertThat(t.has("price")).isFalse();
        assertThat(t.get("bid").asDouble()).isLessThan(t.get("ask").asDouble());
      } else {
        assertThat(t.get("price").asDouble()).isPositive();
        assertThat(t.has("bid")).isFalse();
      }
    });
    assertThat(ticks).anySatisfy(t -> assertThat(t.get("kind").asText()).isEqualTo("trade"));
    assertThat(ticks).anySatisfy(t -> assertThat(t.get("symbol").asText()).isEqualTo("USDT"));
  }

  @Test
  void aReplayDrivesThePipelineToTheSameOpportunities() throws Exception {
    List<Opportunity> offered = new CopyOnWriteArrayList<>();
    List<Long> badLines = new CopyOnWriteArrayList<>();
    FeedSettings s = FeedSettings.from(config);
    MarketFeeds replay =
        MarketFeeds.replay(kit.system(), s, s.detector(config), recording, 0, (line, why, text) -> badLines.add(line),
            offered::add, MarketFeeds.Options.none());
    replay.done().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(badLines).containsExactly(goodLines + 1, goodLines + 2, goodLines + 3);
    assertThat(offered).isNotEmpty().allSatisfy(o -> assertThat(o.direction()).isEqualTo(Direction.KIMCHI));
    assertThat(replay.market().premium("XRP").orElseThrow().kimchiPercent()).isBetween(2.0, 4.0);
    assertThat(replay.market().freshQuotes()).containsKeys("XRP", "ETH"); // fresh at the recording's own time
  }

  @Test
  void theSimulatorPlaysARecordingToLiveFeeds() throws Exception {
    SimulatorConfig playback = SimulatorConfig.defaults().withCoins(List.of("XRP", "ETH")).withRecording(recording, 1.0);
    try (SimulatedVenues venues = SimulatedVenues.start(kit.system(), playback)) {
      MarketFeeds feeds = venues.startFeeds(kit.system(), "");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(feeds.market().premium("XRP")).isPresent();
        assertThat(venues.offered()).isNotEmpty();
      });
      feeds.stop().toCompletableFuture().get();
    }
  }
}
