package io.kimp.simulator.account;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upbit's check of an authenticated request, written from the docs (docs.upbit.com "인증" / global-docs.upbit.com
 * "Authentication") and never from kimp's signer: a venue that verified with the gateway's own code would agree with any
 * mistake in it. The simulator's account and the test fixtures' fake Upbit both check with this one copy.
 *
 * <p>{@code Authorization: Bearer <JWT>}, signed HS512 (or HS256) with the secret key; claims {@code access_key}
 * ({@code invalid_access_key}), {@code nonce} (never reusable: {@code nonce_used}) and, when the request has parameters,
 * {@code query_hash} = SHA-512 hex of the query string before URL encoding (a JSON body as {@code k=v&…} in the order
 * written) with {@code query_hash_alg=SHA512}, its default ({@code invalid_query_payload}); anything else wrong with the
 * token is {@code jwt_verification}. The steps are public one by one so that a venue can refuse between them (a key
 * refused after it is recognised, before its nonce is spent).
 */
public final class UpbitTokens {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UpbitTokens() {}

  /** A request Upbit refuses: HTTP status, the error name and message of its JSON body. */
  public static final class Refused extends Exception {
    public final int status;
    public final String name;

    public Refused(int status, String name, String message) {
      super(message, null, false, false);
      this.status = status;
      this.name = name;
    }
  }

  /** Every step: {@link #claims}, {@link #checkNonce} (adding the nonce to {@code usedNonces}), {@link #checkQueryHash}. */
  public static void verify(PrivateRequest r, String accessKey, String secretKey, Set<String> usedNonces)
      throws Refused {
    JsonNode claims = claims(r, accessKey, secretKey);
    checkNonce(claims, usedNonces);
    checkQueryHash(claims, r);
  }

  /** The token's claims, once its form, algorithm, signature and {@code access_key} are right. */
  public static JsonNode claims(PrivateRequest r, String accessKey, String secretKey) throws Refused {
    String auth = r.header("authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      throw new Refused(401, "jwt_verification", "Authorization header is missing or not a Bearer token.");
    }
    String[] parts = auth.substring(7).trim().split("\\.");
    if (parts.length != 3) {
      throw new Refused(401, "jwt_verification", "The token is not a JWT.");
    }
    JsonNode header;
    JsonNode claims;
    byte[] signature;
    try {
      header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
      claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      signature = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException | IOException e) {
      throw new Refused(401, "jwt_verification", "The token's parts are not base64url JSON.");
    }
    if (header == null || claims == null) {
      throw new Refused(401, "jwt_verification", "The token's parts are not base64url JSON.");
    }
    String alg = header.path("alg").asText("");
    String mac = alg.equals("HS512") ? "HmacSHA512" : alg.equals("HS256") ? "HmacSHA256" : null;
    if (mac == null) {
      throw new Refused(401, "jwt_verification", "The token must be signed HS512 or HS256.");
    }
    if (!MessageDigest.isEqual(hmac(mac, secretKey, parts[0] + "." + parts[1]), signature)) {
      throw new Refused(401, "jwt_verification", "The token's signature does not verify.");
    }
    if (!MessageDigest.isEqual(accessKey.getBytes(StandardCharsets.UTF_8),
        claims.path("access_key").asText("").getBytes(StandardCharsets.UTF_8))) {
      throw new Refused(401, "invalid_access_key", "잘못된 엑세스 키입니다.");
    }
    return claims;
  }

  /** The claims' {@code nonce}: present and never seen before; it is added to {@code usedNonces}. */
  public static void checkNonce(JsonNode claims, Set<String> usedNonces) throws Refused {
    String nonce = claims.path("nonce").asText("");
    if (nonce.isEmpty()) {
      throw new Refused(401, "jwt_verification", "The token has no nonce.");
    }
    if (!usedNonces.add(nonce)) {
      throw new Refused(401, "nonce_used", "이미 요청한 nonce값이 다시 사용되었습니다.");
    }
  }

  /** The claims' {@code query_hash} against the request's parameters (a POST's JSON body, else its query string). */
  public static void checkQueryHash(JsonNode claims, PrivateRequest r) throws Refused {
    String params;
    try {
      params = r.method().equals("POST") ? bodyParameters(r.body()) : unencodedQuery(r.rawQuery());
    } catch (IllegalArgumentException | IOException e) {
      throw new Refused(400, "validation_error", "The parameters cannot be read: " + e.getMessage());
    }
    if (!params.isEmpty()) {
      String hash = claims.path("query_hash").asText("");
      if (!"SHA512".equals(claims.path("query_hash_alg").asText("SHA512"))
          || !MessageDigest.isEqual(sha512Hex(params).getBytes(StandardCharsets.US_ASCII),
              hash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
        throw new Refused(401, "invalid_query_payload", "JWT의 query를 검증하는데 실패하였습니다.");
      }
    }
  }

  /*
   * What query_hash covers: the request's parameters as a query string BEFORE URL encoding, key=value joined by & in the
   * order sent, an array as one key[]=value per element. A GET/DELETE's query string is decoded pair by pair (a
   * percent-encoded '&' or '=' inside a value stays inside it); a POST's JSON body is read member by member in the order
   * it was written, each value as written (a string's characters, a number's literal, true/false).
   */

  /** The query string as it read before URL encoding: each name and value decoded, joined as sent. */
  public static String unencodedQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8));
      if (eq >= 0) {
        out.append('=').append(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out.toString();
  }

  /** A JSON body's members as {@code key=value&…} in the order written (arrays as {@code key[]=v}), nulls left out. */
  public static String bodyParameters(String body) throws IOException {
    if (body == null || body.isBlank()) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    try (JsonParser p = JSON.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("the body is not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_ARRAY) {
          for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            pairs.add(name + "[]=" + scalar(p, name));
          }
        } else if (value != JsonToken.VALUE_NULL) {
          pairs.add(name + "=" + scalar(p, name));
        }
      }
    }
    return String.join("&", pairs);
  }

  private static String scalar(JsonParser p, String name) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT
        || t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return p.getText(); // a number's text is its literal as written
    }
    throw new IllegalArgumentException("'" + name + "' is not a string, number or boolean");
  }

  /** SHA-512 of {@code s} (UTF-8), in lower-case hex. */
  public static String sha512Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(String algorithm, String secret, String payload) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
