package io.kimp.app.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.core.config.CoreSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The admin API's settings ({@code kimp.admin.*}, {@code kimp.metrics.refresh-interval}), validated naming the key.
 *
 * @param token the configured token, or empty to use (or create) {@code tokenFile}
 */
public record AdminSettings(
    String host,
    int port,
    String token,
    Path tokenFile,
    long maxBodyBytes,
    Duration clusterStatsTimeout,
    Duration metricsRefreshInterval) {

  public static final int MIN_TOKEN_LENGTH = 16;

  public static AdminSettings fromConfig(Config c) {
    String host = c.getString("kimp.admin.host").trim();
    if (host.isEmpty()) {
      throw new ConfigException.BadValue("kimp.admin.host", "must not be empty");
    }
    int port = c.getInt("kimp.admin.port");
    if (port < 0 || port > 65535) {
      throw new ConfigException.BadValue("kimp.admin.port", "must be between 0 and 65535, not " + port);
    }
    String token = c.getString("kimp.admin.token").trim();
    if (!token.isEmpty() && token.length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException.BadValue(
          "kimp.admin.token", "must be at least " + MIN_TOKEN_LENGTH + " characters (or empty to generate one)");
    }
    Path tokenFile;
    try {
      tokenFile = Path.of(c.getString("kimp.admin.token-file"));
    } catch (InvalidPathException e) {
      throw new ConfigException.BadValue("kimp.admin.token-file", e.getMessage());
    }
    long maxBody = c.getBytes("kimp.admin.max-body-size");
    if (maxBody < 1024 || maxBody > 8L * 1024 * 1024) {
      throw new ConfigException.BadValue("kimp.admin.max-body-size", "must be between 1k and 8m");
    }
    return new AdminSettings(
        host, port, token, tokenFile, maxBody,
        CoreSettings.positive(c, "kimp.admin.cluster-stats-timeout"),
        CoreSettings.positive(c, "kimp.metrics.refresh-interval"));
  }

  /** The API's base URL as the CLI reaches it (a wildcard bind address is reached on loopback). */
  public String url() {
    String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
  }
}
