package io.kimp.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KimpConfigTest {

  private static Config load(String operator, Map<String, String> overrides) {
    return KimpConfig.load(ConfigFactory.parseMap(overrides), ConfigFactory.parseString(operator));
  }

  @Test
  void defaultsAreTheEmbeddedH2AndPaperTrading() {
    Config c = load("", Map.of());
    assertThat(c.getString("kimp.db.url")).startsWith("jdbc:h2:file:");
    assertThat(c.getString("pekko-persistence-jdbc.shared-databases.slick.profile")).isEqualTo("slick.jdbc.H2Profile$");
    assertThat(c.getString("pekko.projection.jdbc.dialect")).isEqualTo("h2-dialect");
    // H2 takes one write transaction at a time: one journal batch in flight, the next one gathering what comes meanwhile
    assertThat(c.getInt("jdbc-journal.parallelism")).isEqualTo(1);
    assertThat(c.getString("pekko.actor.provider")).isEqualTo("cluster");
    assertThat(c.getString("kimp.trading.mode")).isEqualTo("paper");
    assertThat(c.getDuration("kimp.retry.base-delay")).hasMinutes(10);
  }

  @Test
  void commandLineOverridesBeatTheOperatorsFileWhichBeatsTheDefaults() {
    Config c = load("kimp.retry.max-attempts = 7\nkimp.strategy.min-spread-percent = 0.8",
        Map.of("kimp.retry.max-attempts", "3"));
    assertThat(c.getInt("kimp.retry.max-attempts")).isEqualTo(3);
    assertThat(c.getDouble("kimp.strategy.min-spread-percent")).isEqualTo(0.8);
  }

  @Test
  void aPostgresUrlSelectsThePostgresPluginsAndCredentialsComeOutOfTheUrl() {
    Config c = load("kimp.db.url = \"postgres://kimp:s3cret@db.internal:5433/kimp?sslmode=require\"", Map.of());
    assertThat(c.getString("kimp.db.url")).isEqualTo("jdbc:postgresql://db.internal:5433/kimp?sslmode=require");
    assertThat(c.getString("kimp.db.user")).isEqualTo("kimp");
    assertThat(c.getString("pekko-persistence-jdbc.shared-databases.slick.db.driver")).isEqualTo("org.postgresql.Driver");
    assertThat(c.getString("pekko.projection.jdbc.dialect")).isEqualTo("postgres-dialect");
    assertThat(c.getInt("jdbc-journal.parallelism")).isEqualTo(8);
  }

  @Test
  void badValuesFailAtStartUpNamingTheirKey() {
    assertThatThrownBy(() -> load("", Map.of("kimp.retry.base-delay", "soon")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.retry.base-delay");
    assertThatThrownBy(() -> load("kimp.retry.max-attempts = 0", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.retry.max-attempts");
    assertThatThrownBy(() -> load("kimp.portfolio.sizing = ALL_IN", Map.of()))
        .hasMessageContaining("kimp.portfolio.sizing").hasMessageContaining("FIXED_AMOUNT");
    assertThatThrownBy(() -> load("kimp.fees.binance.taker = 0.1", Map.of()))
        .hasMessageContaining("kimp.fees.binance.taker").hasMessageContaining("percentage");
    assertThatThrownBy(() -> load("kimp.db.url = \"mysql://x\"", Map.of())).hasMessageContaining("kimp.db.url");
    assertThatThrownBy(() -> load("kimp.risk.trading-day-zone = Mars/Olympus", Map.of()))
        .hasMessageContaining("kimp.risk.trading-day-zone");
  }

  @Test
  void theSettingsAreReadOnceIntoTypedRecordsThatFollowTheLayers() {
    KimpConfig.Loaded loaded = KimpConfig.loaded(
        ConfigFactory.parseMap(Map.of("kimp.retry.max-attempts", "3", "kimp.admin.port", "18099")),
        ConfigFactory.parseString("kimp.execution.ask-timeout = 7s\n"
            + "kimp.transfer.poll-interval = 9s\n"
            + "kimp.cycle.projection-tags = 6\n"
            + "kimp.admin.session-ttl = 2h\n"
            + "kimp.alerts.feeds.check-interval = 4s\n"
            + "kimp.feeds.plausibility.max-move = 0.3\n"
            + "kimp.cluster.down-when-process-gone.refusals = 4\n"));
    KimpSettings s = loaded.settings();
    assertThat(s.cycle().retry().maxAttempts()).isEqualTo(3);
    assertThat(s.cycle().transfer().pollInterval()).hasSeconds(9);
    assertThat(s.node().askTimeout()).hasSeconds(7);
    assertThat(s.node().projectionTags()).isEqualTo(6);
    assertThat(s.node().systemName()).isEqualTo("kimp");
    assertThat(s.node().tradingMode()).isEqualTo(io.kimp.gateway.TradingMode.PAPER);
    assertThat(s.node().downing().refusals()).isEqualTo(4);
    assertThat(s.admin().api().port()).isEqualTo(18099);
    assertThat(s.admin().sessionTtl()).hasHours(2);
    assertThat(s.market().watchdogInterval()).hasSeconds(4);
    assertThat(s.market().plausibility().maxMove()).isEqualTo(0.3);
    assertThat(s.storage().database().vendor()).isEqualTo(io.kimp.persistence.DatabaseSettings.Vendor.H2);
    assertThat(s.storage().dataDir()).isAbsolute();
    // the tree handed to Pekko is the same one the settings were read from
    assertThat(loaded.config().getInt("kimp.admin.port")).isEqualTo(18099);
    KimpSettings again = KimpSettings.from(loaded.config());
    assertThat(again.node()).isEqualTo(s.node());
    assertThat(again.storage()).isEqualTo(s.storage());
    assertThat(again.admin()).isEqualTo(s.admin());
  }

  @Test
  void settingsThatWereOnlyReadWhenTheirPartStartedNowFailAtLoad() {
    assertThatThrownBy(() -> load("kimp.cluster.down-when-process-gone.refusals = 0", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.cluster.down-when-process-gone.refusals");
    assertThatThrownBy(() -> load("kimp.feeds.plausibility.max-move = 0", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.feeds.plausibility.max-move");
    assertThatThrownBy(() -> load("kimp.admin.request-timeout = 2m\nkimp.admin.idle-timeout = 1m", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.admin.request-timeout");
    assertThatThrownBy(() -> load("kimp.admin.session-ttl = 0s", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.admin.session-ttl");
    assertThatThrownBy(() -> load("kimp.db.high-water-mark-interval = 0s", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.db.high-water-mark-interval");
    // the portfolio's timers: a zero interval would fail only when the singleton starts, over and over
    assertThatThrownBy(() -> load("kimp.reservation-audit.interval = 0s", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.reservation-audit.interval");
    assertThatThrownBy(() -> load("kimp.reservation-audit.after = -1s", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.reservation-audit.after");
    assertThatThrownBy(() -> load("kimp.settings.republish-interval = 0s", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kimp.settings.republish-interval");
  }

  @Test
  void theCliReportsABadValueWithItsKeyAndExitCode2() {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("config", "-Dkimp.transfer.deposit-timeout=-5m");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("Invalid configuration:").contains("kimp.transfer.deposit-timeout");
  }

  @Test
  void aMissingConfigFileIsAnError(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("config", "--config", dir.resolve("nope.conf").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("nope.conf").contains("does not exist");
  }

  @Test
  void theConfigDumpMasksEverySecret(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("ops.conf");
    Files.writeString(file, String.join("\n",
        "kimp.exchanges.binance.secret-key = \"binance-secret-value\"",
        "kimp.exchanges.upbit.access-key = \"upbit-access-value\"",
        "kimp.db.url = \"jdbc:postgresql://db:5432/kimp?user=k&password=pw-in-url\"",
        "kimp.db.password = \"db-password-value\""));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    java.io.PrintStream saved = System.out;
    System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.commandLine().execute("config", "--config", file.toString())).isZero();
    } finally {
      System.setOut(saved);
    }
    String dump = out.toString(StandardCharsets.UTF_8);
    assertThat(dump).contains("secret-key").contains("***");
    assertThat(dump).doesNotContain("binance-secret-value", "upbit-access-value", "pw-in-url", "db-password-value");
    assertThat(dump).contains("min-spread-percent");
  }
}
