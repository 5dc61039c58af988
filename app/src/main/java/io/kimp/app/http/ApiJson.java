package io.kimp.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Iterator;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The API's JSON: times as ISO-8601 strings, BigDecimals as plain numbers (never {@code 1E+7}), and strict reading of
 * request bodies (exact decimals, duplicate keys refused).
 */
public final class ApiJson {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private ApiJson() {}

  public static HttpResponse ok(Object body) {
    return response(StatusCodes.OK, body);
  }

  public static HttpResponse response(StatusCode status, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + body.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** The API's error shape: {@code {"error": "<slug>", "message": "<for a person>"}}. */
  public static HttpResponse error(StatusCode status, String error, String message) {
    return response(status, errorBody(error, message));
  }

  /** The error shape with the request's field at fault ({@code "field"}), when {@code field} is not null. */
  public static HttpResponse error(StatusCode status, String error, String message, String field) {
    ObjectNode body = errorBody(error, message);
    if (field != null) {
      body.put("field", field);
    }
    return response(status, body);
  }

  static ObjectNode errorBody(String error, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("error", error);
    body.put("message", message);
    return body;
  }

  /**
   * A request body as a JSON object; an empty body is an empty object when {@code emptyAllowed}. Malformed JSON, or JSON
   * that is not an object, is a 400; a field not in {@code allowed} a 422 naming it.
   */
  public static ObjectNode object(byte[] body, boolean emptyAllowed, Set<String> allowed) {
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      if (emptyAllowed) {
        return MAPPER.createObjectNode();
      }
      throw ApiError.badRequest("a JSON object body is required");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw ApiError.badRequest("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (tree == null || !tree.isObject()) {
      throw ApiError.badRequest("the body must be a JSON object");
    }
    for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiError.unprocessable("unknown field '" + name + "'; known fields: " + String.join(", ", allowed));
      }
    }
    return (ObjectNode) tree;
  }

  /** An optional text field of at most {@code maxLength} characters. */
  public static String text(ObjectNode body, String field, int maxLength) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiError.unprocessable(field + " must be a string");
    }
    String s = v.asText().strip();
    if (s.length() > maxLength) {
      throw ApiError.unprocessable(field + " must be at most " + maxLength + " characters");
    }
    return s.isEmpty() ? null : s;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
