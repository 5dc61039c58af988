package io.kimp.backtest.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One swept parameter, {@code name=from:to:step} (both ends included, decimal steps exact), and the grid of several.
 */
record SweepSpec(String name, List<BigDecimal> values) {
  private static final int MAX_POINTS = 10_000;

  /** The parameters a sweep may vary, by the option they stand for. */
  static final List<String> NAMES =
      List.of("min-spread", "finalizer-min-profit", "transfer-minutes", "investment", "half-spread-bps");

  static SweepSpec parse(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--sweep '" + spec + "': expected name=from:to:step, e.g. min-spread=0.3:1.5:0.1");
    }
    String name = spec.substring(0, eq).trim();
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("--sweep '" + spec + "': unknown parameter '" + name + "' (one of " + NAMES + ")");
    }
    String[] parts = spec.substring(eq + 1).split(":");
    if (parts.length != 3) {
      throw new IllegalArgumentException("--sweep '" + spec + "': expected from:to:step after '='");
    }
    BigDecimal from;
    BigDecimal to;
    BigDecimal step;
    try {
      from = new BigDecimal(parts[0].trim());
      to = new BigDecimal(parts[1].trim());
      step = new BigDecimal(parts[2].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--sweep '" + spec + "': from, to and step must be numbers");
    }
    if (step.signum() <= 0) {
      throw new IllegalArgumentException("--sweep '" + spec + "': step must be positive");
    }
    if (to.compareTo(from) < 0) {
      throw new IllegalArgumentException("--sweep '" + spec + "': to is below from");
    }
    List<BigDecimal> values = new ArrayList<>();
    for (BigDecimal v = from; v.compareTo(to) <= 0; v = v.add(step)) {
      if (values.size() == MAX_POINTS) {
        throw new IllegalArgumentException("--sweep '" + spec + "': more than " + MAX_POINTS + " values");
      }
      values.add(v);
    }
    return new SweepSpec(name, values);
  }

  /** Every combination of the specs' values, first spec varying slowest. */
  static List<Map<String, BigDecimal>> grid(List<SweepSpec> specs) {
    List<Map<String, BigDecimal>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (SweepSpec s : specs) {
      List<Map<String, BigDecimal>> next = new ArrayList<>();
      for (Map<String, BigDecimal> p : points) {
        for (BigDecimal v : s.values()) {
          Map<String, BigDecimal> q = new LinkedHashMap<>(p);
          q.put(s.name(), v);
          next.add(q);
        }
      }
      if (next.size() > MAX_POINTS) {
        throw new IllegalArgumentException("the sweep grid has more than " + MAX_POINTS + " points");
      }
      points = next;
    }
    return points;
  }
}
