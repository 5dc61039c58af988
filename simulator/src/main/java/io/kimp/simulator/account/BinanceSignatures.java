package io.kimp.simulator.account;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Binance's check of a SIGNED request, written from the docs (developers.binance.com "Request security", the same for
 * spot {@code /api}, wallet {@code /sapi} and USDT-M futures {@code /fapi}) and never from kimp's signer: a venue that
 * verified with the gateway's own code would agree with any mistake in it. The simulator's accounts and the test
 * fixtures' fake venues both check with this one copy.
 *
 * <p>The {@code X-MBX-APIKEY} header ({@code -2014} when malformed, {@code -2015} when not the key); {@code signature} =
 * HMAC-SHA256 hex (either case), keyed with the secret, of {@code totalParams}: the query string followed by the body,
 * with nothing between them, both exactly as sent less the {@code signature} pair ({@code -1022}); {@code timestamp}
 * less than 1 s ahead of the server and no older than {@code recvWindow} (default 5000 ms, at most 60000:
 * {@code -1131}), else {@code -1021}.
 */
public final class BinanceSignatures {
  private BinanceSignatures() {}

  /** A request Binance refuses: HTTP status, the error code and message of its JSON body. */
  public static final class Refused extends Exception {
    public final int status;
    public final int code;

    public Refused(int status, int code, String msg) {
      super(msg, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /** The API-key check then the signed check ({@link #checkSigned}); {@code params} are the query's and the body's. */
  public static void verify(PrivateRequest r, Map<String, String> params, String apiKey, String secretKey,
      long serverMillis) throws Refused {
    checkApiKey(r, apiKey);
    checkSigned(r, params, secretKey, serverMillis);
  }

  /** {@code -2014} when the {@code X-MBX-APIKEY} header is missing or malformed, {@code -2015} when not {@code apiKey}. */
  public static void checkApiKey(PrivateRequest r, String apiKey) throws Refused {
    String key = r.header("x-mbx-apikey");
    if (key == null || !key.matches("[A-Za-z0-9_-]{1,128}")) {
      throw new Refused(401, -2014, "API-key format invalid.");
    }
    if (!MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), apiKey.getBytes(StandardCharsets.UTF_8))) {
      throw new Refused(401, -2015, "Invalid API-key, IP, or permissions for action.");
    }
  }

  /** The signature, {@code timestamp} and {@code recvWindow} of a request whose key has been accepted. */
  public static void checkSigned(PrivateRequest r, Map<String, String> params, String secretKey, long serverMillis)
      throws Refused {
    String signature = params.get("signature");
    if (signature == null || signature.isEmpty()) {
      throw new Refused(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    }
    String timestamp = params.get("timestamp");
    if (timestamp == null || !timestamp.matches("[0-9]{1,20}")) {
      throw new Refused(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
    }
    long recv = 5000;
    if (params.containsKey("recvWindow")) {
      try {
        recv = Long.parseLong(params.get("recvWindow"));
      } catch (NumberFormatException e) {
        throw new Refused(400, -1100,
            "Illegal characters found in parameter 'recvWindow'; legal range is '^[0-9]{1,20}$'.");
      }
      if (recv > 60_000) {
        throw new Refused(400, -1131, "recvWindow must be less than 60000");
      }
    }
    if (!signatureValid(secretKey, totalParams(r), signature)) {
      throw new Refused(400, -1022, "Signature for this request is not valid.");
    }
    long ts = Long.parseLong(timestamp);
    if (ts >= serverMillis + 1000 || serverMillis - ts > recv) {
      throw new Refused(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    }
  }

  /**
   * Whether {@code signature} is the HMAC-SHA256 (hex, either case) of {@code totalParams} under {@code secretKey}, in
   * constant time. Public so that a test can hold it against the docs' examples.
   */
  public static boolean signatureValid(String secretKey, String totalParams, String signature) {
    return MessageDigest.isEqual(hmacSha256Hex(secretKey, totalParams).getBytes(StandardCharsets.US_ASCII),
        signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  /** The query string followed by the body, with nothing between them, both as sent less the {@code signature} pair. */
  public static String totalParams(PrivateRequest r) {
    return withoutSignature(r.rawQuery()) + withoutSignature(r.body());
  }

  private static String withoutSignature(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String pair : raw.split("&")) {
      if (pair.startsWith("signature=")) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(pair);
    }
    return sb.toString();
  }

  /** HMAC-SHA256 of {@code payload} (UTF-8) under {@code secretKey}, in lower-case hex. */
  public static String hmacSha256Hex(String secretKey, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
