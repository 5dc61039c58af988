package io.kimp.simulator.account;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A private REST request as the simulated venue sees it: the raw (still encoded) query string and body, because a
 * signature covers exactly what was sent.
 *
 * @param headers by lower-case name
 */
public record PrivateRequest(String method, String path, String rawQuery, String body, Map<String, String> headers) {

  public String endpoint() {
    return method + " " + path;
  }

  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  /** Decoded query parameters (first value of each name), in order. */
  public Map<String, String> query() {
    return form(rawQuery);
  }

  /** Decoded {@code application/x-www-form-urlencoded} pairs of {@code raw}, first value of each name, in order. */
  public static Map<String, String> form(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }
}
