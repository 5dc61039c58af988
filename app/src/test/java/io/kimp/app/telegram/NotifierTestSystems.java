package io.kimp.app.telegram;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/** Actor systems for notifier tests: an H2 file journal (jdbc) and a Telegram config pointing at a fake Bot API. */
final class NotifierTestSystems {
  static final String TOKEN = "123456789:TEST-secret_token-xyz";
  static final String CHAT = "424242";
  static final String OTHER_CHAT = "-100777";

  private NotifierTestSystems() {}

  /** Test settings: fast backoff and polling, the journal in {@code journal} (a file path without extension). */
  static Config config(String apiUrl, Path journal, String overrides) {
    String h2 = "jdbc:h2:file:" + journal.toAbsolutePath() + ";DATABASE_TO_UPPER=false";
    return ConfigFactory.parseString(overrides)
        .withFallback(
            ConfigFactory.parseString(
                "pekko.loglevel = INFO\n"
                    + "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
                    + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"\n"
                    + "pekko.persistence.journal.plugin = jdbc-journal\n"
                    + "pekko.persistence.snapshot-store.plugin = jdbc-snapshot-store\n"
                    + "pekko-persistence-jdbc.shared-databases.default {\n"
                    + "  profile = \"slick.jdbc.H2Profile$\"\n"
                    + "  db { url = \"" + h2 + "\", user = sa, password = \"\", driver = org.h2.Driver,\n"
                    + "       numThreads = 2, maxConnections = 2, minConnections = 1 }\n"
                    + "}\n"
                    + "jdbc-journal.use-shared-db = default\n"
                    + "jdbc-snapshot-store.use-shared-db = default\n"
                    + "jdbc-read-journal.use-shared-db = default\n"
                    + "kimp.telegram {\n"
                    + "  api-url = \"" + apiUrl + "\"\n"
                    + "  bot-token = \"" + TOKEN + "\"\n"
                    + "  chat-id = \"" + CHAT + "\"\n"
                    + "  poll-timeout = 1s\n"
                    + "  request-timeout = 3s\n"
                    + "  command-timeout = 3s\n"
                    + "  backoff { min = 200ms, max = 1s }\n"
                    + "}\n"
                    + "kimp.alerts.daily-summary.enabled = off\n"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** An actor system with the journal tables created. */
  static ActorTestKit start(String name, Config config) throws Exception {
    ActorTestKit kit = ActorTestKit.create(name, config);
    SchemaUtils.createIfNotExists(kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return kit;
  }

  static final Duration PATIENCE = Duration.ofSeconds(15);
}
