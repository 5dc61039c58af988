package io.kimp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One kimp node as a child JVM ({@code java -jar kimp.jar run --config nodeN.conf}), its output appended to a log file,
 * and what its Pekko Management endpoint says about it.
 */
final class NodeProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  final String name;
  final int managementPort;
  final int remotingPort;
  private final List<String> command;
  private final Path log;
  private Process process;

  NodeProcess(String name, String java, List<String> jvmOptions, Path jar, Path config, int remotingPort,
      int managementPort, Path log) {
    this.name = name;
    this.remotingPort = remotingPort;
    this.managementPort = managementPort;
    this.log = log;
    List<String> c = new ArrayList<>();
    c.add(java);
    c.addAll(jvmOptions);
    c.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    this.command = List.copyOf(c);
  }

  void start() throws IOException {
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no hand-off; the cluster must notice and down it. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the coordinated shutdown hands the node's shards off and leaves; waits for the exit. */
  boolean terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  Path log() {
    return log;
  }

  /** GET /ready answers 200: journal reachable and the node Up. */
  boolean ready() {
    return get("/ready").map(r -> r.statusCode() == 200).orElse(false);
  }

  /** Members the node sees Up, by remoting address. */
  Set<String> membersUp() {
    Set<String> up = new HashSet<>();
    get("/cluster/members").filter(r -> r.statusCode() == 200).ifPresent(r -> {
      for (JsonNode m : parse(r.body()).path("members")) {
        if ("Up".equals(m.path("status").asText())) {
          up.add(m.path("node").asText());
        }
      }
    });
    return up;
  }

  /** The shard ids of {@code entityType} this node hosts now (empty when it does not answer). */
  Set<String> shards(String entityType) {
    Set<String> ids = new HashSet<>();
    get("/cluster/shards/" + entityType).filter(r -> r.statusCode() == 200).ifPresent(r -> {
      for (JsonNode region : parse(r.body()).path("regions")) {
        ids.add(region.path("shardId").asText());
      }
    });
    return ids;
  }

  private java.util.Optional<HttpResponse<String>> get(String path) {
    if (!alive()) {
      return java.util.Optional.empty();
    }
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
          .timeout(Duration.ofSeconds(3)).GET().build();
      return java.util.Optional.of(HTTP.send(req, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
