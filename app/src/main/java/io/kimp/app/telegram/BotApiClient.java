package io.kimp.app.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawRequestURI;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * The two Bot API methods kimp uses, over Pekko HTTP, with every answer classified into what the notifier must do next.
 * Never throws and never fails its stages: network errors and timeouts become {@link SendOutcome.Transient}. The token is
 * in every request's path: Pekko HTTP only ever sees a masked URI (the real path is rendered from a
 * {@code Raw-Request-URI} header), its pool logs through {@link MaskingLog}, and error texts returned are masked.
 */
final class BotApiClient {

  /** What became of one {@code sendMessage}. */
  sealed interface SendOutcome {
    /** Telegram accepted the message. */
    record Sent(long messageId) implements SendOutcome {}

    /** 429: send nothing to this chat before {@code wait} is over. */
    record RetryAfter(Duration delay) implements SendOutcome {}

    /** 5xx, network error or timeout: try again after a backoff (Telegram may or may not have delivered it). */
    record Transient(String failureClass, String detail) implements SendOutcome {}

    /** 400 "can't parse entities": our markup is wrong; the message can still go as plain text. */
    record CannotParse(String description) implements SendOutcome {}

    /** Wrong token, bot blocked, unknown chat: nothing works until an operator fixes the configuration. */
    record Misconfigured(int status, String description) implements SendOutcome {}

    /** Any other 4xx: this message will never be accepted. */
    record Rejected(int status, String description) implements SendOutcome {}
  }

  /** An update as kimp reads it: a text message (text is null for anything else, which still advances the offset). */
  record Update(long updateId, String chatId, long fromId, String fromUsername, String text) {}

  sealed interface PollOutcome {
    record Updates(List<Update> updates) implements PollOutcome {}

    /** 409 means another bot instance is polling with the same token. */
    record Failed(String failureClass, String detail) implements PollOutcome {}
  }

  private final ClassicActorSystemProvider system;
  private final Materializer materializer;
  private final TelegramSettings settings;
  private final ObjectMapper json = new ObjectMapper();
  private final ConnectionPoolSettings pool;
  private final LoggingAdapter poolLog;

  BotApiClient(ClassicActorSystemProvider system, TelegramSettings settings) {
    this.system = system;
    this.materializer = Materializer.matFromSystem(system);
    this.settings = settings;
    // the notifier retries with its own backoff: the pool must not add its own (up to minutes) after an outage, nor
    // resend a sendMessage by itself
    Duration base = settings.backoffMin().compareTo(Duration.ofMillis(100)) < 0 ? settings.backoffMin()
        : Duration.ofMillis(100);
    this.pool =
        ConnectionPoolSettings.create(system.classicSystem())
            .withMaxRetries(0)
            .withBaseConnectionBackoff(base)
            .withMaxConnectionBackoff(settings.backoffMin());
    // one instance for every request: the pool is chosen by (host, settings, log)
    this.poolLog = new MaskingLog(Logging.getLogger(system.classicSystem(), this), settings::mask);
  }

  CompletionStage<SendOutcome> sendMessage(String chatId, String text, boolean markdown) {
    ObjectNode body = json.createObjectNode();
    putChatId(body, chatId);
    body.put("text", text);
    if (markdown) {
      body.put("parse_mode", "MarkdownV2");
    }
    body.putObject("link_preview_options").put("is_disabled", true);
    return call("sendMessage", body, settings.requestTimeout())
        .handle(
            (reply, err) -> {
              if (err != null) {
                return transientOf(err);
              }
              return classify(reply);
            });
  }

  CompletionStage<PollOutcome> getUpdates(long offset, Duration wait) {
    ObjectNode body = json.createObjectNode();
    if (offset > 0) {
      body.put("offset", offset);
    }
    body.put("timeout", wait.toSeconds());
    body.putArray("allowed_updates").add("message");
    return call("getUpdates", body, wait.plus(settings.requestTimeout()))
        .handle(
            (reply, err) -> {
              if (err != null) {
                SendOutcome.Transient t = transientOf(err);
                return new PollOutcome.Failed(t.failureClass(), t.detail());
              }
              if (reply.status() == 200 && reply.body().path("ok").asBoolean(false)) {
                return new PollOutcome.Updates(updates(reply.body().path("result")));
              }
              return new PollOutcome.Failed(
                  reply.status() == 409 ? "conflict" : failureClass(reply.status()), describe(reply));
            });
  }

