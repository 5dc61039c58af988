package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.config.KimpConfig;
import io.kimp.app.node.TradingNode;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.simulator.SimVenue;
import io.kimp.fixtures.telegram.FakeTelegramBotApi;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node and market-data alerts end to end: a simulated node with Telegram pointed at the fake Bot API announces its start,
 * and when the simulated Upbit stops sending, the feed watchdog's FEED_DOWN alert reaches the chat through the notifier's
 * persistent outbox.
 */
class NodeAlertsTest {
  private static final String TOKEN = "123456:it-telegram-token";
  private static final String CHAT = "-1001234567";
  private final ActorTestKit telegramSystem = ActorTestKit.create();
  private FakeTelegramBotApi telegram;
  private TradingNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    if (telegram != null) {
      telegram.close();
    }
    telegramSystem.shutdownTestKit();
  }

  @Test
  void nodeStartAndAFeedOutageReachTheOperatorsChat() {
    telegram = FakeTelegramBotApi.start(telegramSystem.system(), TOKEN, CHAT);
    Path dir = TestDatabases.tempDir("kimp-alerts-");
    Config overrides =
        ConfigFactory.parseString(String.join("\n",
            TestNodes.ownNode(dir),
            "kimp.telegram.api-url = \"" + telegram.apiUrl() + "\"",
            "kimp.telegram.bot-token = \"" + TOKEN + "\"",
            "kimp.telegram.chat-id = \"" + CHAT + "\"",
            "kimp.telegram.min-interval-per-chat = 100ms",
            "kimp.feeds.idle-timeout = 2s",
            "kimp.alerts.feeds.check-interval = 500ms",
            "kimp.alerts.feeds.down-after = 3s",
            "kimp.alerts.feeds.stale-after = 3s"));
    Config config = KimpConfig.load(overrides, KimpConfig.profile("kimp-simulate.conf"));
    node = TradingNode.start(config, true);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(telegram.messagesTo(CHAT)).anySatisfy(m -> assertThat(m.text()).contains("kimp node started")));

    node.simulator().stall(SimVenue.UPBIT, Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
        assertThat(telegram.messagesTo(CHAT)).anySatisfy(m ->
            assertThat(m.text()).contains("Market data connection upbit down")));
    node.simulator().resume(SimVenue.UPBIT);
  }
}
