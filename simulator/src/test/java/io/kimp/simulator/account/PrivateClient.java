package io.kimp.simulator.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A minimal client of the simulated venues' private REST for the protocol tests, signing as the venues' docs say (its own
 * code: neither the simulator's verifier nor kimp's signers), with knobs to sign wrongly on purpose.
 */
final class PrivateClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  record Reply(int status, JsonNode json, Map<String, String> headers) {}

  // ---------------------------------------------------------------- Binance

  /** {@code params} in order; {@code timestamp} added; signed with {@code secret} over query + body. */
  Reply binance(String base, String method, String path, Map<String, String> params, String key, String secret,
      long timestamp) throws Exception {
    StringJoiner q = new StringJoiner("&");
    params.forEach((k, v) -> q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    q.add("timestamp=" + timestamp);
    String payload = q.toString();
    String signed = payload + "&signature=" + hmacHex("HmacSHA256", secret, payload);
    HttpRequest.Builder b;
    if (method.equals("POST")) {
      b = HttpRequest.newBuilder(URI.create(base + path))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(signed));
    } else {
      b = HttpRequest.newBuilder(URI.create(base + path + "?" + signed)).method(method,
          HttpRequest.BodyPublishers.noBody());
    }
    if (key != null) {
      b.header("X-MBX-APIKEY", key);
    }
    return send(b.build());
  }

  Reply binance(String base, String method, String path, Map<String, String> params, SimKeys keys) throws Exception {
    return binance(base, method, path, params, keys.binanceApiKey(), keys.binanceSecretKey(),
        System.currentTimeMillis());
  }

  // ---------------------------------------------------------------- Upbit

  /** A JWT as Upbit's authentication guide builds it. */
  static String jwt(String alg, String accessKey, String secret, String nonce, String query) throws Exception {
    ObjectNode header = JSON.createObjectNode().put("alg", alg).put("typ", "JWT");
    ObjectNode claims = JSON.createObjectNode().put("access_key", accessKey).put("nonce", nonce);
    if (query != null && !query.isEmpty()) {
      claims.put("query_hash", HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-512").digest(query.getBytes(StandardCharsets.UTF_8))));
      claims.put("query_hash_alg", "SHA512");
    }
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String unsigned = enc.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
        + enc.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    byte[] sig = hmac(alg.equals("HS256") ? "HmacSHA256" : "HmacSHA512", secret, unsigned);
    return unsigned + "." + enc.encodeToString(sig);
  }

  /** GET/DELETE with {@code params} as the query (hashed unencoded), or POST with them as the JSON body. */
  Reply upbit(String base, String method, String path, Map<String, String> params, String token) throws Exception {
    HttpRequest.Builder b;
    if (method.equals("POST")) {
      ObjectNode body = JSON.createObjectNode();
      params.forEach(body::put);
      b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      StringJoiner q = new StringJoiner("&");
      params.forEach((k, v) -> q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
      b = HttpRequest.newBuilder(URI.create(base + path + (params.isEmpty() ? "" : "?" + q)))
          .method(method, HttpRequest.BodyPublishers.noBody());
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  Reply upbit(String base, String method, String path, Map<String, String> params, SimKeys keys) throws Exception {
    return upbit(base, method, path, params,
        jwt("HS512", keys.upbitAccessKey(), keys.upbitSecretKey(), UUID.randomUUID().toString(), raw(params)));
  }

  /** {@code k=v&…} unencoded, in order: what query_hash covers. */
  static String raw(Map<String, String> params) {
    StringJoiner j = new StringJoiner("&");
    params.forEach((k, v) -> j.add(k + "=" + v));
    return j.toString();
  }

  static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private Reply send(HttpRequest r) throws Exception {
    HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
    Map<String, String> h = new LinkedHashMap<>();
    res.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    String body = res.body().strip();
    // an HTML error page (a load balancer's 5xx) is no JSON: no tree
    return new Reply(res.statusCode(), body.startsWith("{") || body.startsWith("[") ? JSON.readTree(body) : null, h);
  }

  static String hmacHex(String alg, String secret, String payload) throws Exception {
    return HexFormat.of().formatHex(hmac(alg, secret, payload));
  }

  static byte[] hmac(String alg, String secret, String payload) throws Exception {
    Mac mac = Mac.getInstance(alg);
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), alg));
    return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
  }

  /** The balance of {@code asset} in a Binance /api/v3/account or Upbit /v1/accounts reply (0 when absent). */
  static java.math.BigDecimal balance(JsonNode json, String asset) {
    JsonNode list = json.has("balances") ? json.get("balances") : json;
    for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
      JsonNode b = it.next();
      String a = b.has("asset") ? b.get("asset").asText() : b.get("currency").asText();
      if (a.equals(asset)) {
        return new java.math.BigDecimal(b.has("free") ? b.get("free").asText() : b.get("balance").asText());
      }
    }
    return java.math.BigDecimal.ZERO;
  }
}
