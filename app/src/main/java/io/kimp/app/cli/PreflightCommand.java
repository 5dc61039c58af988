package io.kimp.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kimp preflight}: the live pre-flight's latest report (keys, excluded coins), through a node's admin API. */
@Command(
    name = "preflight",
    mixinStandardHelpOptions = true,
    description = "The live pre-flight of a running node: whether each venue accepted its API key at the last check, "
        + "and the coins excluded with their reasons (GET /api/v1/preflight).")
final class PreflightCommand implements Callable<Integer> {
  @Mixin AdminApiOptions api;

  static String render(JsonNode r) {
    StringBuilder out = new StringBuilder("pre-flight at " + r.path("ranAt").asText() + " (" + r.path("trigger").asText()
        + ")");
    for (Iterator<Map.Entry<String, JsonNode>> it = r.path("keys").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> k = it.next();
      out.append("\n  ").append(k.getKey()).append(" key: ").append(k.getValue().path("state").asText());
      if (!"OK".equals(k.getValue().path("state").asText())) {
        out.append(" - ").append(k.getValue().path("message").asText());
      }
    }
    JsonNode excluded = r.path("excluded");
    if (excluded.isEmpty()) {
      out.append("\n  no coin excluded");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = excluded.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> c = it.next();
      out.append("\n  ").append(c.getKey()).append(" excluded:");
      for (JsonNode e : c.getValue()) {
        out.append(" ").append(e.path("reason").asText()).append(" (").append(e.path("message").asText()).append(")");
      }
    }
    return out.toString();
  }

  @Override
  public Integer call() throws Exception {
    return api.call(a -> a.get("api/v1/preflight"), PreflightCommand::render).call();
  }
}
