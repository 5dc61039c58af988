package io.kimp.gateway.live;

import static io.kimp.gateway.live.LiveVenues.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.gateway.http.ApiCredentials;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.upbit.UpbitGateway;
import io.kimp.gateway.upbit.UpbitSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fake venues check signatures the way the venues' docs say, with their own code: a request signed over anything but
 * the documented string (the gateway's encoding changed, keys reordered, the encoded query hashed) is refused, and the
 * live gateways' requests pass with parameters that encode differently from how they read.
 *
 * <p>Requests here are signed by this test (nimbus-jose-jwt for Upbit's JWT, {@code javax.crypto} for Binance), sharing no
 * code with the fakes or the gateways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FakeVenueSignatureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // nimbus refuses HS512 keys under 512 bits
  private static final String UPBIT_KEY = "upbit-signature-test-access-key";
  private static final String UPBIT_SECRET = "upbit-signature-test-secret-0123456789abcdef0123456789abcdef012345";
  // Binance's documented example key pair (Spot API docs, "SIGNED endpoint examples")
  private static final String BINANCE_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
  private static final String BINANCE_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

  private final ActorTestKit kit = ActorTestKit.create();
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeChain chain;
  private FakeUpbit upbit;
  private FakeBinance binance;

  @BeforeAll
  void start() {
    chain = new FakeChain(Duration.ofMillis(100));
    upbit = FakeUpbit.start(chain, UPBIT_KEY, UPBIT_SECRET);
    upbit.setBalance("KRW", new BigDecimal("1000000")).setPrice("XRP", new BigDecimal("720"), new BigDecimal("721"));
    binance = FakeBinance.start(chain, BINANCE_KEY, BINANCE_SECRET);
    binance.setPrice("XRP", new BigDecimal("0.499"), new BigDecimal("0.5")); // XRPUSDT is a symbol Binance lists
  }

  @AfterAll
  void stop() {
    upbit.close();
    binance.close();
    kit.shutdownTestKit();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Upbit: query_hash = SHA-512 hex of the parameters as a query string before URL encoding

  @Test
  void upbitAcceptsAQueryHashOverTheUnencodedQuery() throws Exception {
    // on the wire: identifier=c%2F1+x%2By ; hashed: identifier=c/1 x+y
    Reply r = upbitGet("/v1/order", "identifier=c%2F1+x%2By", "identifier=c/1 x+y");
    assertThat(r.status).isEqualTo(404);
    assertThat(r.errorName()).isEqualTo("order_not_found");
  }

  @Test
  void upbitRefusesAQueryHashOverTheEncodedQuery() throws Exception {
    Reply r = upbitGet("/v1/order", "identifier=c%2F1+x%2By", "identifier=c%2F1+x%2By");
    assertThat(r.status).isEqualTo(401);
    assertThat(r.errorName()).isEqualTo("invalid_query_payload");
  }

  @Test
  void upbitArraysAreHashedAsKeyBracketsPerElementDecodedPairByPair() throws Exception {
    String wire = "states%5B%5D=wait&states%5B%5D=done&market=KRW-XRP";
    assertThat(upbitGet("/v1/orders/open", wire, "states[]=wait&states[]=done&market=KRW-XRP").errorName())
        .isNotEqualTo("invalid_query_payload").isNotEqualTo("jwt_verification");
    assertThat(upbitGet("/v1/orders/open", wire, "market=KRW-XRP&states[]=wait&states[]=done").errorName())
        .isEqualTo("invalid_query_payload");
  }

  @Test
  void upbitAcceptsABodyHashedAsItsMembersInTheOrderWritten() throws Exception {
    String body = "{\"market\":\"KRW-XRP\",\"side\":\"bid\",\"price\":\"10000\",\"ord_type\":\"price\","
        + "\"identifier\":\"sig-ok-1\"}";
    Reply r = upbitPost("/v1/orders", body, "market=KRW-XRP&side=bid&price=10000&ord_type=price&identifier=sig-ok-1");
    assertThat(r.status).as(r.body).isEqualTo(201);
  }

  @Test
  void upbitRefusesABodyHashedInAnotherOrderOrAsJsonText() throws Exception {
    String body = "{\"market\":\"KRW-XRP\",\"side\":\"bid\",\"price\":\"10000\",\"ord_type\":\"price\","
        + "\"identifier\":\"sig-bad-1\"}";
    // keys sorted, as a signer that built a sorted map would
    Reply sorted = upbitPost("/v1/orders", body, "identifier=sig-bad-1&market=KRW-XRP&ord_type=price&price=10000&side=bid");
    assertThat(sorted.status).isEqualTo(401);
    assertThat(sorted.errorName()).isEqualTo("invalid_query_payload");
    // the JSON text itself
    Reply text = upbitPost("/v1/orders", body, body);
    assertThat(text.errorName()).isEqualTo("invalid_query_payload");
    // the form URL-encoded
    Reply encoded = upbitPost("/v1/orders", "{\"market\":\"KRW-XRP\",\"identifier\":\"a/b c\"}",
        "market=KRW-XRP&identifier=a%2Fb+c");
    assertThat(encoded.errorName()).isEqualTo("invalid_query_payload");
    assertThat(upbit.orderCount()).isZero();
  }

  @Test
  void upbitRefusesATokenSignedWithAnotherSecret() throws Exception {
    String other = UPBIT_SECRET.replace('0', '9');
    Reply r = send(HttpRequest.newBuilder(URI.create(upbit.baseUrl() + "/v1/accounts"))
        .header("Authorization", "Bearer " + upbitToken(null, other)).GET().build());
    assertThat(r.status).isEqualTo(401);
    assertThat(r.errorName()).isEqualTo("jwt_verification");
  }

  /** The live gateway against the fake, with parameters that read differently encoded: its signer hashes what it must. */
  @Test
  void upbitGatewayRequestsPassWithParametersThatNeedEncoding() {
    UpbitGateway gateway = gateway();
    assertThat(await(gateway.queryOrder("XRP", "c/1 x+y=z&ü"))).isEmpty();
    OrderResult placed = await(gateway.placeOrder(
        OrderRequest.marketBuy("c/2 x+y=z&ü", "XRP", new BigDecimal("10005"))));
    assertThat(placed.clientId()).isEqualTo("c/2 x+y=z&ü");
    assertThat(await(gateway.queryOrder("XRP", "c/2 x+y=z&ü"))).isPresent();
  }

  private UpbitGateway gateway() {
    UpbitSettings s = new UpbitSettings(upbit.baseUrl(), new ApiCredentials(UPBIT_KEY, UPBIT_SECRET),
        Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofHours(1));
    TradingCosts costs = new TradingCosts(
        Map.of(Venue.UPBIT, new BigDecimal("0.0005"), Venue.BINANCE, new BigDecimal("0.001")), Map.of());
    return new UpbitGateway(s, new VenueHttp(kit.system(), Venue.UPBIT, s.connectTimeout(), s.requestTimeout()), costs,
        Clock.systemUTC());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Binance: HMAC-SHA256 hex over totalParams = the query string followed by the body, exactly as sent

  private static final String DOCS_PARAMS =
      "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";

  /** Binance's documented signatures (all in the query; query and body mixed) pass; the old timestamp is what fails. */
  @Test
  void binanceAcceptsTheDocumentedExampleSignatures() throws Exception {
    Reply queryOnly = binancePost(DOCS_PARAMS + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71", "");
    assertThat(queryOnly.code()).as(queryOnly.body).isEqualTo(-1021);
    Reply mixed = binancePost("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
        "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
            + "&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
    assertThat(mixed.code()).as(mixed.body).isEqualTo(-1021);
    // signatures are not case sensitive
    Reply upper = binancePost(DOCS_PARAMS + "&signature="
        + "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71".toUpperCase(), "");
    assertThat(upper.code()).isEqualTo(-1021);
  }

  @Test
  void binanceRefusesASignatureOverAnotherArrangementOfTheSameParameters() throws Exception {
    // the mixed example's parameters, with the signature of the all-in-the-query example: '&' between query and body
    Reply joined = binancePost("symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC",
        "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
            + "&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
    assertThat(joined.code()).isEqualTo(-1022);
  }

  @Test
  void binanceChecksTheEncodedBytesAsSent() throws Exception {
    long now = System.currentTimeMillis();
    String wire = "symbol=XRPUSDT&origClientOrderId=c%2F1+x%2By&timestamp=" + now;
    String decoded = "symbol=XRPUSDT&origClientOrderId=c/1 x+y&timestamp=" + now;
    Reply overDecoded = binanceGet("/api/v3/order", wire + "&signature=" + hmacSha256(decoded));
    assertThat(overDecoded.code()).isEqualTo(-1022);
    Reply overWire = binanceGet("/api/v3/order", wire + "&signature=" + hmacSha256(wire));
    assertThat(overWire.code()).as(overWire.body).isEqualTo(-2013); // signature fine: the order does not exist
  }

  // ---------------------------------------------------------------------------------------------------------------
  // this test's own signers

  private Reply upbitGet(String path, String wireQuery, String hashedQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(upbit.baseUrl() + path + "?" + wireQuery))
        .header("Authorization", "Bearer " + upbitToken(hashedQuery, UPBIT_SECRET)).GET().build());
  }

  private Reply upbitPost(String path, String jsonBody, String hashedQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(upbit.baseUrl() + path))
        .header("Authorization", "Bearer " + upbitToken(hashedQuery, UPBIT_SECRET))
        .header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)).build());
  }

  private static String upbitToken(String hashedQuery, String secret) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .claim("access_key", UPBIT_KEY).claim("nonce", UUID.randomUUID().toString());
    if (hashedQuery != null) {
      String hash = HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-512").digest(hashedQuery.getBytes(StandardCharsets.UTF_8)));
      claims.claim("query_hash", hash).claim("query_hash_alg", "SHA512");
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims.build());
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  private Reply binancePost(String query, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(binance.baseUrl() + "/api/v3/order?" + query))
        .header("X-MBX-APIKEY", BINANCE_KEY).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private Reply binanceGet(String path, String query) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(binance.baseUrl() + path + "?" + query))
        .header("X-MBX-APIKEY", BINANCE_KEY).GET().build());
  }

  private static String hmacSha256(String payload) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(BINANCE_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
  }

  private Reply send(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private record Reply(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String errorName() {
      return json().path("error").path("name").asText(null);
    }

    int code() {
      return json().path("code").asInt();
    }
  }
}
