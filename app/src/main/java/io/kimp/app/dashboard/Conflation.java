package io.kimp.app.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * One browser's share of the live feed, conflated: while the browser (or its connection) cannot take more, the updates
 * that arrive are merged — each coin's row replaced by its newest, the status replaced by the newest — and sent as one
 * event when it can. A slow browser skips to the latest values; it never works through a queue of old ones, and the
 * memory it holds is bounded by the number of coins.
 */
final class Conflation {
  private Conflation() {}

  /**
   * What the shared feed carries: changed rows by coin (already JSON), or a status (JSON). Its events are rendered once,
   * on first use, and shared by every browser that is keeping up (most of them, most of the time): only a browser that
   * fell behind gets events of its own, merged from several updates.
   */
  static final class Update {
    private final Map<String, Row> rows;
    private final String status;
    private volatile List<ServerSentEvent> events;
    private volatile List<ByteString> encoded;

    private Update(Map<String, Row> rows, String status) {
      this.rows = rows;
      this.status = status;
    }

    static Update ofRows(Map<String, Row> rows) {
      return new Update(rows, null);
    }

    static Update ofStatus(String status) {
      return new Update(Map.of(), status);
    }

    Map<String, Row> rows() {
      return rows;
    }

    String status() {
      return status;
    }

    /** This update alone as events; rendered once (a race renders it twice, equally), never modified. */
    List<ServerSentEvent> events() {
      List<ServerSentEvent> e = events;
      if (e == null) {
        e = List.copyOf(render(rows, status));
        events = e;
      }
      return e;
    }

    /** {@link #events()} encoded for the wire, once. */
    List<ByteString> encoded() {
      List<ByteString> e = encoded;
      if (e == null) {
        e = encode(events());
        encoded = e;
      }
      return e;
    }
  }

  /** A coin's row: the receive time of its newest tick, and the row as JSON. */
  record Row(long at, String json) {}

  static Flow<Update, ServerSentEvent, NotUsed> flow() {
    return Flow.<Update>create()
        .conflateWithSeed(Pending::new, Pending::add)
        .mapConcat(Pending::events);
  }

  /**
   * {@link #flow()} as the bytes of a {@code text/event-stream}: a browser that keeps up is sent the update's bytes,
   * encoded once for every such browser; only one that fell behind costs an encoding of its own.
   */
  static Flow<Update, ByteString, NotUsed> encodedFlow() {
    return Flow.<Update>create()
        .conflateWithSeed(Pending::new, Pending::add)
        .mapConcat(Pending::encoded);
  }

  /** Server-sent events in their wire form ({@code event:}/{@code data:} lines and a blank line). */
  static List<ByteString> encode(List<ServerSentEvent> events) {
    List<ByteString> out = new ArrayList<>(events.size());
    for (ServerSentEvent e : events) {
      out.add(encode(e));
    }
    return List.copyOf(out);
  }

  static ByteString encode(ServerSentEvent e) {
    return ((org.apache.pekko.http.scaladsl.model.sse.ServerSentEvent) e).encode();
  }

  /** Updates not yet sent to one browser: owned by its stream alone (the shared updates are never modified). */
  static final class Pending {
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private String status;
    /** The one update this holds while nothing was merged into it (its shared events are sent), else null. */
    private Update only;

    Pending(Update first) {
      add(first);
      only = first;
    }

    Pending add(Update u) {
      only = null;
      for (Map.Entry<String, Row> e : u.rows().entrySet()) {
        rows.merge(e.getKey(), e.getValue(), (old, neu) -> neu.at() >= old.at() ? neu : old);
      }
      if (u.status() != null) {
        status = u.status();
      }
      return this;
    }

    List<ServerSentEvent> events() {
      return only != null ? only.events() : render(rows, status);
    }

    List<ByteString> encoded() {
      return only != null ? only.encoded() : encode(render(rows, status));
    }
  }

  /** One board event with every row (in the order they came), then the status, if any. */
  private static List<ServerSentEvent> render(Map<String, Row> rows, String status) {
    List<ServerSentEvent> out = new ArrayList<>(2);
    if (!rows.isEmpty()) {
      StringBuilder b = new StringBuilder(rows.size() * 200).append('[');
      for (Row r : rows.values()) {
        if (b.length() > 1) {
          b.append(',');
        }
        b.append(r.json());
      }
      out.add(ServerSentEvent.create(b.append(']').toString(), "board"));
    }
    if (status != null) {
      out.add(ServerSentEvent.create(status, "status"));
    }
    return out;
  }
}
