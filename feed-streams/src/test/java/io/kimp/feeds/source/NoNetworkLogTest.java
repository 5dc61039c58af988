package io.kimp.feeds.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.MarketFeeds;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * With the venues unreachable (a closed loopback port), a person reads one line per venue and attempt: what failed,
 * when the next attempt is, that {@code ./kimp run --simulate} works offline. No stack trace above debug level.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoNetworkLogTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Logger root;
  private Level rootLevel;

  @BeforeAll
  void capture() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    logs.start();
    root.addAppender(logs);
    // every logger at INFO at least, Pekko's too, so a stack trace logged at WARN by anyone is seen
    ((Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.INFO);
  }

  @AfterAll
  void release() {
    root.detachAppender(logs);
    ((Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.WARN);
    root.setLevel(rootLevel);
    kit.shutdownTestKit();
  }

  private List<ILoggingEvent> events() {
    synchronized (logs) {
      return List.copyOf(logs.list);
    }
  }

  @Test
  void aClosedPortGivesOneLinePerVenueAndAttemptWithoutAStackTrace() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String url = "ws://127.0.0.1:" + closed;
    Config c = ConfigFactory.parseString(
            "kimp.feeds.upbit.websocket-url = \"" + url + "/websocket/v1\"\n"
                + "kimp.feeds.binance.websocket-url = \"" + url + "\"\n"
                + "kimp.feeds.reconnect.min-backoff = 100ms\n"
                + "kimp.feeds.reconnect.max-backoff = 400ms\n"
                + "kimp.feeds.symbols = [XRP]\n")
        .withFallback(ConfigFactory.load());
    FeedSettings s = FeedSettings.from(c);
    MarketFeeds feeds = MarketFeeds.start(kit.system(), s, s.detector(c), o -> {}, MarketFeeds.Options.none());
    try {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        for (String venue : List.of("upbit", "binance")) {
          List<String> lines = events().stream()
              .filter(e -> e.getLevel() == Level.WARN && e.getLoggerName().equals(ReconnectLog.class.getName()))
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.startsWith(venue + " market data: "))
              .toList();
          assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
          assertThat(lines).allSatisfy(m -> assertThat(m)
              .contains("cannot connect to " + url, "next attempt in about", "./kimp run --simulate works offline")
              .doesNotContain("\n"));
          assertThat(lines.get(0)).contains("attempt 1 failed, next attempt in about 0.1 s");
          assertThat(lines.get(2)).contains("attempt 3 failed, next attempt in about 0.4 s");
        }
      });
    } finally {
      feeds.stop().toCompletableFuture().get();
    }
    assertThat(events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull());
  }
}
