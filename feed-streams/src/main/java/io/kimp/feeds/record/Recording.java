package io.kimp.feeds.record;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import io.kimp.feeds.parse.JsonFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.DelayOverflowStrategy;
import org.apache.pekko.stream.javadsl.DelayStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reads a recording written by {@link FrameRecorder}: one {@link RawFrame} per good line, with its recorded receive time.
 * A line that is not such an object (bad JSON, missing or wrong fields, unknown venue) is reported to the
 * {@link BadLineHandler} with its line number and skipped: a damaged recording replays what it can. So is a line whose
 * bytes are not UTF-8 (a disk or copy error): it is reported once and the lines after it are read on.
 */
public final class Recording {

  /** Told about every line that is not a recorded frame. */
  @FunctionalInterface
  public interface BadLineHandler {
    void badLine(long lineNumber, String reason, String line);
  }

  /** The start of the reason given for a line whose bytes are not UTF-8. */
  public static final String NOT_UTF8 = "not UTF-8";

  private Recording() {}

  /** The frames of {@code file}, in order, lazily. The iterator closes the file at its end. */
  public static Iterator<RawFrame> frames(Path file, BadLineHandler bad) throws IOException {
    Utf8Lines reader = new Utf8Lines(Files.newInputStream(file));
    return new Iterator<>() {
      RawFrame next;
      boolean done;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        if (done) {
          return false;
        }
        try {
          String line;
          while ((line = reader.next()) != null) {
            if (reader.malformedAt() >= 0) {
              bad.badLine(reader.lineNumber(), NOT_UTF8 + " (byte " + (reader.malformedAt() + 1) + ")", line);
              continue;
            }
            if (line.isBlank()) {
              continue;
            }
            RawFrame f = parseLine(line, reader.lineNumber(), bad);
            if (f != null) {
              next = f;
              return true;
            }
          }
          done = true;
          reader.close();
          return false;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
      }

      @Override
      public RawFrame next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        RawFrame f = next;
        next = null;
        return f;
      }
    };
  }

  /**
   * The frames of {@code file} as a Source. {@code speed} 0 replays as fast as the consumer takes them; 1.0 at the pace
   * they were recorded, 10.0 ten times faster.
   */
  public static Source<RawFrame, NotUsed> source(Path file, BadLineHandler bad, double speed) {
    Source<RawFrame, NotUsed> frames =
        Source.fromIterator(
            () -> {
              try {
                return frames(file, bad);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + file, e);
              }
            });
    if (!(speed > 0)) {
      return frames;
    }
    return frames.delayWith(() -> new Pacing(speed), DelayOverflowStrategy.backpressure());
  }

  /** Delays each frame to its recorded offset from the first, scaled by the speed. */
  private static final class Pacing implements DelayStrategy<RawFrame> {
    private final double speed;
    private long firstT = -1;
    private long startNanos;

    Pacing(double speed) {
      this.speed = speed;
    }

    @Override
    public java.time.Duration nextDelay(RawFrame f) {
      if (firstT < 0) {
        firstT = f.receivedAt();
        startNanos = System.nanoTime();
        return Duration.ZERO;
      }
      long dueNanos = startNanos + (long) ((f.receivedAt() - firstT) * 1_000_000L / speed);
      return Duration.ofNanos(Math.max(0, dueNanos - System.nanoTime()));
    }
  }

  static RawFrame parseLine(String line, long lineNo, BadLineHandler bad) {
    long t = -1;
    String venue = null;
    String frame = null;
    try (JsonParser p = JsonFrames.FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        bad.badLine(lineNo, "not a JSON object", line);
        return null;
      }
      JsonToken tok;
      while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "t":
            t = JsonFrames.integer(p, -1);
            break;
          case "venue":
            venue = JsonFrames.text(p);
            break;
          case "frame":
            frame = JsonFrames.text(p);
            break;
          default:
            p.skipChildren();
        }
      }
      if (tok != JsonToken.END_OBJECT) {
        bad.badLine(lineNo, "truncated JSON", line);
        return null;
      }
    } catch (IOException e) {
      bad.badLine(lineNo, "bad JSON: " + e.getMessage().lines().findFirst().orElse(""), line);
      return null;
    }
    if (t < 0) {
      bad.badLine(lineNo, "missing or bad \"t\"", line);
      return null;
    }
    FeedVenue v = venue == null ? null : FeedVenue.ofWireName(venue);
    if (v == null) {
      bad.badLine(lineNo, "unknown venue " + venue, line);
      return null;
    }
    if (frame == null) {
      bad.badLine(lineNo, "missing \"frame\"", line);
      return null;
    }
    return RawFrame.text(v, frame, t, 0);
  }
}
