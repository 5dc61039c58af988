package io.kimp.feeds.record;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.JsonFrames;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes every received frame as one JSON line
 * {@code {"t":<epoch ms received>,"venue":"upbit"|"binance"|"fx"|"binance_futures","frame":"<raw frame text>"}},
 * whatever the parser made of it (garbage too: a replay must see what kimp saw). Called from the pipeline's single
 * thread; flushed at least every second and on close.
 */
public final class FrameRecorder implements AutoCloseable {
  private static final long FLUSH_EVERY_MS = 1000;

  private final Writer out;
  private final JsonGenerator json;
  private final Map<FeedVenue, LongAdder> counts = new EnumMap<>(FeedVenue.class);
  private long lastFlush = System.currentTimeMillis();
  private boolean closed;

  public FrameRecorder(Path file) throws IOException {
    this(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
  }

  public FrameRecorder(Writer writer) throws IOException {
    this.out = writer instanceof BufferedWriter ? writer : new BufferedWriter(writer);
    this.json = JsonFrames.FACTORY.createGenerator(out);
    this.json.setRootValueSeparator(null);
    for (FeedVenue v : FeedVenue.values()) {
      counts.put(v, new LongAdder());
    }
  }

  /** Appends one frame. */
  public synchronized void record(RawFrame f) {
    if (closed) {
      return;
    }
    try {
      json.writeStartObject();
      json.writeNumberField("t", f.receivedAt());
      json.writeStringField("venue", f.venue().wireName());
      json.writeStringField("frame", f.asText());
      json.writeEndObject();
      json.flush();
      out.write('\n');
      counts.get(f.venue()).increment();
      long now = System.currentTimeMillis();
      if (now - lastFlush >= FLUSH_EVERY_MS) {
        out.flush();
        lastFlush = now;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the recording", e);
    }
  }

  /** Frames written per venue. */
  public Map<FeedVenue, Long> counts() {
    Map<FeedVenue, Long> m = new EnumMap<>(FeedVenue.class);
    counts.forEach((v, n) -> m.put(v, n.sum()));
    return m;
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      json.close();
      out.close();
    }
  }
}
