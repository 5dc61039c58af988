package io.kimp.core.cycle.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the version-2 migrations share: an event's nested object taken out, its named fields set on the event. */
final class NestedFields {
  private NestedFields() {}

  /** Removes {@code root.nested} and copies its {@code fields} (those present) to {@code root}; returns it, or null. */
  static ObjectNode lift(ObjectNode root, String nested, String... fields) {
    JsonNode inner = root.remove(nested);
    if (inner == null || !inner.isObject()) {
      return null;
    }
    for (String field : fields) {
      JsonNode value = inner.get(field);
      if (value != null) {
        root.set(field, value);
      }
    }
    return (ObjectNode) inner;
  }
}
