package io.kimp.app.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * One browser's share of the live feed, conflated: while the browser (or its connection) cannot take more, the updates
 * that arrive are merged — each coin's row replaced by its newest, the status replaced by the newest — and sent as one
 * event when it can. A slow browser skips to the latest values; it never works through a queue of old ones, and the
 * memory it holds is bounded by the number of coins.
 */
final class Conflation {
  private Conflation() {}

  /** What the shared feed carries: changed rows by coin (already JSON), or a status (JSON), never both null. */
  record Update(Map<String, Row> rows, String status) {
    static Update ofRows(Map<String, Row> rows) {
      return new Update(rows, null);
    }

    static Update ofStatus(String status) {
      return new Update(Map.of(), status);
    }
  }

  /** A coin's row: the receive time of its newest tick, and the row as JSON. */
  record Row(long at, String json) {}

  static Flow<Update, ServerSentEvent, NotUsed> flow() {
    return Flow.<Update>create()
        .conflateWithSeed(Pending::new, Pending::add)
        .mapConcat(Pending::events);
  }

  /** Updates not yet sent to one browser: owned by its stream alone (the shared updates are never modified). */
  static final class Pending {
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private String status;

    Pending(Update first) {
      add(first);
    }

    Pending add(Update u) {
      for (Map.Entry<String, Row> e : u.rows().entrySet()) {
        rows.merge(e.getKey(), e.getValue(), (old, neu) -> neu.at() >= old.at() ? neu : old);
      }
      if (u.status() != null) {
        status = u.status();
      }
      return this;
    }

    List<ServerSentEvent> events() {
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
}
