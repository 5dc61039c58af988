package io.kimp.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "The dead-letter queue of a running node, through its admin API.",
    subcommands = {DlqCommand.List.class, DlqCommand.Recover.class, DlqCommand.Discard.class})
final class DlqCommand {

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Dead-lettered cycles, newest first (open ones only unless --all).")
  static final class List implements Callable<Integer> {
    @Mixin AdminApiOptions api;

    @Option(names = "--all", description = "Also recovered and discarded entries.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      return api.call(a -> a.get("api/v1/dlq?open=" + !all), List::render).call();
    }

    static String render(JsonNode entries) {
      if (entries.isEmpty()) {
        return "no dead-lettered cycles";
      }
      StringBuilder out = new StringBuilder();
      for (JsonNode e : entries) {
        JsonNode d = e.get("deadLetter");
        out.append(String.join("  ",
                d.get("cycleId").asText(), d.get("symbol").asText(), e.get("status").asText(),
                d.get("leg").asText() + " " + d.get("step").asText(), "retries=" + d.get("retryCount").asInt(),
                d.get("at").asText(), d.get("reason").asText()))
            .append('\n');
      }
      return out.toString().stripTrailing();
    }
  }

  @Command(name = "recover", mixinStandardHelpOptions = true,
      description = "Resume a dead-lettered cycle from its failed step (retry count reset).")
  static final class Recover implements Callable<Integer> {
    @Mixin AdminApiOptions api;

    @Parameters(paramLabel = "CYCLE_ID", description = "The cycle's id.")
    UUID cycle;

    @Override
    public Integer call() throws Exception {
      return api.call(a -> a.post("api/v1/dlq/" + cycle + "/recover", Map.of()),
          o -> "recovered " + cycle + ": " + o.path("message").asText()).call();
    }
  }

  @Command(name = "discard", mixinStandardHelpOptions = true,
      description = "Close a dead-lettered cycle without completing it (its capital is written off if anything moved).")
  static final class Discard implements Callable<Integer> {
    @Mixin AdminApiOptions api;

    @Parameters(paramLabel = "CYCLE_ID", description = "The cycle's id.")
    UUID cycle;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded and alerted).")
    String reason;

    @Override
    public Integer call() throws Exception {
      return api.call(a -> a.post("api/v1/dlq/" + cycle + "/discard", Map.of("reason", reason)),
          o -> "discarded " + cycle + ": " + o.path("message").asText()).call();
    }
  }
}
