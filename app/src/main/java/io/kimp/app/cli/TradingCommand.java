package io.kimp.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "trading",
    mixinStandardHelpOptions = true,
    description = "The cluster-wide kill switch, through a running node's admin API: paused means no new cycles "
        + "(running ones finish).",
    subcommands = {TradingCommand.Status.class, TradingCommand.Pause.class, TradingCommand.Resume.class})
final class TradingCommand {

  static String render(JsonNode t) {
    if (!t.path("paused").asBoolean()) {
      return "trading: RUNNING";
    }
    return "trading: PAUSED by " + t.path("by").asText("?") + ": " + t.path("reason").asText("");
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Whether trading is paused, and by whom.")
  static final class Status implements Callable<Integer> {
    @Mixin AdminApiOptions api;

    @Override
    public Integer call() throws Exception {
      return api.call(a -> a.get("api/v1/trading"), t -> render(t)
          + "\nrealised today: " + t.path("todayRealizedPnlKrw").asText() + " KRW (daily loss limit "
          + t.path("dailyLossLimitKrw").asText() + " KRW)"
          + (t.path("idle").isObject() ? "\nnow: " + t.at("/idle/message").asText() : "")).call();
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop new cycles on every node.")
  static final class Pause implements Callable<Integer> {
    @Mixin AdminApiOptions api;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded and alerted).")
    String reason;

    @Override
    public Integer call() throws Exception {
      Map<String, String> body = new HashMap<>();
      if (reason != null) {
        body.put("reason", reason);
      }
      return api.call(a -> a.post("api/v1/trading/pause", body), TradingCommand::render).call();
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Allow new cycles again.")
  static final class Resume implements Callable<Integer> {
    @Mixin AdminApiOptions api;

    @Override
    public Integer call() throws Exception {
      return api.call(a -> a.post("api/v1/trading/resume", Map.of()), TradingCommand::render).call();
    }
  }
}
