package io.kimp.gateway.upbit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.kimp.gateway.http.ApiCredentials;
import io.kimp.gateway.http.Json;
import io.kimp.gateway.http.QueryString;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Upbit tokens checked by an independent JWT implementation (nimbus-jose-jwt), not the library that signs them. */
class UpbitAuthTest {
  // HS512 needs a key of at least 512 bits for nimbus to accept it
  private static final String SECRET = "upbit-test-secret-0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final ApiCredentials KEYS = new ApiCredentials("upbit-access-key-for-tests", SECRET);

  /** SHA-512 of the body below, computed outside Java (Python hashlib). */
  private static final String BODY_HASH =
      "ebaa048336a0386a25e4c305a69925eb86a8dfc4beafca78aa32ef1e45cc4d21"
          + "9ef66856ba63530ca371771a4bbd0870682c8370f8789f2df97d0557c158cb89";

  @Test
  void jsonBodyBecomesTheQueryStringInOrderAndIsHashed() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("market", "KRW-XRP").put("side", "bid").put("price", "10000").put("ord_type", "price")
        .put("identifier", "abc");
    String raw = UpbitAuth.bodyQuery(body);
    assertThat(raw).isEqualTo("market=KRW-XRP&side=bid&price=10000&ord_type=price&identifier=abc");
    assertThat(UpbitAuth.queryHash(raw)).isEqualTo(BODY_HASH);
  }

  @Test
  void tokenWithParametersVerifiesWithAnIndependentLibrary() throws Exception {
    String raw = "market=KRW-XRP&side=bid&price=10000&ord_type=price&identifier=abc";
    String token = new UpbitAuth(KEYS).token(raw, "2a3b1d4e-0000-4000-8000-000000000001");

    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS512);
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getStringClaim("access_key")).isEqualTo("upbit-access-key-for-tests");
    assertThat(claims.getStringClaim("nonce")).isEqualTo("2a3b1d4e-0000-4000-8000-000000000001");
    assertThat(claims.getStringClaim("query_hash")).isEqualTo(BODY_HASH);
    assertThat(claims.getStringClaim("query_hash_alg")).isEqualTo("SHA512");
  }

  @Test
  void tokenWithoutParametersHasNoQueryHash() throws Exception {
    SignedJWT jwt = SignedJWT.parse(new UpbitAuth(KEYS).token("", "n-1"));
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getClaims()).containsOnlyKeys("access_key", "nonce");
  }

  @Test
  void aWrongSecretDoesNotVerify() throws Exception {
    String token = new UpbitAuth(KEYS).token("currency=XRP", "n-2");
    byte[] other = SECRET.replace('u', 'v').getBytes(StandardCharsets.UTF_8);
    assertThat(SignedJWT.parse(token).verify(new MACVerifier(other))).isFalse();
  }

  /** The hash covers the un-encoded query, while the wire carries it encoded. */
  @Test
  void queryIsHashedUnencoded() throws Exception {
    QueryString q = new QueryString().add("currency", "XRP").add("address", "r9 x/y");
    assertThat(q.encoded()).isEqualTo("currency=XRP&address=r9+x%2Fy");
    assertThat(q.raw()).isEqualTo("currency=XRP&address=r9 x/y");
    String token = new UpbitAuth(KEYS).token(q.raw(), "n-3");
    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("query_hash"))
        .isEqualTo(UpbitAuth.queryHash("currency=XRP&address=r9 x/y"));
  }

  @Test
  void nonceIsFreshPerRequest() throws Exception {
    UpbitAuth auth = new UpbitAuth(KEYS);
    String a = SignedJWT.parse(auth.authorization("").substring(7)).getJWTClaimsSet().getStringClaim("nonce");
    String b = SignedJWT.parse(auth.authorization("").substring(7)).getJWTClaimsSet().getStringClaim("nonce");
    assertThat(a).isNotEqualTo(b);
  }
}
