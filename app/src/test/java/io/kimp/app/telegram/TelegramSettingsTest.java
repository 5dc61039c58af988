package io.kimp.app.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TelegramSettingsTest {

  private static final String TOKEN = "123456789:AAH-secret_part";

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  private static TelegramSettings settings(String overrides) {
    return TelegramSettings.fromConfig(config(overrides));
  }

  @Test
  void theTokenIsOnlyInTheRequestTargetNeverInWhatIsShown() {
    TelegramSettings s =
        settings("kimp.telegram { bot-token = \"" + TOKEN + "\", chat-id = \"-100123\", api-url = \"https://h/tg/\" }");

    assertThat(s.methodTarget("sendMessage")).isEqualTo("/tg/bot" + TOKEN + "/sendMessage");
    assertThat(s.maskedMethodUrl("sendMessage")).isEqualTo("https://h/tg/bot***/sendMessage");
    assertThat(s.toString()).doesNotContain("secret_part").contains("botToken=<masked>");
    assertThat(s.mask("POST /bot" + TOKEN + "/getUpdates failed")).isEqualTo("POST /bot***/getUpdates failed");
    assertThat(s.active()).isTrue();
  }

  @Test
  void withoutATokenTelegramIsOffAndNeedsNoChat() {
    TelegramSettings s = settings("kimp.telegram.bot-token = \"\"");
    assertThat(s.active()).isFalse();
    assertThat(settings("kimp.telegram { enabled = off, bot-token = \"" + TOKEN + "\" }").active()).isFalse();
  }

  @Test
  void badValuesFailNamingTheKeyAndNeverEchoTheToken() {
    assertThatThrownBy(() -> settings("kimp.telegram.bot-token = \"not a token secret_part\""))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("kimp.telegram.bot-token")
        .hasMessageNotContaining("secret_part");
    assertThatThrownBy(() -> settings("kimp.telegram { bot-token = \"" + TOKEN + "\", chat-id = \"\" }"))
        .hasMessageContaining("kimp.telegram.chat-id");
    assertThatThrownBy(() -> settings("kimp.telegram { chat-id = \"me\" }")).hasMessageContaining("kimp.telegram.chat-id");
    assertThatThrownBy(() -> settings("kimp.telegram.api-url = \"ftp://x\"")).hasMessageContaining("kimp.telegram.api-url");
    assertThatThrownBy(() -> settings("kimp.telegram.poll-timeout = 60s")).hasMessageContaining("poll-timeout");
    assertThatThrownBy(() -> settings("kimp.telegram.backoff { min = 10s, max = 1s }")).hasMessageContaining("backoff.max");
    assertThatThrownBy(() -> settings("kimp.telegram.max-message-length = 5000")).hasMessageContaining("4096");
    assertThatThrownBy(() -> AlertSettings.fromConfig(config("kimp.alerts.zone = \"Mars/Olympus\"")))
        .hasMessageContaining("kimp.alerts.zone");
    assertThatThrownBy(() -> AlertSettings.fromConfig(config("kimp.alerts.daily-summary.at = \"9am\"")))
        .hasMessageContaining("kimp.alerts.daily-summary.at");
  }

  @Test
  void backoffDoublesWithinItsBounds() {
    TelegramSettings s = settings("kimp.telegram.backoff { min = 1s, max = 60s, random-factor = 0 }");
    assertThat(s.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.backoff(6)).isEqualTo(Duration.ofSeconds(32));
    assertThat(s.backoff(7)).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.backoff(1000)).isEqualTo(Duration.ofSeconds(60));
    TelegramSettings jittered = settings("kimp.telegram.backoff { min = 1s, max = 60s, random-factor = 0.2 }");
    for (int i = 0; i < 100; i++) {
      assertThat(jittered.backoff(3).toMillis()).isBetween(3200L, 4800L);
    }
  }

  @Test
  void referenceDefaultsAreValid() {
    AlertSettings a = AlertSettings.fromConfig(config(""));
    assertThat(a.dedupeWindow()).isEqualTo(Duration.ofMinutes(5));
    TelegramSettings t = settings("");
    assertThat(t.minIntervalPerChat()).isEqualTo(Duration.ofSeconds(1));
    assertThat(t.apiUrl().toString()).isEqualTo("https://api.telegram.org");
  }
}
