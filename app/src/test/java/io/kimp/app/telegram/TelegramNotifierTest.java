package io.kimp.app.telegram;

import io.kimp.fixtures.time.ManualClock;
import io.kimp.app.operator.OperatorActions;
import static io.kimp.app.telegram.NotifierTestSystems.CHAT;
import static io.kimp.app.telegram.NotifierTestSystems.OTHER_CHAT;
import static io.kimp.app.telegram.NotifierTestSystems.PATIENCE;
import static io.kimp.app.telegram.NotifierTestSystems.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import io.kimp.app.metrics.TelegramMetrics;
import io.kimp.app.telegram.TelegramNotifier.Command;
import io.kimp.app.telegram.TelegramNotifier.GetOutbox;
import io.kimp.app.telegram.TelegramNotifier.OutboxView;
import io.kimp.app.telegram.TelegramNotifier.Publish;
import io.kimp.app.telegram.TelegramNotifier.PublishResult;
import io.kimp.app.telegram.TelegramNotifier.Published;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.fixtures.telegram.FakeTelegramBotApi;
import io.kimp.fixtures.telegram.FakeTelegramBotApi.ReceivedMessage;
import io.kimp.fixtures.telegram.FakeTelegramBotApi.SendAttempt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The notifier against a fake Telegram Bot API on loopback that parses MarkdownV2 as strictly as Telegram, with its
 * outbox journaled to an H2 file through pekko-persistence-jdbc.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelegramNotifierTest {

  /** Hosts the fake Bot APIs, so that they outlive the notifier systems that are stopped and started. */
  private ActorTestKit fakeHost;
  private Path dir;
  private final List<AutoCloseable> cleanup = new java.util.ArrayList<>();

  /**
   * Every log line of the whole class, to prove the bot token never reaches a log: logback's events, and stdout, where
   * Pekko writes what it logs while an actor system shuts down.
   */
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final ByteArrayOutputStream stdoutCopy = new ByteArrayOutputStream();
  private PrintStream originalStdout;

  @BeforeAll
  void startFakeHost() throws Exception {
    logs.start();
    rootLogger().addAppender(logs);
    originalStdout = System.out;
    System.setOut(new PrintStream(new TeeOutputStream(originalStdout, stdoutCopy), true, StandardCharsets.UTF_8));
    fakeHost = ActorTestKit.create("fake-telegram-host");
    dir = Files.createTempDirectory("kimp-telegram-test");
  }

  /**
   * Runs after every scenario above has stopped its systems, most with a long poll or a send in flight (Pekko HTTP's
   * pool then logs the request lines it drops, which carry the URI): nothing any of them logged holds the token.
   */
  @AfterAll
  void stopFakeHostAndCheckTheLogsForTheToken() {
    fakeHost.shutdownTestKit();
    rootLogger().detachAppender(logs);
    System.setOut(originalStdout);
    List<String> lines = loggedSoFar();
    logs.list.stream()
        .filter(e -> e.getThrowableProxy() != null)
        .forEach(e -> lines.add(e.getThrowableProxy().getMessage()));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("Telegram notifier up"));
    assertThat(lines).noneSatisfy(l -> assertThat(l).contains(SECRET));
  }

  private static final String SECRET = TOKEN.substring(TOKEN.indexOf(':') + 1);

  private List<String> loggedSoFar() {
    List<String> lines = new java.util.ArrayList<>(stdoutCopy.toString(StandardCharsets.UTF_8).lines().toList());
    synchronized (logs) {
      logs.list.forEach(e -> lines.add(e.getFormattedMessage()));
    }
    return lines;
  }

  /** Writes to two streams. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeOutputStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
    }
  }

  private static ch.qos.logback.classic.Logger rootLogger() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    cleanup.clear();
  }

  /** One notifier on its own system and journal file, talking to its own fake Bot API. */
  private final class Rig {
    final FakeTelegramBotApi api;
    final ActorTestKit kit;
    final RecordingOperatorActions actions = new RecordingOperatorActions();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ActorRef<Command> notifier;

    Rig(String name, Clock clock, String overrides) throws Exception {
      this(name, clock, overrides, FakeTelegramBotApi.start(fakeHost.system(), TOKEN, CHAT, OTHER_CHAT));
    }

    Rig(String name, Clock clock, String overrides, FakeTelegramBotApi api) throws Exception {
      this.api = api;
      Config config = NotifierTestSystems.config(api.apiUrl(), dir.resolve(name), overrides);
      this.kit = NotifierTestSystems.start(name, config);
      cleanup.add(api);
      cleanup.add(kit::shutdownTestKit);
      this.notifier =
          kit.spawn(
              TelegramNotifier.create(
                  TelegramSettings.fromConfig(config), AlertSettings.fromConfig(config), actions,
                  new TelegramMetrics(registry), clock));
    }

    Published publish(Alert alert) {
      TestProbe<Published> probe = kit.createTestProbe(Published.class);
      notifier.tell(new Publish(alert, probe.ref()));
      return probe.receiveMessage(PATIENCE);
    }

    OutboxView outbox() {
      TestProbe<OutboxView> probe = kit.createTestProbe(OutboxView.class);
      notifier.tell(new GetOutbox(probe.ref()));
      return probe.receiveMessage(PATIENCE);
    }

    double counter(String name, String... tags) {
      var c = registry.find(name).tags(tags).counter();
      return c == null ? 0 : c.count();
    }

    /** A user in the configured chat writes {@code text}; returns the reply the bot sent after it. */
    ReceivedMessage command(String text) {
      int before = api.messagesTo(CHAT).size();
      api.userSends(CHAT, 1001, "alice", text);
      await().atMost(PATIENCE).until(() -> api.messagesTo(CHAT).size() > before);
      return api.messagesTo(CHAT).get(before);
    }
  }

  private static Alert alert(AlertKind kind, String subject, String title, Map<String, String> fields) {
    return new Alert(kind, Alert.Severity.CRITICAL, subject, title, fields, Instant.parse("2026-11-05T00:00:00Z"));
  }

  private static long millisBetween(SendAttempt a, SendAttempt b) {
    return Duration.ofNanos(b.receivedNanos() - a.receivedNanos()).toMillis();
  }

  // ---- MarkdownV2

  @Test
  void hostileTextIsEscapedAndAcceptedByTheStrictApi() throws Exception {
    Rig rig = new Rig("hostile", Clock.systemUTC(), "");
    String title = "Cycle dead-lettered: 1INCH_USDT *bold* [link](http://x.y) `code` > # + - = | { } . ! \\ ~ _ 🚀 김치";
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("error", "Binance {\"code\":-2010,\"msg\":\"Account has insufficient balance.\"} (HTTP 400) || spoiler?");
    fields.put("recover_hint", "POST /api/v1/dlq/abc-def/recover, /recover abc-def\n> quoted? __underline__ ***");
    fields.put("a\\b*c", "trailing backslash \\");

    assertThat(rig.publish(alert(AlertKind.CYCLE_DEAD_LETTERED, "c-1", title, fields)).result())
        .isEqualTo(PublishResult.ENQUEUED);

    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 1);
    ReceivedMessage m = rig.api.messages().get(0);
    assertThat(m.parseMode()).isEqualTo("MarkdownV2");
    // what the operator sees is exactly what the alert said
    assertThat(m.text()).contains(title);
    fields.forEach((k, v) -> assertThat(m.text()).contains(k + ": " + v));
    // the title is the one bold entity that starts the message (after the severity mark)
    assertThat(m.entities()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo("bold");
      assertThat(m.text().substring(e.offset(), e.offset() + e.length())).isEqualTo(title);
    });
    assertThat(rig.api.sendAttempts()).extracting(SendAttempt::status).containsExactly(200);
    // the fake has the message before the notifier has Telegram's answer: the count follows the delivery
    await().atMost(PATIENCE).until(() -> rig.outbox().pending().isEmpty());
    assertThat(rig.counter("kimp.telegram.messages.sent")).isEqualTo(1);
  }

  /**
   * The transfer hedge's alerts, with the titles and fields the cycle and the hedge watch give them: each says it is
   * about the hedge and what the operator does next, which depends on the side the money is on.
   */
  @Test
  void hedgeAlertsSayTheyAreAboutTheHedgeAndWhatToDo() throws Exception {
    Rig rig = new Rig("hedge", Clock.systemUTC(), "kimp.telegram.min-interval-per-chat = 100ms");
    String cycle = "0b8e3f4a-51c1-4a61-9d0e-2f4a8c7e1d22";
    Map<String, String> skipped = new LinkedHashMap<>();
    skipped.put("cycle", cycle);
    skipped.put("symbol", "XRP");
    skipped.put("reason", "perp-not-listed: XRP has no USDT-M perpetual");
    rig.publish(new Alert(AlertKind.HEDGE_SKIPPED, Alert.Severity.INFO, cycle, "INITIAL leg of XRP runs unhedged",
        skipped, Instant.parse("2026-11-05T00:00:00Z")));
    Map<String, String> exposed = new LinkedHashMap<>();
    exposed.put("cycle", cycle);
    exposed.put("symbol", "XRP");
    exposed.put("step", "INITIAL HEDGE_OPEN");
    rig.publish(alert(AlertKind.HEDGE_EXPOSED, cycle, "long without a short: 123.4 XRP unhedged on BINANCE", exposed));
    Map<String, String> closeFailed = new LinkedHashMap<>(exposed);
    closeFailed.put("step", "REBALANCE HEDGE_CLOSE");
    rig.publish(alert(AlertKind.HEDGE_EXPOSED, cycle + "-close",
        "short without a long: the short of 123.4 XRP is still open on BINANCE futures", closeFailed));
    Map<String, String> watch = new LinkedHashMap<>();
    watch.put("coin", "BTC");
    watch.put("expected short", "0");
    watch.put("venue short", "0.002");
    watch.put("action", "closing the orphan short of 0.002 with a reduce-only buy");
    rig.publish(alert(AlertKind.HEDGE_POSITION_MISMATCH, "BTC",
        "Hedge position differs from the cycles' journals: BTC", watch));

    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 4);
    List<String> texts = rig.api.messages().stream().map(ReceivedMessage::text).toList();
    assertThat(texts.get(0)).contains("Hedge: INITIAL leg of XRP runs unhedged")
        .contains("reason: perp-not-listed").contains("what to do: nothing: the leg goes on unhedged")
        .contains("kimp.hedge.unlisted = skip").contains("HEDGE_SKIPPED · INFO");
    assertThat(texts.get(1)).contains("Hedge: long without a short: 123.4 XRP unhedged on BINANCE")
        .contains("what to do: the coin is held without its short. /recover " + cycle + " places the short again");
    assertThat(texts.get(2)).contains("Hedge: short without a long")
        .contains("what to do: a short is open with no coin behind it. Discard the cycle");
    // the watch's own title already names the hedge: not prefixed twice
    assertThat(texts.get(3)).contains("Hedge position differs from the cycles' journals: BTC")
        .doesNotContain("Hedge: Hedge").contains("action: closing the orphan short of 0.002")
        .contains("what to do: compare GET /api/v1/hedge");
    // the title is the bold entity, as for every alert
    ReceivedMessage m = rig.api.messages().get(1);
    assertThat(m.entities()).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo("bold");
      assertThat(m.text().substring(e.offset(), e.offset() + e.length()))
          .isEqualTo("Hedge: long without a short: 123.4 XRP unhedged on BINANCE");
    });
    // any other kind reads as before: no prefix, no advice
    rig.publish(alert(AlertKind.FEED_DOWN, "binance", "Feed down", Map.of("venue", "binance")));
    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 5);
    assertThat(rig.api.messages().get(4).text()).doesNotContain("what to do").doesNotContain("Hedge");
  }

  @Test
  void longAlertIsSplitIntoPartsTelegramAccepts() throws Exception {
    Rig rig = new Rig("split", Clock.systemUTC(), "kimp.telegram.min-interval-per-chat = 100ms");
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      // 900 characters that all need escaping: 1800 characters of markup each
      fields.put("venue error " + i, ".-!".repeat(300));
    }
    rig.publish(alert(AlertKind.FEED_DOWN, "binance", "Feed down", fields));

    await().atMost(PATIENCE).until(() -> rig.outbox().pending().isEmpty());
    List<ReceivedMessage> parts = rig.api.messages();
    assertThat(parts).hasSizeGreaterThan(1);
    assertThat(parts).allSatisfy(p -> assertThat(p.markup().length()).isLessThanOrEqualTo(4096));
    String all = String.join("\n", parts.stream().map(ReceivedMessage::text).toList());
    fields.forEach((k, v) -> assertThat(all).contains(k + ": " + v));
  }

  // ---- pacing and failures

  @Test
  void rateLimitRetryAfterIsObeyed() throws Exception {
    Rig rig = new Rig("ratelimit", Clock.systemUTC(), "");
    rig.api.script(new FakeTelegramBotApi.TooManyRequests(2));

    rig.publish(alert(AlertKind.FEED_STALE, "upbit", "Feed stale", Map.of()));

    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 1);
    List<SendAttempt> attempts = rig.api.sendAttempts();
    assertThat(attempts).extracting(SendAttempt::status).containsExactly(429, 200);
    assertThat(millisBetween(attempts.get(0), attempts.get(1))).isGreaterThanOrEqualTo(2000);
    assertThat(rig.counter("kimp.telegram.send.failures", "class", "rate_limited")).isEqualTo(1);
  }

  @Test
  void serverErrorsBackOffExponentiallyAndLoseNothing() throws Exception {
    Rig rig = new Rig("server-errors", Clock.systemUTC(), "");
    rig.api.script(new FakeTelegramBotApi.ServerError(502), new FakeTelegramBotApi.ServerError(503));

    rig.publish(alert(AlertKind.THROUGHPUT_DROP, "node-1", "Throughput dropped", Map.of()));

    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 1);
    List<SendAttempt> attempts = rig.api.sendAttempts();
    assertThat(attempts).extracting(SendAttempt::status).containsExactly(502, 503, 200);
    // backoff.min = 200ms ± 20 %, then doubled
    assertThat(millisBetween(attempts.get(0), attempts.get(1))).isGreaterThanOrEqualTo(160);
    assertThat(millisBetween(attempts.get(1), attempts.get(2))).isGreaterThanOrEqualTo(320);
    assertThat(rig.counter("kimp.telegram.send.failures", "class", "server_error")).isEqualTo(2);
    // the notifier stores Telegram's answer after the fake has the message
    await().atMost(PATIENCE).until(() -> rig.outbox().pending().isEmpty());
  }

  @Test
  void atMostOneMessagePerSecondPerChat() throws Exception {
    Rig rig = new Rig("pace", Clock.systemUTC(), "");
    for (int i = 1; i <= 4; i++) {
      rig.publish(alert(AlertKind.CYCLE_RECOVERED, "cycle-" + i, "Recovered " + i, Map.of()));
    }

    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 4);
    List<ReceivedMessage> m = rig.api.messages();
    for (int i = 1; i < m.size(); i++) {
      long gapMillis = Duration.ofNanos(m.get(i).receivedNanos() - m.get(i - 1).receivedNanos()).toMillis();
      assertThat(gapMillis).as("gap before message %d", i + 1).isGreaterThanOrEqualTo(1000);
    }
    assertThat(m).extracting(x -> x.text().lines().findFirst().orElseThrow())
        .allSatisfy(line -> assertThat(line).contains("Recovered"))
        .extracting(line -> line.substring(line.length() - 1))
        .containsExactly("1", "2", "3", "4");
  }

  /** The pace is kept on the notifier's clock, not the machine's: an hour's interval passes when the clock says so. */
  @Test
  void paceFollowsTheNotifiersClock() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-05T01:00:00Z"));
    Rig rig = new Rig("pace-clock", clock, "kimp.telegram.min-interval-per-chat = 1h");
    for (int i = 1; i <= 3; i++) {
      rig.publish(alert(AlertKind.CYCLE_RECOVERED, "cycle-" + i, "Recovered " + i, Map.of()));
    }

    // delivered (Telegram's answer stored) and the next one held for the clock's hour
    await().atMost(PATIENCE).until(() -> rig.outbox().pending().size() == 2);
    assertThat(rig.api.messages()).hasSize(1);
    clock.advance(Duration.ofHours(1));
    await().atMost(PATIENCE).until(() -> rig.outbox().pending().size() == 1);
    assertThat(rig.api.messages()).hasSize(2);
    clock.advance(Duration.ofHours(1));
    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 3);
    assertThat(rig.api.messages()).extracting(x -> x.text().lines().findFirst().orElseThrow())
        .extracting(line -> line.substring(line.length() - 1))
        .containsExactly("1", "2", "3");
  }

  @Test
  void sameAlertAtMostOncePerFiveMinutes() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-05T01:00:00Z"));
    Rig rig = new Rig("dedupe", clock, "kimp.telegram.min-interval-per-chat = 50ms");
    Alert a = alert(AlertKind.RETRY_THRESHOLD_REACHED, "cycle-a", "Cycle a failed 3 times", Map.of());
    Alert b = alert(AlertKind.RETRY_THRESHOLD_REACHED, "cycle-b", "Cycle b failed 3 times", Map.of());

    assertThat(rig.publish(a).result()).isEqualTo(PublishResult.ENQUEUED);
    clock.advance(Duration.ofMinutes(4).plusSeconds(59));
    assertThat(rig.publish(a).result()).isEqualTo(PublishResult.DUPLICATE_SUPPRESSED);
    assertThat(rig.publish(b).result()).isEqualTo(PublishResult.ENQUEUED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(rig.publish(a).result()).isEqualTo(PublishResult.ENQUEUED);

    // the chat's pace runs on the notifier's clock: move it on until the outbox is empty
    await().atMost(PATIENCE).until(() -> {
      clock.advance(Duration.ofMillis(50));
      return rig.outbox().pending().isEmpty();
    });
    assertThat(rig.api.messages())
        .extracting(m -> m.text().contains("Cycle a") ? "a" : "b")
        .containsExactly("a", "b", "a");
    assertThat(rig.counter("kimp.telegram.alerts.suppressed")).isEqualTo(1);
  }

  // ---- persistence

  @Test
  void outboxSurvivesARestartWhileTheApiIsDownAndDeliversAfter() throws Exception {
    FakeTelegramBotApi api = FakeTelegramBotApi.start(fakeHost.system(), TOKEN, CHAT);
    api.goDown();
    Alert first = alert(AlertKind.CYCLE_DEAD_LETTERED, "c-1", "Cycle dead-lettered: XRP", Map.of("retries", "5"));
    Alert second = alert(AlertKind.LOSS_LIMIT_REACHED, "portfolio", "Daily loss limit reached", Map.of());

    Rig before = new Rig("restart", Clock.systemUTC(), "", api);
    assertThat(before.publish(first).result()).isEqualTo(PublishResult.ENQUEUED);
    assertThat(before.publish(second).result()).isEqualTo(PublishResult.ENQUEUED);
    ActorTestKit.shutdown(before.kit.system(), PATIENCE);

    Rig after = new Rig("restart", Clock.systemUTC(), "", api);
    assertThat(after.outbox().pending())
        .extracting(TelegramNotifier.OutboxEntry::origin)
        .containsExactly("CYCLE_DEAD_LETTERED", "LOSS_LIMIT_REACHED");
    assertThat(api.messages()).isEmpty();

    api.comeUp();

    await().atMost(PATIENCE).until(() -> api.messages().size() == 2);
    assertThat(api.messages()).extracting(m -> m.text().lines().findFirst().orElseThrow())
        .satisfiesExactly(
            l -> assertThat(l).contains("Cycle dead-lettered: XRP"),
            l -> assertThat(l).contains("Daily loss limit reached"));
    await().atMost(PATIENCE).until(() -> after.outbox().pending().isEmpty());
  }

  // ---- commands

  @Test
  void commandsFromAnotherChatAreIgnored() throws Exception {
    Rig rig = new Rig("foreign", Clock.systemUTC(), "");
    long foreign = rig.api.userSends(OTHER_CHAT, 666, "mallory", "/pause I own this bot now");

    ReceivedMessage reply = rig.command("/status");

    assertThat(reply.text()).startsWith("kimp DEGRADED");
    assertThat(rig.actions.calls()).containsExactly("status");
    assertThat(rig.api.messagesTo(OTHER_CHAT)).isEmpty();
    assertThat(rig.counter("kimp.telegram.updates.ignored", "reason", "foreign_chat")).isEqualTo(1);
    await().atMost(PATIENCE).until(() -> rig.api.confirmedOffset() > foreign);
  }

  @Test
  void eachCommandIsParsedCalledAndAnswered() throws Exception {
    Rig rig = new Rig("commands", Clock.systemUTC(), "kimp.telegram.min-interval-per-chat = 100ms");
    UUID dead = RecordingOperatorActions.DEAD_CYCLE;
    UUID unknown = UUID.fromString("00000000-0000-4000-8000-000000000000");

    rig.api.userSends(CHAT, 1001, "alice", "good morning, no command here");
    assertThat(rig.command("/help").text()).startsWith("kimp commands").contains("/recover <cycle id>");
    assertThat(rig.command("/status").text())
        .startsWith("kimp DEGRADED")
        .contains("equity: 10,250,000 KRW", "realised today: -12,346 KRW", "feeds: DEGRADED – binance stale 42s");
    assertThat(rig.command("/premiums").text()).contains("XRP +3.14 %", "BTC -0.42 %");
    assertThat(rig.command("/cycles").text()).contains("SOL AWAITING_RETRY INITIAL WITHDRAW, retries 2",
        RecordingOperatorActions.OPEN_CYCLE.toString());
    assertThat(rig.command("/dlq").text())
        .contains("DOGE INITIAL BUY, 5 retries", "insufficient balance (code -2010) [sic] *really*",
            "/recover " + dead);
    assertThat(rig.command("/recover " + dead).text()).startsWith("Recovered " + dead);
    assertThat(rig.command("/recover@kimp_fake_bot " + unknown).text()).startsWith("Not recovered (NOT_FOUND)");
    assertThat(rig.command("/pause exchange maintenance").text())
        .startsWith("Trading paused")
        .contains("PAUSED by telegram:@alice: exchange maintenance");
    assertThat(rig.command("/resume").text()).startsWith("Trading active");
    // malformed and unknown commands: a short usage reply, nothing called
    assertThat(rig.command("/recover").text()).startsWith("/recover needs the id").contains("/status");
    assertThat(rig.command("/recover not-a-uuid").text()).startsWith("'not-a-uuid' is not a cycle id");
    assertThat(rig.command("/recover 1-1-1-1-1").text()).contains("is not a cycle id");
    assertThat(rig.command("/status now").text()).startsWith("/status takes no arguments");
    assertThat(rig.command("/frobnicate").text()).startsWith("Unknown command /frobnicate").contains("/help");

    assertThat(rig.actions.calls())
        .containsExactly(
            "status",
            "premiums",
            "cycles open=true",
            "dlq open=true",
            "recover " + dead + " by telegram:@alice",
            "recover " + unknown + " by telegram:@alice",
            "pause by telegram:@alice reason exchange maintenance",
            "resume by telegram:@alice");
    assertThat(rig.counter("kimp.telegram.commands", "command", "status", "outcome", "ok")).isEqualTo(1);
    assertThat(rig.counter("kimp.telegram.commands", "command", "invalid", "outcome", "invalid")).isEqualTo(5);
    assertThat(rig.counter("kimp.telegram.updates.ignored", "reason", "not_a_command")).isEqualTo(1);
    // every reply went through the strict parser: none was refused
    assertThat(rig.api.sendAttempts()).extracting(SendAttempt::status).containsOnly(200);
  }

  @Test
  void aCommandRedeliveredAfterARestartIsNotRunAgain() throws Exception {
    FakeTelegramBotApi api = FakeTelegramBotApi.start(fakeHost.system(), TOKEN, CHAT);
    Rig before = new Rig("once", Clock.systemUTC(), "", api);
    long pause = api.userSends(CHAT, 1001, "alice", "/pause night");
    await().atMost(PATIENCE).until(() -> api.messagesTo(CHAT).size() == 1);
    assertThat(before.actions.calls()).containsExactly("pause by telegram:@alice reason night");
    // stop only once the reply's delivery is recorded (until then a restart would send it again: at least once)
    await().atMost(PATIENCE).until(() -> before.outbox().pending().isEmpty());
    ActorTestKit.shutdown(before.kit.system(), PATIENCE);

    // the node died before its next poll confirmed the update, so Telegram hands it out again
    api.redeliver(pause, CHAT, 1001, "alice", "/pause night");
    Rig after = new Rig("once", Clock.systemUTC(), "", api);
    ReceivedMessage reply = after.command("/resume");

    assertThat(reply.text()).startsWith("Trading active");
    assertThat(after.actions.calls()).containsExactly("resume by telegram:@alice");
  }

  @Test
  void aFailedPollWaitsOutItsBackoffOnTheInjectedClock() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-04T01:00:00Z"));
    Rig rig = new Rig("poll-clock", clock, "kimp.telegram.backoff { min = 1h, max = 1h, random-factor = 0 }");
    await().atMost(PATIENCE).until(() -> rig.api.getUpdatesCalls() >= 1);
    LoggingTestKit.warn("Telegram getUpdates failed").expect(rig.kit.system(), () -> {
      rig.api.goDown();
      return null;
    });
    rig.api.comeUp();
    int before = rig.api.getUpdatesCalls();

    // the hour passes on the notifier's clock only: the next poll follows it, not the scheduler's hour
    clock.advance(Duration.ofHours(1));
    await().atMost(PATIENCE).until(() -> rig.api.getUpdatesCalls() > before);
  }

  // ---- daily summary

  @Test
  void dailySummaryIsSentOncePerDay() throws Exception {
    Rig rig = new Rig("summary", Clock.systemUTC(), "");
    LocalDate day = LocalDate.of(2026, 11, 4);

    rig.notifier.tell(new TelegramNotifier.SendDailySummary(day));
    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 1);
    rig.notifier.tell(new TelegramNotifier.SendDailySummary(day));

    assertThat(rig.outbox().lastSummaryDay()).isEqualTo(day);
    assertThat(rig.api.messages().get(0).text())
        .contains("Daily summary 2026-11-04", "cycles completed: 6", "realised P&L: 81,234 KRW", "DAILY_SUMMARY");
    assertThat(rig.actions.calls()).containsExactly("summary " + day);
  }

  @Test
  void theDailySummaryIsDueOnTheInjectedClockOncePerDay() throws Exception {
    // 2026-11-05 08:59 KST; the summary of the previous trading day is due at 09:00 KST
    ManualClock clock = new ManualClock(Instant.parse("2026-11-04T23:59:00Z"));
    Rig rig = new Rig("clock-summary", clock, "kimp.alerts.daily-summary.enabled = on");
    assertThat(rig.outbox().nextSummaryAt()).isEqualTo(Instant.parse("2026-11-05T00:00:00Z"));

    // the checks arrive (here sent by the test, as the scheduler sends them); only the clock decides what is due
    rig.notifier.tell(DailySummaries.SummaryDue.INSTANCE);
    rig.outbox();
    assertThat(rig.actions.calls()).isEmpty();

    clock.advance(Duration.ofMinutes(2)); // 09:01 KST
    rig.notifier.tell(DailySummaries.SummaryDue.INSTANCE);
    assertThat(rig.outbox().nextSummaryAt()).isEqualTo(Instant.parse("2026-11-06T00:00:00Z"));
    assertThat(rig.actions.calls()).containsExactly("summary 2026-11-04");
    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 1);
    assertThat(rig.api.messages().get(0).text()).contains("Daily summary 2026-11-04");

    clock.set(Instant.parse("2026-11-05T23:59:59Z")); // 08:59:59 KST the next day: none yet
    rig.notifier.tell(DailySummaries.SummaryDue.INSTANCE);
    rig.notifier.tell(DailySummaries.SummaryDue.INSTANCE);
    rig.outbox();
    assertThat(rig.actions.calls()).containsExactly("summary 2026-11-04");
    assertThat(rig.api.messages()).hasSize(1);

    clock.advance(Duration.ofSeconds(2)); // 09:00:01 KST
    rig.notifier.tell(DailySummaries.SummaryDue.INSTANCE);
    rig.outbox();
    assertThat(rig.actions.calls()).containsExactly("summary 2026-11-04", "summary 2026-11-05");
    await().atMost(PATIENCE).until(() -> rig.api.messages().size() == 2);
    assertThat(rig.api.messages().get(1).text()).contains("Daily summary 2026-11-05");
    assertThat(rig.outbox().nextSummaryAt()).isEqualTo(Instant.parse("2026-11-07T00:00:00Z"));
  }

  @Test
  void aMissedDailySummaryIsCaughtUpAtStart() throws Exception {
    // the summary of 11-03 was sent; the notifier was down over 11-05 09:00 KST, when 11-04's was due
    ManualClock clock = new ManualClock(Instant.parse("2026-11-04T01:00:00Z"));
    FakeTelegramBotApi api = FakeTelegramBotApi.start(fakeHost.system(), TOKEN, CHAT);
    Rig first = new Rig("catch-up", clock, "kimp.alerts.daily-summary.enabled = on", api);
    first.notifier.tell(new TelegramNotifier.SendDailySummary(LocalDate.of(2026, 11, 3)));
    // the summary is fetched before it enters the outbox: an empty outbox alone does not mean it was sent
    await().atMost(PATIENCE).until(() -> api.messages().size() == 1 && first.outbox().pending().isEmpty());
    assertThat(first.outbox().lastSummaryDay()).isEqualTo(LocalDate.of(2026, 11, 3));
    ActorTestKit.shutdown(first.kit.system(), PATIENCE);

    clock.set(Instant.parse("2026-11-05T03:00:00Z")); // 12:00 KST
    Rig second = new Rig("catch-up", clock, "kimp.alerts.daily-summary.enabled = on", api);

    await().atMost(PATIENCE).until(() -> api.messages().size() == 2);
    assertThat(api.messages().get(1).text()).contains("Daily summary 2026-11-04");
    assertThat(second.actions.calls()).containsExactly("summary 2026-11-04");
  }

  // ---- wiring

  @Test
  void withoutATokenAlertsGoToTheLogOnly() throws Exception {
    FakeTelegramBotApi api = FakeTelegramBotApi.start(fakeHost.system(), TOKEN, CHAT);
    cleanup.add(api);
    Config config =
        NotifierTestSystems.config(api.apiUrl(), dir.resolve("off"), "kimp.telegram.bot-token = \"\"");
    ActorRef<Command> notifier =
        fakeHost.spawn(
            TelegramNotifier.create(TelegramSettings.fromConfig(config), AlertSettings.fromConfig(config),
                new RecordingOperatorActions(), new TelegramMetrics(new SimpleMeterRegistry()), Clock.systemUTC()));
    TestProbe<Published> probe = fakeHost.createTestProbe(Published.class);

    notifier.tell(new Publish(alert(AlertKind.NODE_STARTED, "n1", "Node started", Map.of()), probe.ref()));

    assertThat(probe.receiveMessage(PATIENCE).result()).isEqualTo(PublishResult.LOGGED_ONLY);
    assertThat(api.sendAttempts()).isEmpty();
    assertThat(api.getUpdatesCalls()).isZero();
  }

  @Test
  void clusterSingletonAndAlertSinkDeliver() throws Exception {
    FakeTelegramBotApi api = FakeTelegramBotApi.start(fakeHost.system(), TOKEN, CHAT);
    cleanup.add(api);
    Config config =
        NotifierTestSystems.config(
            api.apiUrl(), dir.resolve("cluster"),
            "pekko.actor.provider = cluster\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.remote.artery.canonical.port = 0\n");
    ActorTestKit kit = NotifierTestSystems.start("cluster", config);
    cleanup.add(kit::shutdownTestKit);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));

    ActorRef<Command> proxy =
        TelegramNotifier.initSingleton(
            kit.system(),
            TelegramNotifier.create(TelegramSettings.fromConfig(config), AlertSettings.fromConfig(config),
                new RecordingOperatorActions(), new TelegramMetrics(new SimpleMeterRegistry()), Clock.systemUTC()));
    TelegramNotifier.alertSink(proxy)
        .publish(alert(AlertKind.NODE_STARTED, "127.0.0.1", "Node started", Map.of("roles", "trader")));

    await().atMost(PATIENCE).until(() -> api.messages().size() == 1);
    assertThat(api.messages().get(0).text()).contains("Node started", "roles: trader");
  }

}
