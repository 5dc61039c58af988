package io.kimp.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token: configured, or generated once into an owner-only file and reused; compared without leaking. */
class AdminTokenTest {
  @TempDir Path dir;

  private AdminSettings settings(String token) {
    return new AdminSettings("127.0.0.1", 0, token, dir.resolve("sub/admin.token"), 16384, Duration.ofSeconds(5),
        Duration.ofSeconds(15));
  }

  @Test
  void aGeneratedTokenIsWrittenOwnerOnlyAndReused() throws Exception {
    AdminToken first = AdminToken.resolve(settings(""));
    Path file = dir.resolve("sub/admin.token");
    String token = Files.readString(file).trim();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(first.matches(token)).isTrue();
    assertThat(AdminToken.resolve(settings("")).matches(token)).isTrue();
    assertThat(AdminToken.forClient(settings(""))).contains(token);
    assertThat(first.toString()).doesNotContain(token);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void aConfiguredTokenWinsAndNoFileIsWritten() {
    AdminToken t = AdminToken.resolve(settings("a-configured-token-of-some-length"));
    assertThat(t.matches("a-configured-token-of-some-length")).isTrue();
    assertThat(t.matches("a-configured-token-of-some-lengtH")).isFalse();
    assertThat(t.matches("a-configured-token")).isFalse();
    assertThat(t.matches("")).isFalse();
    assertThat(t.matches(null)).isFalse();
    assertThat(Files.exists(dir.resolve("sub/admin.token"))).isFalse();
    assertThat(AdminToken.forClient(settings("a-configured-token-of-some-length")))
        .contains("a-configured-token-of-some-length");
  }

  @Test
  void anEmptyTokenFileIsAnErrorNotAnOpenDoor() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/admin.token"), "\n");
    assertThatThrownBy(() -> AdminToken.resolve(settings(""))).hasMessageContaining("holds no valid token");
  }

  @Test
  void settingsAreValidatedNamingTheKey() {
    assertThatThrownBy(() -> AdminSettings.fromConfig(
            ConfigFactory.parseString("kimp.admin.token = short").withFallback(ConfigFactory.load())))
        .isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("kimp.admin.token");
    assertThatThrownBy(() -> AdminSettings.fromConfig(
            ConfigFactory.parseString("kimp.admin.port = 70000").withFallback(ConfigFactory.load())))
        .hasMessageContaining("kimp.admin.port");
    assertThatThrownBy(() -> AdminSettings.fromConfig(
            ConfigFactory.parseString("kimp.admin.max-body-size = 10").withFallback(ConfigFactory.load())))
        .hasMessageContaining("kimp.admin.max-body-size");
    AdminSettings defaults = AdminSettings.fromConfig(ConfigFactory.load());
    assertThat(defaults.url()).isEqualTo("http://127.0.0.1:8080");
    assertThat(defaults.tokenFile()).isEqualTo(Path.of("data/admin.token"));
  }
}
