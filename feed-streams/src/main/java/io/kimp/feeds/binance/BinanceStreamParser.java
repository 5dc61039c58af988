package io.kimp.feeds.binance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kimp.core.market.MarketEvent;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FastPath;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.JsonFrameParser;
import io.kimp.feeds.parse.JsonFrames;
import io.kimp.feeds.parse.Reject;
import java.io.IOException;

/**
 * What Binance's spot and USDT-M futures market streams frame alike, read once for both parsers: the combined-stream
 * wrapper ({@code {"stream":…,"data":{…}}}) or a raw payload, subscription answers ({@code result}/{@code id}: control
 * messages), error answers ({@code msg}: venue errors), the {@code serverShutdown} notice (a control message that sets
 * {@link #takeShutdownNotice()}) and the coin of a payload (its symbol, else the stream name's). Each parser reads the
 * payload's fields into its own scratch and classifies them; what their streams send differently stays with them.
 */
abstract class BinanceStreamParser extends JsonFrameParser {
  private final CoinResolver coins;
  private boolean shutdownNotice;

  // the scratch both streams' payloads carry
  String event;
  String symbol;

  BinanceStreamParser(FrameStats stats, FastPath fastPath, CoinResolver coins) {
    super(stats, fastPath);
    this.coins = coins;
  }

  /** True once after a serverShutdown notice was parsed. */
  public final boolean takeShutdownNotice() {
    boolean s = shutdownNotice;
    shutdownNotice = false;
    return s;
  }

  /** Clears the scratch fields (the shared ones included) before a frame. */
  abstract void reset();

  /** Reads one payload field (the value is the current token) into the scratch, or skips it. */
  abstract void field(String name, JsonParser jp) throws IOException;

  /**
   * An envelope field other than {@code stream}, {@code data}/{@code event}, {@code result}/{@code id} and {@code msg}:
   * the error message it carries, or null when it is no error (then it was read as a payload field when unwrapped, else
   * skipped). The spot stream sends no other; the futures stream overrides it for {@code error}.
   */
  String otherField(String name, JsonParser jp, boolean wrapped) throws IOException {
    if (!wrapped) {
      field(name, jp);
    } else {
      jp.skipChildren();
    }
    return null;
  }

  /** Whether a frame with {@code result}/{@code id} still carries market data besides {@code e} and {@code s}. */
  boolean carriesData() {
    return false;
  }

  /** The market event of the payload read into the scratch, or null when rejected. */
  abstract MarketEvent classify(String stream, RawFrame frame);

  @Override
  protected final MarketEvent read(JsonParser jp, RawFrame frame) throws IOException {
    if (jp.nextToken() != JsonToken.START_OBJECT) {
      return reject(Reject.BAD_JSON, "not a JSON object", frame);
    }
    reset();
    String stream = null;
    boolean wrapped = false;
    boolean control = false;
    String errorMsg = null;
    JsonToken t;
    while ((t = jp.nextToken()) == JsonToken.FIELD_NAME) {
      String name = jp.currentName();
      jp.nextToken();
      switch (name) {
        case "stream" -> stream = JsonFrames.text(jp);
        case "data", "event" -> {
          wrapped = true;
          if (jp.currentToken() != JsonToken.START_OBJECT) {
            return reject(Reject.BAD_JSON, name + " is not an object", frame);
          }
          if (!payload(jp)) {
            return reject(Reject.BAD_JSON, "truncated " + name, frame);
          }
        }
        case "result", "id" -> {
          control = true;
          jp.skipChildren();
        }
        case "msg" -> errorMsg = JsonFrames.text(jp);
        default -> {
          String error = otherField(name, jp, wrapped);
          if (error != null) {
            errorMsg = error;
          }
        }
      }
    }
    if (t != JsonToken.END_OBJECT) {
      return reject(Reject.BAD_JSON, "truncated object", frame);
    }
    if ("serverShutdown".equals(event)) {
      shutdownNotice = true;
      stats.control();
      return null;
    }
    if (errorMsg != null) {
      return reject(Reject.VENUE_ERROR, errorMsg, frame);
    }
    if (control && event == null && symbol == null && !carriesData()) {
      stats.control();
      return null;
    }
    return classify(stream, frame);
  }

  /** Reads a payload object into the scratch fields; false if it ended early. */
  private boolean payload(JsonParser jp) throws IOException {
    JsonToken t;
    while ((t = jp.nextToken()) == JsonToken.FIELD_NAME) {
      String name = jp.currentName();
      jp.nextToken();
      field(name, jp);
    }
    return t == JsonToken.END_OBJECT;
  }

  /** The coin from the payload's symbol, else from the stream name's symbol part; null (rejected) when neither is. */
  final String coin(String stream, RawFrame frame) {
    String code = symbol;
    if (code == null && stream != null) {
      int at = stream.indexOf('@');
      code = at > 0 ? stream.substring(0, at) : stream;
    }
    if (code == null) {
      reject(Reject.MISSING_FIELD, "symbol", frame);
      return null;
    }
    String coin = coins.binance(code);
    if (coin == null) {
      reject(Reject.UNKNOWN_SYMBOL, code, frame);
    }
    return coin;
  }
}
