package io.kimp.app.telegram;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.core.config.CoreSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The Bot API connection, read from {@code kimp.telegram.*} and validated at start-up (every problem names its key). The
 * bot token is a secret: {@link #toString()} masks it, and so does {@link #mask(String)} for any text that might contain it.
 *
 * @param enabled {@code kimp.telegram.enabled} as configured
 * @param minIntervalPerChat Telegram allows about one message per second per chat
 * @param pollTimeout how long one {@code getUpdates} long poll waits at Telegram for an update
 * @param maxFieldLength an alert field longer than this is cut (before escaping), so that one huge venue error does not
 *     become a dozen messages
 */
public record TelegramSettings(
    boolean enabled,
    URI apiUrl,
    String botToken,
    String chatId,
    Duration minIntervalPerChat,
    Duration requestTimeout,
    Duration pollTimeout,
    boolean commandsEnabled,
    Duration commandTimeout,
    Duration backoffMin,
    Duration backoffMax,
    double backoffRandomFactor,
    int maxMessageLength,
    int maxFieldLength) {

  private static final Pattern TOKEN = Pattern.compile("\\d+:[A-Za-z0-9_-]+");
  private static final Pattern CHAT = Pattern.compile("-?\\d+|@[A-Za-z][A-Za-z0-9_]{3,}");
  /** Telegram's own limit on a message's text. */
  public static final int TELEGRAM_MAX_MESSAGE = 4096;

  public static TelegramSettings fromConfig(Config c) {
    String p = "kimp.telegram.";
    boolean enabled = c.getBoolean(p + "enabled");
    String token = c.getString(p + "bot-token").trim();
    String chat = c.getString(p + "chat-id").trim();
    boolean active = enabled && !token.isEmpty();
    if (active && !TOKEN.matcher(token).matches()) {
      // never echo the value: it is a secret even when malformed
      throw new ConfigException.BadValue(p + "bot-token", "is not a Telegram bot token (digits ':' letters)");
    }
    if (active && chat.isEmpty()) {
      throw new ConfigException.BadValue(p + "chat-id", "is required when a bot token is set (env TELEGRAM_CHAT_ID)");
    }
    if (!chat.isEmpty() && !CHAT.matcher(chat).matches()) {
      throw new ConfigException.BadValue(p + "chat-id", "must be a numeric chat id or @channel, not '" + chat + "'");
    }
    Duration backoffMin = CoreSettings.positive(c, p + "backoff.min");
    Duration backoffMax = CoreSettings.positive(c, p + "backoff.max");
    if (backoffMax.compareTo(backoffMin) < 0) {
      throw new ConfigException.BadValue(p + "backoff.max", "must not be below " + p + "backoff.min");
    }
    double random = c.getDouble(p + "backoff.random-factor");
    if (random < 0 || random > 1) {
      throw new ConfigException.BadValue(p + "backoff.random-factor", "must be between 0 and 1, not " + random);
    }
    Duration poll = c.getDuration(p + "poll-timeout");
    if (poll.isNegative() || poll.compareTo(Duration.ofSeconds(50)) > 0) {
      throw new ConfigException.BadValue(p + "poll-timeout", "must be between 0 and 50 s, not " + poll);
    }
    int maxMessage = CoreSettings.atLeast(c, p + "max-message-length", 256);
    if (maxMessage > TELEGRAM_MAX_MESSAGE) {
      throw new ConfigException.BadValue(p + "max-message-length", "Telegram accepts at most " + TELEGRAM_MAX_MESSAGE);
    }
    return new TelegramSettings(
        enabled,
        apiUrl(c, p + "api-url"),
        token,
        chat,
        CoreSettings.positive(c, p + "min-interval-per-chat"),
        CoreSettings.positive(c, p + "request-timeout"),
        poll,
        c.getBoolean(p + "commands-enabled"),
        CoreSettings.positive(c, p + "command-timeout"),
        backoffMin,
        backoffMax,
        random,
        maxMessage,
        CoreSettings.atLeast(c, p + "max-field-length", 16));
  }

  private static URI apiUrl(Config c, String key) {
    String raw = c.getString(key).trim();
    try {
      URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException.BadValue(key, "must be an http(s) URL, not '" + raw + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException.BadValue(key, "must be an http(s) URL: " + e.getMessage());
    }
  }

  /** Telegram is used only when enabled and a token is configured; otherwise alerts go to the log. */
  public boolean active() {
    return enabled && !botToken.isEmpty();
  }

  /**
   * The wait after the {@code failures}-th consecutive failure: {@code backoff.min × 2^(failures−1)}, at most
   * {@code backoff.max}, spread by up to ± {@code random-factor} so that nodes do not retry in step.
   */
  public Duration backoff(int failures) {
    double base = backoffMin.toMillis() * Math.pow(2, Math.max(0, Math.min(failures, 31) - 1));
    double capped = Math.min(base, backoffMax.toMillis());
    double jitter = 1 + backoffRandomFactor * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofMillis(Math.max(1, Math.round(Math.min(capped * jitter, backoffMax.toMillis()))));
  }

  /** What stands for the token wherever it would be shown. */
  static final String MASK = "***";

  /**
   * {@code {api}/bot***}{@code /<method>}: the request URI Pekko HTTP is given, and may log (its connection pool logs
   * request lines, e.g. of requests dropped at shutdown). The real target goes in {@link #methodTarget}.
   */
  String maskedMethodUrl(String method) {
    return apiUrl + "/bot" + MASK + "/" + method;
  }

  /** {@code /bot<token>/<method>} under the API's base path: rendered only into the request line. */
  String methodTarget(String method) {
    String base = apiUrl.getRawPath() == null ? "" : apiUrl.getRawPath();
    return base + "/bot" + botToken + "/" + method;
  }

  /** {@code text} with the token replaced, for anything that is logged or shown. */
  public String mask(String text) {
    if (text == null || botToken.isEmpty()) {
      return text;
    }
    return text.replace(botToken, MASK);
  }

  @Override
  public String toString() {
    return "TelegramSettings[enabled=" + enabled + ", apiUrl=" + apiUrl + ", botToken="
        + (botToken.isEmpty() ? "<none>" : "<masked>") + ", chatId=" + chatId + ", minIntervalPerChat="
        + minIntervalPerChat + ", requestTimeout=" + requestTimeout + ", pollTimeout=" + pollTimeout
        + ", commandsEnabled=" + commandsEnabled + ", commandTimeout=" + commandTimeout + ", backoff=" + backoffMin
        + ".." + backoffMax + "]";
  }
}
