package io.kimp.feeds.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.NumberInput;
import java.io.IOException;

/**
 * The streaming JSON setup of the hot path: one {@link JsonFactory} (thread safe, recycles its buffers) with the fast
 * double parser on, and number reads that accept both JSON numbers (Upbit) and numeric strings (Binance) without building a
 * tree or an intermediate String.
 */
public final class JsonFrames {
  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES) // canonicalized already; interning only costs
          .build();

  private JsonFrames() {}

  /** The current value as a double: a JSON number or a numeric string; NaN for anything else or a malformed string. */
  public static double number(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      int len = p.getTextLength();
      if (len == 0) {
        return Double.NaN;
      }
      try {
        return NumberInput.parseDouble(p.getTextCharacters(), p.getTextOffset(), len, true);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    p.skipChildren();
    return Double.NaN;
  }

  /** The current value as a long, or {@code fallback} if it is not an integral number. */
  public static long integer(JsonParser p, long fallback) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    p.skipChildren();
    return fallback;
  }

  /** The current value as a String, or null if it is not a string. */
  public static String text(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }
}
