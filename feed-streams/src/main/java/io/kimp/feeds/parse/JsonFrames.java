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

  /**
   * What {@link #number} returns for a value that is present but not a finite number ({@code "abc"}, {@code "NaN"},
   * {@code true}, an object): infinite, so validation reports it as a bad number, while an absent field stays NaN.
   */
  public static final double NOT_A_NUMBER = Double.POSITIVE_INFINITY;

  /**
   * The current value as a double: a JSON number or a numeric string; {@link #NOT_A_NUMBER} for anything else, NaN
   * included.
   */
  public static double number(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    double v;
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      v = p.getDoubleValue();
    } else if (t == JsonToken.VALUE_STRING) {
      int len = p.getTextLength();
      if (len == 0) {
        return NOT_A_NUMBER;
      }
      try {
        v = NumberInput.parseDouble(p.getTextCharacters(), p.getTextOffset(), len, true);
      } catch (NumberFormatException e) {
        return NOT_A_NUMBER;
      }
    } else {
      p.skipChildren();
      return NOT_A_NUMBER;
    }
    return Double.isNaN(v) ? NOT_A_NUMBER : v;
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
