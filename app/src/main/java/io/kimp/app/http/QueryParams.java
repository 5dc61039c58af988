package io.kimp.app.http;

import io.kimp.core.cycle.CycleStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A request's query parameters and path ids, checked: an unknown or repeated parameter, or a value of the wrong form or
 * range, is a 400 naming it (a typo such as {@code ?stauts=} must not silently widen a query).
 */
final class QueryParams {
  private static final Pattern UUID_FORM =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9]{1,20}");

  private final Map<String, List<String>> params;

  private QueryParams(Map<String, List<String>> params) {
    this.params = params;
  }

  static QueryParams of(Map<String, List<String>> params, Set<String> known) {
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw ApiError.badRequest("unknown query parameter '" + abbreviate(e.getKey()) + "'"
            + (known.isEmpty() ? "" : "; known: " + String.join(", ", known.stream().sorted().toList())));
      }
      if (e.getValue().size() > 1) {
        throw ApiError.badRequest("query parameter '" + e.getKey() + "' given more than once");
      }
    }
    return new QueryParams(params);
  }

  private String raw(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  int integer(String name, int min, int max, int absent) {
    String v = raw(name);
    if (v == null) {
      return absent;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiError.badRequest(name + " must be an integer between " + min + " and " + max + ", not '" + abbreviate(v) + "'");
  }

  boolean bool(String name, boolean absent) {
    String v = raw(name);
    if (v == null) {
      return absent;
    }
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw ApiError.badRequest(name + " must be true or false, not '" + abbreviate(v) + "'");
  }

  /** A cycle status (any case); IDLE is an entity's state, never a cycle's. */
  CycleStatus status(String name) {
    String v = raw(name);
    if (v == null) {
      return null;
    }
    String known =
        Arrays.stream(CycleStatus.values()).filter(s -> s != CycleStatus.IDLE).map(Enum::name)
            .collect(Collectors.joining(", "));
    try {
      CycleStatus s = CycleStatus.valueOf(v.trim().toUpperCase(Locale.ROOT));
      if (s != CycleStatus.IDLE) {
        return s;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw ApiError.badRequest("unknown " + name + " '" + abbreviate(v) + "'; one of " + known);
  }

  /** A coin symbol, upper-cased. */
  String symbol(String name) {
    String v = raw(name);
    if (v == null) {
      return null;
    }
    if (!SYMBOL.matcher(v).matches()) {
      throw ApiError.badRequest(name + " must be 1 to 20 letters or digits, not '" + abbreviate(v) + "'");
    }
    return v.toUpperCase(Locale.ROOT);
  }

  /** A path segment that must be a cycle id. */
  static UUID cycleId(String segment) {
    if (!UUID_FORM.matcher(segment).matches()) {
      throw ApiError.badRequest("'" + abbreviate(segment) + "' is not a cycle id (a UUID)");
    }
    return UUID.fromString(segment);
  }

  static String abbreviate(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 60 ? clean : clean.substring(0, 60) + "…";
  }
}
