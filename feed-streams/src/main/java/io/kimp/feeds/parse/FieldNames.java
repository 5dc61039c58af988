package io.kimp.feeds.parse;

import java.nio.charset.StandardCharsets;

/**
 * The field names a fast path reads, each mapped to a small id (aliases, such as Upbit's DEFAULT and SIMPLE names of one
 * field, share an id): the name just read by a {@link FrameScanner} is first checked against the (length, first byte)
 * pairs of the names, which dismisses most unknown names (most of a ticker's) at once, then looked up by its hash in an
 * open-addressing table and confirmed byte by byte.
 */
public final class FieldNames {
  private final byte[][] names;
  private final int[] hashes;
  private final int[] ids;
  private final int[] slots; // index + 1 into names, 0 = empty
  private final int mask;
  /** Whether some name has this (length mod 32, first byte): most unknown names are dismissed by this one look. */
  private final boolean[] lengthAndFirst = new boolean[32 * 128];

  /** @param namesAndIds alternating name (String) and id (Integer, 0..31) */
  public FieldNames(Object... namesAndIds) {
    int n = namesAndIds.length / 2;
    names = new byte[n][];
    hashes = new int[n];
    ids = new int[n];
    int size = Integer.highestOneBit(Math.max(4, n * 4) - 1) << 1;
    slots = new int[size];
    mask = size - 1;
    for (int i = 0; i < n; i++) {
      names[i] = ((String) namesAndIds[2 * i]).getBytes(StandardCharsets.US_ASCII);
      ids[i] = (Integer) namesAndIds[2 * i + 1];
      if (ids[i] < 0 || ids[i] > 31) {
        throw new IllegalArgumentException("field ids are bits of an int: 0..31");
      }
      hashes[i] = FrameScanner.hash(names[i]);
      lengthAndFirst[key(names[i].length, names[i][0])] = true;
      int s = spread(hashes[i]) & mask;
      while (slots[s] != 0) {
        s = (s + 1) & mask;
      }
      slots[s] = i + 1;
    }
  }

  private static int key(int length, byte first) {
    return (length & 31) << 7 | (first & 0x7F);
  }

  private static int spread(int h) {
    return h ^ (h >>> 7) ^ (h >>> 16);
  }

  /** The id of the name the scanner just read, or -1 if it is none of these. */
  public int id(FrameScanner in) {
    int from = in.tokenStart();
    int n = in.tokenEnd() - from;
    if (n == 0 || !lengthAndFirst[key(n, in.bytes()[from])]) {
      return -1;
    }
    int h = in.tokenHash();
    int s = spread(h) & mask;
    int k;
    while ((k = slots[s]) != 0) {
      k--;
      if (hashes[k] == h && in.tokenIs(names[k])) {
        return ids[k];
      }
      s = (s + 1) & mask;
    }
    return -1;
  }
}
