package io.kimp.feeds.parse;

import com.fasterxml.jackson.core.io.NumberInput;
import io.kimp.feeds.RawFrame;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One forward pass over a frame's bytes for the venue parsers' fast paths: it validates the JSON structure as it goes
 * (objects, arrays, strings, numbers, literals, what may follow what) and hands out only what a fast path asks for, without
 * building a token stream, a String or a number object. It is deliberately narrower than JSON: it takes ASCII without
 * escape sequences, at most {@link #MAX_FRAME_CHARS} long, nested at most {@link #MAX_SKIP_DEPTH} deep below the fields a
 * fast path reads, numbers at most {@link #MAX_NUMBER_CHARS} long. Everything else (and every frame a fast path does not
 * fully accept) is {@linkplain #DECLINE declined} and goes to the full Jackson parser, which counts and reports it: the fast
 * path only has to be right about what it accepts, and never has to know why a frame is bad.
 *
 * <p>Numbers come out exactly as Jackson's: up to 2^53 with a power of ten of at most 22 they are computed in one correctly
 * rounded division or multiplication (Clinger's fast path), longer ones go through Jackson's own double parser (from a
 * reused char buffer); JSON integers convert from {@code long} as Jackson does ({@code -0} is {@code 0.0}), numeric
 * strings parse as decimals ({@code "-0"} is {@code -0.0}).
 *
 * <p>One instance per parser: it keeps scratch buffers and is not thread safe.
 */
public final class FrameScanner {
  /** Thrown, one shared instance without a stack trace, when the frame is not one the fast path takes. */
  public static final class Decline extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Decline() {
      super("declined by the fast path", null, false, false);
    }
  }

  public static final Decline DECLINE = new Decline();

  /** Frames longer than this go to the full parser (venue market-data frames are a few KiB at most). */
  public static final int MAX_FRAME_CHARS = 64 * 1024;

  /** Nesting below a skipped value's start the scanner follows (Jackson's own limit is far deeper). */
  public static final int MAX_SKIP_DEPTH = 16;

  /** Longer numbers are declined (Jackson's limit is 1000). */
  public static final int MAX_NUMBER_CHARS = 64;

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final long MAX_EXACT_MANTISSA = 1L << 53;
  private static final long ACCUMULATE_BELOW = 100_000_000_000_000_000L;
  /** Below this, eight more digits keep the mantissa below {@link #ACCUMULATE_BELOW} at every digit. */
  private static final long EIGHT_DIGITS_BELOW = ACCUMULATE_BELOW / 100_000_000L;
  /** Eight bytes of a byte array as one little-endian long. */
  static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22
  };

  private byte[] buf;
  private int pos;
  private int end;
  private final char[] numberChars = new char[MAX_NUMBER_CHARS];

  // the last string read by readString / readName: buf[tokenStart, tokenEnd)
  private int tokenStart;
  private int tokenEnd;

  // the last number scanned
  private int numberStart;
  private int numberEnd;
  private boolean negative;
  private long mantissa;
  private boolean mantissaOverflow;
  private int fractionDigits;
  private int exponent;
  private boolean integral;

  /**
   * Starts on a frame: its bytes as they are (binary frames), or its text's bytes (text frames). False if the frame is
   * too long or (text) not ASCII, or holds a '?'.
   */
  public boolean load(RawFrame frame) {
    byte[] bytes = frame.bytes();
    if (bytes != null) {
      if (bytes.length > MAX_FRAME_CHARS) {
        return false;
      }
      buf = bytes;
      end = bytes.length;
    } else {
      String text = frame.text();
      int n = text.length();
      if (n > MAX_FRAME_CHARS) {
        return false;
      }
      // Latin-1 bytes: for the Latin-1 (compact) strings text frames decode to, one array copy, where copying char by
      // char was most of a bookTicker's cost. A char beyond Latin-1 comes out as '?', so a frame is taken only without
      // bytes from 0x80 up and without '?': then the bytes are exactly its text. A '?' leaves the frame to Jackson.
      byte[] copy = text.getBytes(StandardCharsets.ISO_8859_1);
      if (copy.length != n || !asciiWithoutQuestionMark(copy, n)) { // (a surrogate pair is one '?')
        return false;
      }
      buf = copy;
      end = n;
    }
    pos = 0;
    return true;
  }

  /** Whether {@code b[0, n)} has no byte from 0x80 up and no '?': eight bytes at a time. */
  static boolean asciiWithoutQuestionMark(byte[] b, int n) {
    long high = 0;
    long question = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long w = (long) WORD.get(b, i);
      high |= w;
      long x = w ^ 0x3F3F3F3F3F3F3F3FL; // a '?' byte becomes zero
      question |= (x - 0x0101010101010101L) & ~x; // the high bit set in some byte iff some byte of x is zero
    }
    for (; i < n; i++) {
      high |= b[i] & 0xFF;
      question |= b[i] == '?' ? 0x80 : 0;
    }
    return ((high | question) & 0x8080808080808080L) == 0;
  }

  // ---------------------------------------------------------------- structure

  /** The next byte that is not JSON whitespace, not consumed. Declines at the end of the frame. */
  private int peek() {
    int p = pos;
    if (p < end) {
      int c = buf[p];
      if (c > ' ') {
        return c;
      }
    }
    return peekPastWhitespace();
  }

  private int peekPastWhitespace() {
    int p = pos;
    byte[] b = buf;
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        pos = p;
        return c;
      }
      p++;
    }
    throw DECLINE;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw DECLINE;
    }
    pos++;
  }

  /** Consumes {@code {}. */
  public void beginObject() {
    expect('{');
  }

  /** Consumes {@code [}. */
  public void beginArray() {
    expect('[');
  }

  /** Right after {@code {}: true with the first member's name read (and its colon), false if the object ends here. */
  public boolean firstMember() {
    if (peek() == '}') {
      pos++;
      return false;
    }
    readName();
    return true;
  }

  /** After a member's value: true with the next member's name read, false at the object's end. */
  public boolean nextMember() {
    int c = peek();
    if (c == '}') {
      pos++;
      return false;
    }
    if (c != ',') {
      throw DECLINE;
    }
    pos++;
    readName();
    return true;
  }

  /** What {@link #firstMember(MemberNames)} and {@link #nextMember(MemberNames)} return at the object's end. */
  public static final int END = -2;

  /**
   * Right after {@code {}: the first member's name read (and its colon) and its id in {@code names} (-1: none of them), or
   * {@link #END} if the object ends here.
   */
  public int firstMember(MemberNames names) {
    if (peek() == '}') {
      pos++;
      return END;
    }
    return memberName(names, 0);
  }

  /** After a member's value: the next member's name read and its id in {@code names} (-1: none), or {@link #END}. */
  public int nextMember(MemberNames names) {
    int c = peek();
    if (c == '}') {
      pos++;
      return END;
    }
    if (c != ',') {
      throw DECLINE;
    }
    pos++;
    return memberName(names, names.next);
  }

  /** The name at {@code pos}, member {@code index} of its object: the remembered one if the bytes match, else read. */
  private int memberName(MemberNames names, int index) {
    names.next = index + 1;
    int p = pos;
    int id = names.match(buf, p, end, index);
    if (id != MemberNames.MISS) {
      int n = names.length(index);
      tokenStart = p + 1;
      tokenEnd = p + n - 1;
      pos = p + n;
      expect(':');
      return id;
    }
    readString();
    id = names.names.id(this);
    names.remember(buf, tokenStart - 1, tokenEnd + 1, id, index);
    expect(':');
    return id;
  }

  /** Right after {@code [}: true if an element follows (not consumed), false if the array ends here. */
  public boolean firstElement() {
    if (peek() == ']') {
      pos++;
      return false;
    }
    return true;
  }

  /** After an element: true if another follows (not consumed), false at the array's end. */
  public boolean nextElement() {
    int c = peek();
    if (c == ']') {
      pos++;
      return false;
    }
    if (c != ',') {
      throw DECLINE;
    }
    pos++;
    return true;
  }

  /** After the root value: only whitespace may follow. */
  public void endOfFrame() {
    byte[] b = buf;
    for (int p = pos; p < end; p++) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        throw DECLINE;
      }
    }
  }

  private void readName() {
    readString();
    expect(':');
  }

  // ---------------------------------------------------------------- strings

  /** Reads a string value (or name) into the token: printable ASCII, no escape sequences. */
  public void readString() {
    if (peek() != '"') {
      throw DECLINE;
    }
    int start = pos + 1;
    int p = closingQuote(start);
    tokenStart = start;
    tokenEnd = p;
    pos = p + 1;
  }

  /** The index of the quote closing the string whose contents start at {@code p}. */
  private int closingQuote(int p) {
    byte[] b = buf;
    while (p < end) {
      int c = b[p];
      if (c > '"' && c != '\\') { // the common case: printable, not a quote or an escape
        p++;
      } else if (c == '"') {
        return p;
      } else if (c == ' ' || c == '!') {
        p++;
      } else {
        throw DECLINE; // control characters, escapes, and (negative) bytes from 0x80 up
      }
    }
    throw DECLINE;
  }

  /** A cheap hash of the token (its length and three of its bytes), as {@link #hash(byte[])} computes it. */
  public int tokenHash() {
    return hash(buf, tokenStart, tokenEnd);
  }

  private static int hash(byte[] b, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return 0;
    }
    return n * 0x9E3779B1 ^ b[from] ^ (b[to - 1] << 8) ^ (b[from + (n >> 1)] << 16);
  }

  public int tokenStart() {
    return tokenStart;
  }

  public int tokenEnd() {
    return tokenEnd;
  }

  /** The frame's bytes (valid until the next {@link #load}); read only. */
  public byte[] bytes() {
    return buf;
  }

  /** Whether the token is exactly {@code ascii}. */
  public boolean tokenIs(byte[] ascii) {
    int n = tokenEnd - tokenStart;
    if (n != ascii.length) {
      return false;
    }
    byte[] b = buf;
    for (int i = 0; i < n; i++) {
      if (b[tokenStart + i] != ascii[i]) {
        return false;
      }
    }
    return true;
  }

  /** The token hash of {@code ascii}'s bytes. */
  public static int hash(byte[] ascii) {
    return hash(ascii, 0, ascii.length);
  }

  private void skipString() {
    pos = closingQuote(pos + 1) + 1;
  }

  // ---------------------------------------------------------------- skipping

  /**
   * Skips (and validates) one value of any kind. Strings and numbers, nearly all the values skipped, are handled here, in
   * a method small enough to be inlined into the fast paths' member loops; the rest goes to the general (recursive, so
   * compiled on its own and too big to inline) {@link #skipValue(int)}.
   */
  public void skipValue() {
    int c = peek();
    if (c == '"') {
      skipString();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      skipNumber();
    } else {
      skipValue(0);
    }
  }

  private void skipValue(int depth) {
    int c = peek();
    if (c == '"') {
      skipString();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      skipNumber();
    } else if (c == '{') {
      skipObject(depth);
    } else if (c == '[') {
      skipArray(depth);
    } else if (c == 't') {
      literal(TRUE);
    } else if (c == 'f') {
      literal(FALSE);
    } else if (c == 'n') {
      literal(NULL);
    } else {
      throw DECLINE;
    }
  }

  private void skipObject(int depth) {
    if (depth >= MAX_SKIP_DEPTH) {
      throw DECLINE;
    }
    pos++;
    if (firstMember()) {
      do {
        skipValue(depth + 1);
      } while (nextMember());
    }
  }

  private void skipArray(int depth) {
    if (depth >= MAX_SKIP_DEPTH) {
      throw DECLINE;
    }
    pos++;
    if (firstElement()) {
      do {
        skipValue(depth + 1);
      } while (nextElement());
    }
  }

  /** Validates JSON number syntax at {@code pos} and steps over it, computing nothing. */
  private void skipNumber() {
    byte[] b = buf;
    int p = pos;
    int start = p;
    if (b[p] == '-') {
      p++;
    }
    if (p >= end) {
      throw DECLINE;
    }
    int c = b[p];
    if (c == '0') {
      p++;
    } else if (c >= '1' && c <= '9') {
      p = digits(b, p + 1);
    } else {
      throw DECLINE;
    }
    if (p < end && b[p] == '.') {
      int q = digits(b, p + 1);
      if (q == p + 1) {
        throw DECLINE;
      }
      p = q;
    }
    if (p < end && (b[p] | 0x20) == 'e') {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      int q = digits(b, p);
      if (q == p) {
        throw DECLINE;
      }
      p = q;
    }
    if (p - start > MAX_NUMBER_CHARS) {
      throw DECLINE;
    }
    pos = p;
  }

  /** The index of the first non-digit at or after {@code p}. */
  private int digits(byte[] b, int p) {
    while (p < end) {
      int c = b[p];
      if (c < '0' || c > '9') {
        break;
      }
      p++;
    }
    return p;
  }

  private void literal(byte[] word) {
    int p = pos;
    int n = word.length;
    if (p + n > end) {
      throw DECLINE;
    }
    byte[] b = buf;
    for (int i = 0; i < n; i++) {
      if (b[p + i] != word[i]) {
        throw DECLINE;
      }
    }
    pos = p + n;
  }

  // ---------------------------------------------------------------- numbers

  /**
   * A numeric value as Jackson's feed parsers read it: a JSON number, or a string holding exactly a JSON number (how
   * Binance sends prices). Declines anything else, including numbers Jackson would read but the venues never send.
   */
  public double number() {
    int c = peek();
    boolean quoted = c == '"';
    if (quoted) {
      if (++pos >= end) {
        throw DECLINE;
      }
    } else if (c != '-' && (c < '0' || c > '9')) {
      throw DECLINE;
    }
    // one call of the (large) number scan, not one per form: callers inline this whole method in their loops
    scanNumber();
    if (quoted) {
      if (pos >= end || buf[pos] != '"') {
        throw DECLINE;
      }
      pos++;
      return decimal();
    }
    if (integral) {
      // a JSON integer: Jackson reads it as a long and converts (so -0 is 0.0)
      return mantissaOverflow ? slow() : (double) (negative ? -mantissa : mantissa);
    }
    return decimal();
  }

  /** A JSON integer of at most 18 digits (so within a long); declines anything else. */
  public long integer() {
    int c = peek();
    if (c != '-' && (c < '0' || c > '9')) {
      throw DECLINE;
    }
    scanNumber();
    if (!integral || mantissaOverflow) {
      throw DECLINE;
    }
    return negative ? -mantissa : mantissa;
  }

  /** Scans JSON number syntax at {@code pos} (which is inside the frame), keeping its parts. */
  private void scanNumber() {
    byte[] b = buf;
    int p = pos;
    int start = p;
    boolean neg = b[p] == '-';
    if (neg && ++p >= end) {
      throw DECLINE;
    }
    mantissa = 0;
    mantissaOverflow = false;
    fractionDigits = 0;
    int c = b[p];
    if (c == '0') {
      p++;
    } else if (c >= '1' && c <= '9') {
      p = accumulate(b, p, false);
    } else {
      throw DECLINE;
    }
    boolean isInt = true;
    if (p < end && b[p] == '.') {
      isInt = false;
      int q = accumulate(b, p + 1, true);
      if (q == p + 1) {
        throw DECLINE;
      }
      p = q;
    }
    exponent = 0;
    if (p < end && (b[p] | 0x20) == 'e') {
      isInt = false;
      p = exponent(b, p + 1);
    }
    if (p - start > MAX_NUMBER_CHARS) {
      throw DECLINE;
    }
    numberStart = start;
    numberEnd = p;
    negative = neg;
    integral = isInt;
    pos = p;
  }

  /** Digits from {@code p} into the mantissa (counted as fraction digits if {@code fraction}); the index after them. */
  private int accumulate(byte[] b, int p, boolean fraction) {
    long m = mantissa;
    int frac = fractionDigits;
    boolean overflow = mantissaOverflow;
    // eight digits at a time (timestamps, ids, long fractions) while the mantissa is small enough that the digit-by-digit
    // loop below would have taken all eight too (it takes digits while below ACCUMULATE_BELOW): the same result
    while (m < EIGHT_DIGITS_BELOW && p + 8 <= end) {
      long w = (long) WORD.get(b, p);
      if (!eightDigits(w)) {
        break;
      }
      m = m * 100_000_000L + eightDigitsValue(w);
      if (fraction) {
        frac += 8;
      }
      p += 8;
    }
    while (p < end) {
      int c = b[p];
      if (c < '0' || c > '9') {
        break;
      }
      if (m < ACCUMULATE_BELOW) {
        m = m * 10 + (c - '0');
        if (fraction) {
          frac++;
        }
      } else {
        overflow = true;
      }
      p++;
    }
    mantissa = m;
    fractionDigits = frac;
    mantissaOverflow = overflow;
    return p;
  }

  /** Whether the eight bytes of {@code w} (little-endian) are all ASCII digits. */
  static boolean eightDigits(long w) {
    // each byte: high nibble 3, and still 3 after adding 6 (so the low nibble is at most 9); a carry out of a byte only
    // comes from bytes of 0xFA and up, which fail the first test
    return ((w & 0xF0F0F0F0F0F0F0F0L) | (((w + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) >>> 4))
        == 0x3333333333333333L;
  }

  /** The value of eight ASCII digits read little-endian (the first digit in the lowest byte): 0..99,999,999. */
  static long eightDigitsValue(long w) {
    long v = w - 0x3030303030303030L;
    v = v * 10 + (v >>> 8); // pairs of digits in every other byte
    return (((v & 0x000000FF000000FFL) * (100 + (1_000_000L << 32)))
            + (((v >>> 16) & 0x000000FF000000FFL) * (1 + (10_000L << 32))))
        >>> 32;
  }

  /** The exponent's sign and digits from {@code p}; the index after them. */
  private int exponent(byte[] b, int p) {
    boolean neg = false;
    if (p < end && (b[p] == '-' || b[p] == '+')) {
      neg = b[p] == '-';
      p++;
    }
    int q = p;
    int e = 0;
    while (q < end) {
      int c = b[q];
      if (c < '0' || c > '9') {
        break;
      }
      if (e < 100_000) {
        e = e * 10 + (c - '0');
      }
      q++;
    }
    if (q == p) {
      throw DECLINE;
    }
    exponent = neg ? -e : e;
    return q;
  }

  /** The scanned number parsed as a decimal (correctly rounded, as Jackson's double parser). */
  private double decimal() {
    if (!mantissaOverflow && mantissa <= MAX_EXACT_MANTISSA) {
      int e10 = exponent - fractionDigits;
      if (e10 >= -22 && e10 <= 22) {
        double v = e10 >= 0 ? mantissa * POW10[e10] : mantissa / POW10[-e10];
        return negative ? -v : v;
      }
    }
    return slow();
  }

  private double slow() {
    int n = numberEnd - numberStart;
    for (int i = 0; i < n; i++) {
      numberChars[i] = (char) buf[numberStart + i];
    }
    return NumberInput.parseDouble(numberChars, 0, n, true);
  }
}
