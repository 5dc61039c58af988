package io.kimp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.simulator.SimHttpServer.Respond;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What Binance's spot and USDT-M futures WebSocket endpoints do alike, as their docs describe both: the paths
 * {@code /ws}, {@code /ws/<stream>[/<stream>…]} (raw), {@code /stream} and {@code /stream?streams=…} (combined), the
 * stream list such a path names and its refusal ({@code -1121}), and the {@code {"result":…,"id":…}} and
 * {@code {"error":{"code":…,"msg":…},"id":…}} answers to live requests, and the sending of an event to the connections
 * subscribed to its stream. Which streams and methods each serves, and how strictly it reads a request, stay with
 * {@link BinanceVenue} and {@link BinanceFuturesVenue}.
 */
final class BinanceSockets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BinanceSockets() {}

  /**
   * The streams a connection path names.
   *
   * @param refusal the 400 answer when the path names too many streams or one that is not served, else null
   */
  record StreamPath(boolean combined, Set<String> streams, Respond refusal) {}

  /** The streams of a stream path, or null when {@code uri} is none; each must match {@code served}. */
  static StreamPath streams(QueryStringDecoder uri, Pattern served, int maxStreams, String jsonType) {
    String path = uri.path();
    boolean combined = path.equals("/stream") || path.equals("/stream/");
    boolean raw = path.equals("/ws") || path.startsWith("/ws/");
    if (!combined && !raw) {
      return null;
    }
    Set<String> streams = new LinkedHashSet<>();
    String list = combined ? uri.parameters().getOrDefault("streams", List.of("")).get(0)
        : path.length() > 4 ? path.substring(4) : "";
    for (String s : list.split("/")) {
      if (!s.isBlank()) {
        streams.add(s);
      }
    }
    if (streams.size() > maxStreams) {
      return new StreamPath(combined, streams, new Respond(HttpResponseStatus.BAD_REQUEST, jsonType,
          BinanceWire.error(-1121, "Invalid number of streams: " + streams.size())));
    }
    for (String s : streams) {
      if (!served.matcher(s).matches()) {
        return new StreamPath(combined, streams, new Respond(HttpResponseStatus.BAD_REQUEST, jsonType,
            BinanceWire.error(-1121, "Invalid stream: " + s)));
      }
    }
    return new StreamPath(combined, streams, null);
  }

  /** A live request's error answer; {@code id} null when the request's id could not be read. */
  static String error(int code, String msg, JsonNode id) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("error").put("code", code).put("msg", msg);
    n.set("id", id == null ? JSON.nullNode() : id);
    return n.toString();
  }

  /** A live request's answer; {@code result} null for {@code "result":null}. */
  static String result(JsonNode result, JsonNode id) {
    ObjectNode n = JSON.createObjectNode();
    n.set("result", result == null ? JSON.nullNode() : result);
    n.set("id", id);
    return n.toString();
  }

  /**
   * Sends one event to every connection subscribed to {@code stream}, in each connection's shape (raw, or wrapped for a
   * combined one): the payload is written once, and wrapped once, whatever the number of connections.
   */
  static void send(Iterable<SimConnection> connections, String stream, Supplier<String> payload, boolean wait,
      BinanceVenue.Sender sender) {
    byte[] raw = null;
    byte[] wrapped = null;
    for (SimConnection c : connections) {
      if (!c.streams.contains(stream)) {
        continue;
      }
      if (raw == null) {
        raw = payload.get().getBytes(StandardCharsets.UTF_8);
      }
      byte[] frame = raw;
      if (c.combined) {
        if (wrapped == null) {
          wrapped = BinanceWire.wrapped(stream, new String(raw, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
        frame = wrapped;
      }
      sender.send(c, frame, wait);
    }
  }
}
