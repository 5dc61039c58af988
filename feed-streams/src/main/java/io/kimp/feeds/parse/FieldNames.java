package io.kimp.feeds.parse;

import java.nio.charset.StandardCharsets;

/**
 * The field names a fast path reads, each mapped to a small id (aliases, such as Upbit's DEFAULT and SIMPLE names of one
 * field, share an id): the name just read by a {@link FrameScanner} is looked up by its hash in an open-addressing table
 * and confirmed byte by byte, so matching a name costs one probe and unknown names (most of a ticker's) one miss.
 */
public final class FieldNames {
  private final byte[][] names;
  private final int[] hashes;
  private final int[] ids;
  private final int[] slots; // index + 1 into names, 0 = empty
  private final int mask;

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
      int s = spread(hashes[i]) & mask;
      while (slots[s] != 0) {
        s = (s + 1) & mask;
      }
      slots[s] = i + 1;
    }
  }

  private static int spread(int h) {
    return h ^ (h >>> 7) ^ (h >>> 16);
  }

  /** The id of the name the scanner just read, or -1 if it is none of these. */
  public int id(FrameScanner in) {
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
