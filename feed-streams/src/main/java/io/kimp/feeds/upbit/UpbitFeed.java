package io.kimp.feeds.upbit;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kimp.feeds.FeedSettings;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.CoinResolver;
import io.kimp.feeds.parse.FrameStats;
import io.kimp.feeds.parse.JsonFrames;
import io.kimp.feeds.source.ConnectionState;
import io.kimp.feeds.source.WebSocketConnection;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Upbit quotation feed: one WebSocket for every watched code ({@code KRW-USDT}, the USDT/KRW rate, included) and every
 * configured type, in the configured format. A text {@code PING} every {@code keep-alive} keeps the connection inside Upbit's
 * 120 s idle limit. Each connection attempt sends a fresh ticket.
 */
public final class UpbitFeed {
  public static final String RATE_CODE = "KRW-USDT";

  private UpbitFeed() {}

  /** The market codes subscribed for {@code coins}: the rate market first. */
  public static List<String> codes(List<String> coins) {
    List<String> codes = new ArrayList<>(coins.size() + 1);
    codes.add(RATE_CODE);
    for (String c : coins) {
      codes.add("KRW-" + c);
    }
    return codes;
  }

  /** {@code [{"ticket":…},{"type":…,"codes":[…]},…,{"format":…}]} */
  public static String subscription(String ticket, List<String> types, List<String> codes, String format) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JsonFrames.FACTORY.createGenerator(w)) {
      g.writeStartArray();
      g.writeStartObject();
      g.writeStringField("ticket", ticket);
      g.writeEndObject();
      for (String type : types) {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeArrayFieldStart("codes");
        for (String code : codes) {
          g.writeString(code);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeStartObject();
      g.writeStringField("format", format);
      g.writeEndObject();
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  public static Source<List<RawFrame>, NotUsed> source(
      ClassicActorSystemProvider system, FeedSettings s, CoinResolver coins, FrameStats stats, ConnectionState state) {
    List<String> codes = codes(s.symbols());
    return WebSocketConnection.source(
        system,
        FeedVenue.UPBIT,
        () -> s.upbit().webSocketUrl(),
        () ->
            new WebSocketConnection.Outgoing(
                subscription(UUID.randomUUID().toString(), s.upbit().types(), codes, s.upbit().format()), "PING",
                s.upbit().keepAlive()),
        () -> {
          UpbitParser parser = new UpbitParser(stats, coins);
          return f -> f.withEvent(parser.parse(f));
        },
        UpbitFeed::isSnapshot,
        state,
        s.connection().restartSettings(),
        s.connection().idleTimeout());
  }

  /** How far from a frame's end its {@code stream_type} ends: Upbit writes it last, before at most a {@code level}. */
  private static final int STREAM_TYPE_TAIL = 48;

  private static final byte[] SNAPSHOT = "\"SNAPSHOT\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Whether an Upbit message is a {@code SNAPSHOT} (the state Upbit sends on subscribing) rather than {@code REALTIME}
   * news: its {@code stream_type}/{@code st}, which Upbit writes at the end, is looked for in the last few bytes only
   * (a frame that puts it elsewhere counts as news, as every frame did before).
   */
  public static boolean isSnapshot(Object message) {
    if (message instanceof byte[] b) {
      outer:
      for (int i = Math.max(0, b.length - STREAM_TYPE_TAIL); i <= b.length - SNAPSHOT.length; i++) {
        for (int j = 0; j < SNAPSHOT.length; j++) {
          if (b[i + j] != SNAPSHOT[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
    if (message instanceof String s) {
      return s.indexOf("\"SNAPSHOT\"", Math.max(0, s.length() - STREAM_TYPE_TAIL)) >= 0;
    }
    return false;
  }
}
