package io.kimp.backtest.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What reading one input file ran into. Strict reading throws on the first bad row; lenient reading skips bad rows and
 * counts them here by kind, keeping the first few as examples so the report can say where they were.
 */
public final class RowProblems {
  /** Kinds of bad row, stable names for the report. */
  public enum Kind {
    FIELD_COUNT("too few fields"),
    TIMESTAMP("bad timestamp"),
    NUMBER("bad number"),
    NON_POSITIVE_PRICE("price not positive"),
    NEGATIVE_VOLUME("volume negative"),
    INCONSISTENT_CANDLE("high/low do not contain open/close"),
    NOT_ASCENDING("timestamp not after the previous row"),
    NOT_UTF8("bytes not UTF-8");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final int EXAMPLES = 5;

  private final String source;
  private final boolean lenient;
  private final Map<Kind, Long> counts = new TreeMap<>();
  private final List<String> examples = new ArrayList<>();

  public RowProblems(String source, boolean lenient) {
    this.source = source;
    this.lenient = lenient;
  }

  /** Records a bad row: throws when strict, counts it when lenient. */
  public void bad(Kind kind, long line, String detail) {
    if (!lenient) {
      throw new BadInputException(source, line, kind.label() + ": " + detail);
    }
    counts.merge(kind, 1L, Long::sum);
    if (examples.size() < EXAMPLES) {
      examples.add(source + ":" + line + ": " + kind.label() + ": " + detail);
    }
  }

  public long skipped() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<Kind, Long> counts() {
    return Collections.unmodifiableMap(counts);
  }

  public List<String> examples() {
    return Collections.unmodifiableList(examples);
  }

  public String source() {
    return source;
  }
}
