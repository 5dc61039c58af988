package io.kimp.simulator.account;

import java.util.Map;

/** A private endpoint's answer: an HTTP status, a JSON body, extra headers (rate-limit counters). */
public record PrivateReply(int status, String body, Map<String, String> headers) {
  public PrivateReply(int status, String body) {
    this(status, body, Map.of());
  }

  public PrivateReply withHeaders(Map<String, String> h) {
    if (h.isEmpty()) {
      return this;
    }
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.putAll(h);
    return new PrivateReply(status, body, all);
  }
}
