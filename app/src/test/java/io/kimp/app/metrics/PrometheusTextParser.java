package io.kimp.app.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (what a Prometheus server scrapes), for tests: every line
 * must be a HELP, TYPE, comment or a well-formed sample; names and label names must be valid; values must be floats; each
 * metric family's TYPE comes once and before its samples; no series appears twice. Anything else is an
 * {@link IllegalArgumentException} naming the line.
 */
final class PrometheusTextParser {

  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String type, String help, List<Sample> samples) {}

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusTextParser() {}

  static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> help = new HashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> series = new HashSet<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] p = line.split(" ", 4);
        if (p.length >= 3 && p[1].equals("TYPE")) {
          name(p[2], n);
          if (p.length != 4 || !TYPES.contains(p[3])) {
            throw bad(n, "TYPE needs one of " + TYPES);
          }
          if (types.put(p[2], p[3]) != null) {
            throw bad(n, "second TYPE for " + p[2]);
          }
          if (samples.containsKey(p[2])) {
            throw bad(n, "TYPE for " + p[2] + " after its samples");
          }
        } else if (p.length >= 3 && p[1].equals("HELP")) {
          name(p[2], n);
          help.put(p[2], p.length == 4 ? p[3] : "");
        }
        continue;
      }
      Sample s = sample(line, n);
      String family = familyOf(s.name(), types);
      if (family == null) {
        throw bad(n, "sample " + s.name() + " has no TYPE before it");
      }
      if ("histogram".equals(types.get(family)) && s.name().endsWith("_bucket") && !s.labels().containsKey("le")) {
        throw bad(n, "histogram bucket without le");
      }
      if (!series.add(s.name() + s.labels())) {
        throw bad(n, "duplicate series " + s.name() + s.labels());
      }
      samples.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
    }
    Map<String, Family> out = new LinkedHashMap<>();
    types.forEach(
        (name, type) -> out.put(name, new Family(name, type, help.get(name), samples.getOrDefault(name, List.of()))));
    return out;
  }

  private static String familyOf(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : new String[] {"_total", "_bucket", "_sum", "_count", "_created", "_max"}) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return null;
  }

  private static Sample sample(String line, int n) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = name(line.substring(0, i), n);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        if (i < line.length() && line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw bad(n, "label without '='");
        }
        String label = line.substring(i, eq);
        if (!LABEL_NAME.matcher(label).matches()) {
          throw bad(n, "bad label name '" + label + "'");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw bad(n, "label value not quoted");
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        boolean closed = false;
        while (j < line.length()) {
          char c = line.charAt(j);
          if (c == '\\') {
            char e = j + 1 < line.length() ? line.charAt(j + 1) : 0;
            if (e == '\\' || e == '"') {
              v.append(e);
            } else if (e == 'n') {
              v.append('\n');
            } else {
              throw bad(n, "bad escape in label value");
            }
            j += 2;
            continue;
          }
          if (c == '"') {
            closed = true;
            break;
          }
          v.append(c);
          j++;
        }
        if (!closed) {
          throw bad(n, "unterminated label value");
        }
        if (labels.put(label, v.toString()) != null) {
          throw bad(n, "label " + label + " twice");
        }
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw bad(n, "no value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length < 1 || rest.length > 2) {
      throw bad(n, "expected a value and an optional timestamp");
    }
    double value = value(rest[0], n);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw bad(n, "bad timestamp");
      }
    }
    return new Sample(name, labels, value);
  }

  private static double value(String s, int n) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw bad(n, "bad value '" + s + "'");
        }
    }
  }

  private static String name(String name, int n) {
    if (!METRIC_NAME.matcher(name).matches()) {
      throw bad(n, "bad metric name '" + name + "'");
    }
    return name;
  }

  private static IllegalArgumentException bad(int line, String why) {
    return new IllegalArgumentException("line " + line + ": " + why);
  }
}