  private record Reply(int status, JsonNode body, Optional<String> retryAfterHeader) {}

  private CompletionStage<Reply> call(String method, ObjectNode body, Duration timeout) {
    // the token only in the request line (Raw-Request-URI), never in the URI Pekko HTTP keeps, logs and shows
    HttpRequest request =
        HttpRequest.POST(settings.maskedMethodUrl(method))
            .addHeader(RawRequestURI.create(settings.methodTarget(method)))
            .withEntity(ContentTypes.APPLICATION_JSON, body.toString());
    Http http = Http.get(system);
    return http
        .singleRequest(request, http.defaultClientHttpsContext(), pool, poolLog)
        .thenCompose(
            response ->
                response
                    .entity()
                    .toStrict(timeout.toMillis(), materializer)
                    .thenApply(strict -> new Reply(response.status().intValue(), parse(strict.getData().utf8String()),
                        retryAfterHeader(response))))
        .toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Optional<String> retryAfterHeader(HttpResponse response) {
    return response.getHeader("Retry-After").map(h -> h.value());
  }

  private JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (Exception e) {
      // a proxy's HTML error page: only the status tells what happened
      return json.createObjectNode();
    }
  }

  private SendOutcome classify(Reply r) {
    JsonNode b = r.body();
    if (r.status() == 200 && b.path("ok").asBoolean(false)) {
      return new SendOutcome.Sent(b.path("result").path("message_id").asLong());
    }
    String description = describe(r);
    if (r.status() == 429) {
      long seconds = b.path("parameters").path("retry_after").asLong(0);
      if (seconds <= 0) {
        seconds = r.retryAfterHeader().map(BotApiClient::parseSeconds).orElse(1L);
      }
      return new SendOutcome.RetryAfter(Duration.ofSeconds(Math.max(1, seconds)));
    }
    if (r.status() >= 500 || r.status() == 200) {
      return new SendOutcome.Transient("server_error", description);
    }
    String lower = description.toLowerCase(java.util.Locale.ROOT);
    if (r.status() == 400 && lower.contains("can't parse entities")) {
      return new SendOutcome.CannotParse(description);
    }
    if (r.status() == 401 || r.status() == 403 || r.status() == 404 || lower.contains("chat not found")) {
      return new SendOutcome.Misconfigured(r.status(), description);
    }
    return new SendOutcome.Rejected(r.status(), description);
  }

  private static long parseSeconds(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private String describe(Reply r) {
    String d = r.body().path("description").asText("");
    return settings.mask(r.status() + (d.isEmpty() ? "" : " " + d));
  }

  private static String failureClass(int status) {
    if (status == 429) {
      return "rate_limited";
    }
    if (status >= 500) {
      return "server_error";
    }
    return status == 401 || status == 403 || status == 404 ? "misconfigured" : "rejected";
  }

  private SendOutcome.Transient transientOf(Throwable err) {
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof TimeoutException) {
      return new SendOutcome.Transient("timeout", "no answer within the request timeout");
    }
    return new SendOutcome.Transient("network", settings.mask(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
  }

  private List<Update> updates(JsonNode result) {
    List<Update> list = new ArrayList<>();
    for (JsonNode u : result) {
      JsonNode m = u.path("message");
      list.add(
          new Update(
              u.path("update_id").asLong(),
              m.path("chat").path("id").asText(null),
              m.path("from").path("id").asLong(0),
              m.path("from").path("username").asText(null),
              m.path("text").isTextual() ? m.path("text").asText() : null));
    }
    return list;
  }

  private static void putChatId(ObjectNode body, String chatId) {
    try {
      body.put("chat_id", Long.parseLong(chatId));
    } catch (NumberFormatException e) {
      body.put("chat_id", chatId);
    }
  }
}
