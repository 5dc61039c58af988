package io.kimp.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.app.http.ApiJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The CLI's way to a running node: plain HTTP/1.1 to the admin API with the bearer token. The node does the work (and
 * records who asked); the CLI only shows the answer.
 */
final class AdminApiClient {
  /** The API answered with an error: its status and the {@code message} of its JSON body. */
  static final class ApiFailure extends Exception {
    final int status;

    ApiFailure(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** The API could not be reached at all. */
  static final class Unreachable extends Exception {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String token;
  private final String operator;

  AdminApiClient(URI base, String token, String operator) {
    this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    this.token = token;
    this.operator = operator;
  }

  JsonNode get(String path) throws ApiFailure, Unreachable {
    return send("GET", path, null);
  }

  JsonNode post(String path, Object body) throws ApiFailure, Unreachable {
    return send("POST", path, body);
  }

  /** @param path relative to the base URL (which may carry a proxy's prefix), e.g. {@code api/v1/dlq} */
  private JsonNode send(String method, String path, Object body) throws ApiFailure, Unreachable {
    URI uri = base.resolve(path);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
    if (operator != null) {
      b.header("X-Kimp-Operator", operator);
    }
    try {
      byte[] json = body == null ? new byte[0] : ApiJson.MAPPER.writeValueAsBytes(body);
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(json));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode tree = r.body().isBlank() ? ApiJson.MAPPER.nullNode() : ApiJson.MAPPER.readTree(r.body());
      if (r.statusCode() >= 400) {
        String message = tree.hasNonNull("message") ? tree.get("message").asText() : r.body();
        throw new ApiFailure(r.statusCode(), message);
      }
      return tree;
    } catch (IOException e) {
      throw new Unreachable("cannot reach the admin API at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted", e);
    }
  }
}
