package io.kimp.feeds.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recording damaged at the byte level: a line that is not UTF-8 is reported once and the lines after it are read. */
class RecordingLinesTest {
  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLineWhoseBytesAreNotUtf8IsReportedOnceAndTheReplayGoesOn() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(utf8("{\"t\":1000,\"venue\":\"upbit\",\"frame\":\"{\\\"a\\\":\\\"원\\\"}\"}\n"));
    // a copy error: a lone 0xFF and a truncated three-byte sequence inside an otherwise good line
    b.writeBytes(utf8("{\"t\":1001,\"venue\":\"upbit\",\"frame\":\"x"));
    b.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) 0x82});
    b.writeBytes(utf8("\"}\n"));
    b.writeBytes(utf8("{\"t\":1002,\"venue\":\"binance\",\"frame\":\"{}\"}\r\n"));
    b.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'}); // an invalid two-byte sequence, alone on its line
    b.writeBytes(utf8("{\"t\":1003,\"venue\":\"binance\",\"frame\":\"{}\"}"));
    Path file = dir.resolve("damaged.jsonl");
    Files.write(file, b.toByteArray());

    List<String> bad = new ArrayList<>();
    List<RawFrame> frames = new ArrayList<>();
    Iterator<RawFrame> it = Recording.frames(file, (line, reason, text) -> bad.add(line + ": " + reason));
    it.forEachRemaining(frames::add);

    assertThat(frames).extracting(RawFrame::receivedAt).containsExactly(1000L, 1002L, 1003L);
    assertThat(frames.get(0).asText()).isEqualTo("{\"a\":\"원\"}");
    assertThat(frames.get(1).venue()).isEqualTo(FeedVenue.BINANCE);
    assertThat(bad).containsExactly("2: not UTF-8 (byte 37)", "4: not UTF-8 (byte 1)");
  }
}
