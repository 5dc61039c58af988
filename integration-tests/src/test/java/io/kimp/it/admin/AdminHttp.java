package io.kimp.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Real HTTP over loopback to a node's admin API (java.net.http), with or without the bearer token. */
final class AdminHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One answer: status, content type, raw body and the body as JSON (null when it is not JSON). */
  record Reply(int status, String contentType, String body, JsonNode json) {
    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;
  private final String operator;

  AdminHttp(int port, String token) {
    this(port, token, null);
  }

  private AdminHttp(int port, String token, String operator) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
    this.operator = operator;
  }

  AdminHttp withToken(String other) {
    return new AdminHttp(URI.create(base).getPort(), other, operator);
  }

  /** Requests naming {@code name} as the operator who acts ({@code X-Kimp-Operator}). */
  AdminHttp as(String name) {
    return new AdminHttp(URI.create(base).getPort(), token, name);
  }

  String base() {
    return base;
  }

  Reply get(String path) {
    return send("GET", path, (String) null);
  }

  Reply post(String path, String body) {
    return send("POST", path, body);
  }

  Reply put(String path, String body) {
    return send("PUT", path, body);
  }

  Reply send(String method, String path, String body) {
    return sendBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  Reply sendBytes(String method, String path, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (operator != null) {
      b.header("X-Kimp-Operator", operator);
    }
    b.header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      String type = r.headers().firstValue("Content-Type").orElse("");
      JsonNode json = null;
      if (type.startsWith("application/json")) {
        json = JSON.readTree(r.body());
      }
      return new Reply(r.statusCode(), type, r.body(), json);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
