package io.kimp.backtest.report;

import io.kimp.backtest.data.RowProblems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input file as the report describes it: rows used, bad rows skipped by kind (only when read leniently), and the
 * first few of them by {@code file:line}.
 */
public record InputSummary(String role, String file, long rows, Map<String, Long> skipped, List<String> examples) {

  public static InputSummary of(String role, long rows, RowProblems problems) {
    Map<String, Long> skipped = new LinkedHashMap<>();
    problems.counts().forEach((k, v) -> skipped.put(k.name(), v));
    return new InputSummary(role, problems.source(), rows, skipped, problems.examples());
  }

  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }
}
