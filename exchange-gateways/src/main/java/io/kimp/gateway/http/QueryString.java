package io.kimp.gateway.http;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Request parameters in the order they were added. Both venues sign over the parameter string as written, so the order
 * (and for Binance the exact encoding) that is signed must be the order that is sent.
 */
public final class QueryString {
  private final List<Map.Entry<String, String>> params = new ArrayList<>();

  public QueryString add(String name, Object value) {
    if (value != null) {
      String v = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
      params.add(Map.entry(name, v));
    }
    return this;
  }

  public QueryString copy() {
    QueryString q = new QueryString();
    q.params.addAll(params);
    return q;
  }

  public boolean isEmpty() {
    return params.isEmpty();
  }

  public List<Map.Entry<String, String>> entries() {
    return List.copyOf(params);
  }

  /** {@code k=v&…} with values URL-encoded (what goes on the wire). */
  public String encoded() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(p.getKey()).append('=').append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  /** {@code k=v&…} without encoding (what Upbit hashes into {@code query_hash}). */
  public String raw() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(p.getKey()).append('=').append(p.getValue());
    }
    return sb.toString();
  }
}
