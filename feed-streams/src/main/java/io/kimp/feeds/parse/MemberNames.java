package io.kimp.feeds.parse;

/**
 * The member names of one kind of object a fast path reads (a frame's top level, a payload, a book level), remembered
 * position by position from the last object read: a venue sends its members in the same order frame after frame, so the
 * name at position k is almost always the bytes seen at position k last time. {@link FrameScanner#firstMember(MemberNames)}
 * and {@link FrameScanner#nextMember(MemberNames)} first compare the frame's bytes with that remembered name (quotes
 * included), a word (8 bytes) at a time, and on a match take its id without scanning the name or looking it up in the
 * {@link FieldNames}; otherwise they read and look the name up as before and remember it for the position.
 *
 * <p>Exact by construction: a remembered name is the bytes of a name the scanner has validated (printable ASCII, no
 * escapes, closing quote at its end), so frame bytes equal to it are that same valid name, and reading them the long way
 * would give the same token and id. Whitespace, a longer or shorter name, anything else is a miss.
 *
 * <p>One per fast path and object kind (it changes as it reads): not thread safe.
 */
public final class MemberNames {
  /** Positions remembered; members further on are always read the long way. */
  static final int MAX_MEMBERS = 64;

  /** Longest name remembered, quotes included (three words); longer ones are always read the long way. */
  static final int MAX_NAME_BYTES = 24;

  private static final int WORDS = MAX_NAME_BYTES / 8;

  /** Returned by {@link #match} when the bytes are not the remembered name. */
  static final int MISS = Integer.MIN_VALUE;

  final FieldNames names;
  /** Per position: the name's bytes, quotes included, little-endian words, zero past its end; 0 length = none yet. */
  private final long[] words = new long[MAX_MEMBERS * WORDS];
  /** Per position: which bytes of the name's last word are the name's. */
  private final long[] lastMasks = new long[MAX_MEMBERS];
  private final int[] lengths = new int[MAX_MEMBERS];
  private final int[] ids = new int[MAX_MEMBERS];
  /** The position of the next member of the object being read. */
  int next;

  public MemberNames(FieldNames names) {
    this.names = names;
  }

  /**
   * The id of the name remembered at {@code index} if {@code b[p, end)} starts with it (its length is then {@link
   * #length}), else {@link #MISS}.
   */
  int match(byte[] b, int p, int end, int index) {
    if (index >= MAX_MEMBERS) {
      return MISS;
    }
    int n = lengths[index];
    // whole words are read, so the name must fit in the frame and its words in the array (bytes past it are masked off)
    if (n == 0 || p + n > end || p + 8 > b.length) {
      return MISS;
    }
    long first = (long) FrameScanner.WORD.get(b, p);
    int w = index * WORDS;
    if (n <= 8) { // most names: one compare
      return (first & lastMasks[index]) == words[w] ? ids[index] : MISS;
    }
    return first == words[w] ? matchRest(b, p, n, index) : MISS;
  }

  /** {@link #match} of a name longer than a word whose first word matched. */
  private int matchRest(byte[] b, int p, int n, int index) {
    int last = (n - 1) >>> 3;
    if (p + 8 * last + 8 > b.length) {
      return MISS;
    }
    int w = index * WORDS;
    for (int i = 1; i < last; i++) {
      if ((long) FrameScanner.WORD.get(b, p + 8 * i) != words[w + i]) {
        return MISS;
      }
    }
    if (((long) FrameScanner.WORD.get(b, p + 8 * last) & lastMasks[index]) != words[w + last]) {
      return MISS;
    }
    return ids[index];
  }

  /** Length in bytes, quotes included, of the name remembered at {@code index} (after a {@link #match}). */
  int length(int index) {
    return lengths[index];
  }

  /** Remembers the validated name {@code b[from, to)} (quotes included) with its id for position {@code index}. */
  void remember(byte[] b, int from, int to, int id, int index) {
    int n = to - from;
    if (index >= MAX_MEMBERS) {
      return;
    }
    if (n > MAX_NAME_BYTES) {
      lengths[index] = 0;
      return;
    }
    int w = index * WORDS;
    for (int i = 0; i < WORDS; i++) {
      words[w + i] = 0;
    }
    for (int i = 0; i < n; i++) {
      words[w + (i >>> 3)] |= (b[from + i] & 0xFFL) << (8 * (i & 7));
    }
    int rest = n - 8 * ((n - 1) >>> 3); // 1..8 bytes in the last word
    lastMasks[index] = rest == 8 ? -1L : (1L << (8 * rest)) - 1;
    lengths[index] = n;
    ids[index] = id;
  }
}
