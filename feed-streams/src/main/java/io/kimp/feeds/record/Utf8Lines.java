package io.kimp.feeds.record;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a file line by line as UTF-8 without ever failing on a line's bytes: a line that is not valid UTF-8 is returned
 * (with replacement characters) and flagged by {@link #malformedAt()}, so the caller can count it and read on, where a
 * {@code BufferedReader} throws {@code MalformedInputException} and every later line is lost.
 *
 * <p>Lines end at {@code \n} (a {@code \r} before it is dropped). Pure-ASCII lines, nearly all of a recording, are turned
 * into strings without a decoder.
 */
final class Utf8Lines implements Closeable {
  private final InputStream in;
  private final CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder();
  private byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private long lineNo;
  private int malformedAt = -1;

  Utf8Lines(InputStream in) {
    this.in = in;
  }

  /** The next line, or null at the end of the input. */
  String next() throws IOException {
    while (true) {
      int nl = indexOf(pos, limit);
      if (nl >= 0) {
        String s = line(pos, nl);
        pos = nl + 1;
        return s;
      }
      if (eof) {
        if (pos < limit) {
          String s = line(pos, limit);
          pos = limit;
          return s;
        }
        return null;
      }
      fill();
    }
  }

  /** 1-based number of the line {@link #next()} returned last. */
  long lineNumber() {
    return lineNo;
  }

  /** The 0-based offset of the first byte that is not UTF-8 in the last line, or -1 when the line is good. */
  int malformedAt() {
    return malformedAt;
  }

  private int indexOf(int from, int to) {
    byte[] b = buf;
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void fill() throws IOException {
    int rest = limit - pos;
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, rest);
      pos = 0;
      limit = rest;
    }
    if (limit == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      eof = true;
    } else {
      limit += n;
    }
  }

  private String line(int start, int end) {
    lineNo++;
    malformedAt = -1;
    if (end > start && buf[end - 1] == '\r') {
      end--;
    }
    byte[] b = buf;
    for (int i = start; i < end; i++) {
      if (b[i] < 0) {
        return decode(start, end);
      }
    }
    return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
  }

  private String decode(int start, int end) {
    ByteBuffer bytes = ByteBuffer.wrap(buf, start, end - start);
    try {
      return strict.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      malformedAt = firstMalformed(start, end);
      return new String(buf, start, end - start, StandardCharsets.UTF_8);
    }
  }

  /** Where the strict decoder stops: the offset of the first bad byte within the line. */
  private int firstMalformed(int start, int end) {
    ByteBuffer bytes = ByteBuffer.wrap(buf, start, end - start);
    CharBuffer out = CharBuffer.allocate(end - start);
    strict.reset();
    CoderResult r = strict.decode(bytes, out, true);
    strict.reset();
    return r.isError() ? bytes.position() - start : 0;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
