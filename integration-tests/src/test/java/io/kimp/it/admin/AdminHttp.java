package io.kimp.it.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

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

  /** Bodies larger than this are sent with {@code Expect: 100-continue} (the admin API's limit is 16 KiB). */
  private static final int EXPECT_CONTINUE_ABOVE = 8 * 1024;

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
    if (body != null && body.length > EXPECT_CONTINUE_ABOVE) {
      return sendAskingFirst(method, path, body);
    }
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

  /**
   * Sends a large body as curl does: {@code Expect: 100-continue} first, the body only once the server asked for it.
   * A server that refuses a body (413) and closes the connection while the client is still writing it makes the kernel
   * reset the connection, and the reset can discard the 413 before the client reads it ("header parser received no
   * bytes", seen in CI). java.net.http cannot be used for this: on JDK 17 its expect-continue request never completes
   * when the answer is not 100. So this is a plain HTTP/1.1 exchange over a socket (one request, Connection: close).
   */
  private Reply sendAskingFirst(String method, String path, byte[] body) {
    URI uri = URI.create(base);
    try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      StringBuilder h = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
          .append(uri.getHost()).append("\r\n");
      if (token != null) {
        h.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      if (operator != null) {
        h.append("X-Kimp-Operator: ").append(operator).append("\r\n");
      }
      h.append("Content-Type: application/json\r\nContent-Length: ").append(body.length)
          .append("\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
      out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream());
      Head head = Head.read(in);
      if (head.status() == 100) {
        out.write(body);
        out.flush();
        head = Head.read(in);
      }
      String length = head.headers().get("content-length");
      byte[] content = length != null ? in.readNBytes(Integer.parseInt(length.trim())) : in.readAllBytes();
      String text = new String(content, StandardCharsets.UTF_8);
      String type = head.headers().getOrDefault("content-type", "");
      return new Reply(head.status(), type, text, type.startsWith("application/json") ? JSON.readTree(text) : null);
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    }
  }

  /** A response's status line and headers (names lower-cased). */
  private record Head(int status, Map<String, String> headers) {
    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed before the end of the response headers: " + bytes);
        }
        bytes.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
      }
      return new Head(Integer.parseInt(lines[0].split(" ")[1]), headers);
    }
  }
}
