package io.kimp.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.math.BigDecimal;

/** JSON reading helpers for venue replies: amounts are read as {@link BigDecimal} whether sent as strings or numbers. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private Json() {}

  public static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body == null || body.isEmpty() ? "null" : body);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + abbreviate(body), e);
    }
  }

  /** The decimal at {@code field}, or null when absent / null / blank. */
  public static BigDecimal decimal(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText().trim();
    return s.isEmpty() ? null : new BigDecimal(s);
  }

  public static BigDecimal decimalOrZero(JsonNode node, String field) {
    BigDecimal d = decimal(node, field);
    return d == null ? BigDecimal.ZERO : d;
  }

  /** The text at {@code field}, or null when absent, null or empty. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText();
    return s.isEmpty() ? null : s;
  }

  public static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
