package io.kimp.backtest.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A line and field scanner over the raw bytes of a comma-separated file. Hand-rolled because the backtest must read
 * candles at millions of rows per second: a line is never turned into a String, fields are offsets into a reused
 * buffer, and numbers are parsed from those bytes by {@link AsciiNumbers} and {@link Timestamps}.
 *
 * <p>Handles {@code \n} and {@code \r\n}, a last line without a newline, a UTF-8 byte-order mark, and fields wrapped in
 * double quotes (without commas inside: candle and rate files never need them). A line whose bytes are not UTF-8 is
 * flagged ({@link #malformedAt()}) for the reader to count as a bad row: checking costs one OR per byte, and a decoder
 * only runs on the rare line with a non-ASCII byte.
 */
public final class CsvScanner implements Closeable {
  private static final int MAX_LINE = 1 << 20;
  private static final int MAX_FIELDS = 64;

  private final InputStream in;
  private final String source;
  private byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;
  private long bytesRead;
  private long line;

  private int lineStart;
  private int lineEnd;
  private final int[] fieldStart = new int[MAX_FIELDS];
  private final int[] fieldEnd = new int[MAX_FIELDS];
  private int fields;
  private int malformedAt = -1;
  private final CharsetDecoder strictUtf8 = StandardCharsets.UTF_8.newDecoder();

  public CsvScanner(Path file) throws IOException {
    this(Files.newInputStream(file), file.toString(), 1 << 20);
  }

  CsvScanner(InputStream in, String source, int bufferSize) {
    this.in = in;
    this.source = source;
    this.buf = new byte[Math.max(bufferSize, 64)];
  }

  /** The file name used in messages ({@code file:line: reason}). */
  public String source() {
    return source;
  }

  /** 1-based number of the current line. */
  public long lineNumber() {
    return line;
  }

  public long bytesRead() {
    return bytesRead;
  }

  /** Bytes consumed up to the end of the current line. */
  public long consumed() {
    return bytesRead - (limit - pos);
  }

  /** Advances to the next line; false at the end of the input. */
  public boolean nextLine() throws IOException {
    while (true) {
      int nl = indexOfNewline(pos, limit);
      if (nl >= 0) {
        setLine(pos, nl);
        pos = nl + 1;
        return true;
      }
      if (eof) {
        if (pos < limit) {
          setLine(pos, limit);
          pos = limit;
          return true;
        }
        return false;
      }
      fill();
    }
  }

  private int indexOfNewline(int from, int to) {
    byte[] b = buf;
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Moves the unread tail to the front and reads more; grows the buffer for a long line up to a limit. */
  private void fill() throws IOException {
    int rest = limit - pos;
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, rest);
      pos = 0;
      limit = rest;
    }
    if (limit == buf.length) {
      if (buf.length >= MAX_LINE) {
        throw new IOException(source + ":" + (line + 1) + ": line longer than " + MAX_LINE + " bytes");
      }
      byte[] bigger = new byte[Math.min(buf.length * 2, MAX_LINE)];
      System.arraycopy(buf, 0, bigger, 0, limit);
      buf = bigger;
    }
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      eof = true;
    } else {
      limit += n;
      bytesRead += n;
    }
  }

  private void setLine(int start, int end) {
    line++;
    if (end > start && buf[end - 1] == '\r') {
      end--;
    }
    if (line == 1 && end - start >= 3 && (buf[start] & 0xff) == 0xEF && (buf[start + 1] & 0xff) == 0xBB
        && (buf[start + 2] & 0xff) == 0xBF) {
      start += 3; // UTF-8 byte-order mark
    }
    lineStart = start;
    lineEnd = end;
    split();
  }

  private void split() {
    int n = 0;
    int s = lineStart;
    byte[] b = buf;
    int high = 0;
    for (int i = lineStart; i < lineEnd; i++) {
      high |= b[i];
      if (b[i] == ',') {
        if (n < MAX_FIELDS) {
          fieldStart[n] = s;
          fieldEnd[n] = i;
        }
        n++;
        s = i + 1;
      }
    }
    if (n < MAX_FIELDS) {
      fieldStart[n] = s;
      fieldEnd[n] = lineEnd;
    }
    fields = n + 1;
    malformedAt = high < 0 ? firstMalformed() : -1;
    int stored = Math.min(fields, MAX_FIELDS);
    for (int f = 0; f < stored; f++) {
      trim(f);
    }
  }

  /** Strips spaces and one pair of surrounding double quotes. */
  private void trim(int f) {
    int s = fieldStart[f];
    int e = fieldEnd[f];
    byte[] b = buf;
    while (s < e && (b[s] == ' ' || b[s] == '\t')) {
      s++;
    }
    while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
      e--;
    }
    if (e - s >= 2 && b[s] == '"' && b[e - 1] == '"') {
      s++;
      e--;
    }
    fieldStart[f] = s;
    fieldEnd[f] = e;
  }

  /** Where the strict UTF-8 decoder stops on the current line (only called for lines with a non-ASCII byte). */
  private int firstMalformed() {
    ByteBuffer in = ByteBuffer.wrap(buf, lineStart, lineEnd - lineStart);
    strictUtf8.reset();
    CoderResult r = strictUtf8.decode(in, CharBuffer.allocate(lineEnd - lineStart), true);
    return r.isError() ? in.position() - lineStart : -1;
  }

  /**
   * The 0-based offset within the current line of its first byte that is not UTF-8 (a damaged or wrongly encoded
   * file), or -1 when the line is good.
   */
  public int malformedAt() {
    return malformedAt;
  }

  /** True when the current line reads as a header: its first field is not a time and starts with a letter. */
  public boolean looksLikeHeader() {
    String f = text(0);
    return !f.isEmpty() && Character.isLetter(f.charAt(0))
        && Timestamps.parseMillis(buf, fieldStart[0], fieldEnd[0]) == Timestamps.INVALID;
  }

  /** True when the current line holds nothing but whitespace. */
  public boolean blank() {
    return fields == 1 && fieldStart[0] == fieldEnd[0];
  }

  /** Number of comma-separated fields on the current line. */
  public int fieldCount() {
    return fields;
  }

  public byte[] buffer() {
    return buf;
  }

  public int start(int field) {
    return fieldStart[field];
  }

  public int end(int field) {
    return fieldEnd[field];
  }

  /** The field as text, for headers and error messages (at most 60 characters). */
  public String text(int field) {
    if (field >= Math.min(fields, MAX_FIELDS)) {
      return "";
    }
    int len = fieldEnd[field] - fieldStart[field];
    String s = new String(buf, fieldStart[field], Math.min(len, 60), StandardCharsets.UTF_8);
    return len > 60 ? s + "…" : s;
  }

  /** The whole current line, for error messages (at most 120 characters). */
  public String lineText() {
    int len = lineEnd - lineStart;
    String s = new String(buf, lineStart, Math.min(len, 120), StandardCharsets.UTF_8);
    return len > 120 ? s + "…" : s;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
