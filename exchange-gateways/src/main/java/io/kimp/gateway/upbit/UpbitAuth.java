package io.kimp.gateway.upbit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.gateway.http.ApiCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * Upbit's request authentication: a JWT signed HS512 with the secret key, carrying {@code access_key}, a fresh UUID
 * {@code nonce} and, when the request has parameters, {@code query_hash} = SHA-512 hex of the un-encoded query string
 * ({@code k=v&…}; a JSON body is turned into that form field by field, in order) with {@code query_hash_alg=SHA512}.
 */
public final class UpbitAuth {
  private final ApiCredentials credentials;
  private final Algorithm algorithm;

  public UpbitAuth(ApiCredentials credentials) {
    this.credentials = credentials;
    this.algorithm = Algorithm.HMAC512(credentials.secret());
  }

  /** The {@code Authorization} header value for a request whose un-encoded parameter string is {@code rawQuery}. */
  public String authorization(String rawQuery) {
    return "Bearer " + token(rawQuery, UUID.randomUUID().toString());
  }

  /** The JWT itself; {@code rawQuery} null or empty means a request without parameters. */
  public String token(String rawQuery, String nonce) {
    JWTCreator.Builder jwt = JWT.create().withClaim("access_key", credentials.key()).withClaim("nonce", nonce);
    if (rawQuery != null && !rawQuery.isEmpty()) {
      jwt.withClaim("query_hash", queryHash(rawQuery)).withClaim("query_hash_alg", "SHA512");
    }
    return jwt.sign(algorithm);
  }

  public static String queryHash(String rawQuery) {
    try {
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      return HexFormat.of().formatHex(sha512.digest(rawQuery.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 unavailable", e);
    }
  }

  /** A flat JSON body as the {@code k=v&…} string Upbit hashes: fields in body order, values as text, unencoded. */
  public static String bodyQuery(JsonNode body) {
    StringBuilder sb = new StringBuilder();
    Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (f.getValue().isNull()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(f.getKey()).append('=').append(f.getValue().asText());
    }
    return sb.toString();
  }
}
