package io.kimp.app.telegram;

import static io.kimp.app.telegram.NotifierTestSystems.CHAT;
import static io.kimp.app.telegram.NotifierTestSystems.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.kimp.app.telegram.BotApiClient.PollOutcome;
import io.kimp.app.telegram.BotApiClient.SendOutcome;
import io.kimp.fixtures.telegram.FakeTelegramBotApi;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Each Bot API answer is classified into what the notifier must do, against the fake Bot API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BotApiClientTest {

  private final ActorTestKit kit = ActorTestKit.create("bot-api-client");
  private FakeTelegramBotApi api;

  @BeforeAll
  void start() {
    api = FakeTelegramBotApi.start(kit.system(), TOKEN, CHAT);
  }

  @AfterAll
  void stop() {
    api.close();
    kit.shutdownTestKit();
  }

  private BotApiClient client(String token) {
    return client(api.apiUrl(), token);
  }

  private BotApiClient client(String apiUrl, String token) {
    return new BotApiClient(
        kit.system(),
        TelegramSettings.fromConfig(
            ConfigFactory.parseString(
                    "kimp.telegram { api-url = \"" + apiUrl + "\", bot-token = \"" + token + "\", chat-id = \""
                        + CHAT + "\", backoff.min = 100ms, request-timeout = 3s }")
                .withFallback(ConfigFactory.load())
                .resolve()));
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void acceptedMessageReturnsItsId() {
    SendOutcome o = join(client(TOKEN).sendMessage(CHAT, MarkdownV2.bold("hi") + MarkdownV2.escape(" 1.5%"), true));
    assertThat(o).isInstanceOf(SendOutcome.Sent.class);
    assertThat(((SendOutcome.Sent) o).messageId()).isPositive();
  }

  @Test
  void unescapedMarkupCannotBeParsedButGoesAsPlainText() {
    BotApiClient client = client(TOKEN);
    String broken = "*Cycle* dead-lettered: XRP.";

    SendOutcome o = join(client.sendMessage(CHAT, broken, true));

    assertThat(o).isEqualTo(new SendOutcome.CannotParse(
        "400 Bad Request: can't parse entities: Character '-' is reserved and must be escaped with the preceding '\\'"));
    assertThat(join(client.sendMessage(CHAT, MarkdownV2.toPlain(broken), false))).isInstanceOf(SendOutcome.Sent.class);
    assertThat(api.messages().get(api.messages().size() - 1).text()).isEqualTo("Cycle dead-lettered: XRP.");
  }

  @Test
  void wrongTokenAndUnknownChatAreConfigurationProblems() {
    assertThat(join(client("999:WRONG").sendMessage(CHAT, "x", true)))
        .isEqualTo(new SendOutcome.Misconfigured(401, "401 Unauthorized"));
    assertThat(join(client(TOKEN).sendMessage("31337", "x", true)))
        .isEqualTo(new SendOutcome.Misconfigured(400, "400 Bad Request: chat not found"));
  }

  @Test
  void rateLimitAndServerErrorsAreRetriable() {
    api.script(new FakeTelegramBotApi.TooManyRequests(7), new FakeTelegramBotApi.ServerError(502));
    BotApiClient client = client(TOKEN);
    assertThat(join(client.sendMessage(CHAT, "x", true))).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(7)));
    assertThat(join(client.sendMessage(CHAT, "x", true))).isEqualTo(new SendOutcome.Transient("server_error", "502"));
  }

  @Test
  void anUnreachableApiIsANetworkFailure() {
    FakeTelegramBotApi down = FakeTelegramBotApi.start(kit.system(), TOKEN, CHAT);
    down.goDown();
    BotApiClient client = client(down.apiUrl(), TOKEN);

    SendOutcome o = join(client.sendMessage(CHAT, "x", true));

    assertThat(o).isInstanceOf(SendOutcome.Transient.class);
    assertThat(((SendOutcome.Transient) o).failureClass()).isEqualTo("network");
    assertThat(((SendOutcome.Transient) o).detail()).doesNotContain(TOKEN.substring(TOKEN.indexOf(':') + 1));
  }

  @Test
  void longPollingReturnsUpdatesAndASecondPollerConflicts() {
    BotApiClient client = client(TOKEN);
    CompletableFuture<PollOutcome> first = client.getUpdates(0, Duration.ofSeconds(5)).toCompletableFuture();
    org.awaitility.Awaitility.await().until(() -> api.getUpdatesCalls() >= 1);
    CompletableFuture<PollOutcome> second = client.getUpdates(0, Duration.ofSeconds(5)).toCompletableFuture();

    assertThat(first.join()).isInstanceOf(PollOutcome.Failed.class);
    assertThat(((PollOutcome.Failed) first.join()).failureClass()).isEqualTo("conflict");
    long id = api.userSends(CHAT, 7, "bob", "/status");
    PollOutcome got = second.join();
    assertThat(got).isEqualTo(new PollOutcome.Updates(List.of(new BotApiClient.Update(id, CHAT, 7, "bob",
        "/status"))));
    // the next offset confirms it
    assertThat(join(client.getUpdates(id + 1, Duration.ZERO))).isEqualTo(new PollOutcome.Updates(List.of()));
    assertThat(api.pendingUpdates()).isZero();
  }
}
