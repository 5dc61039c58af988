package io.kimp.it.admin;

import static io.kimp.it.TestNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.app.Main;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import io.kimp.it.TestNodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The operator's recovery path end to end on a real node: a cycle dead-letters through a scripted venue fault, the
 * operator finds it and recovers it over HTTP, and it completes; another is discarded with the CLI ({@code kimp dlq},
 * which goes through the same API), and the kill switch is flipped with {@code kimp trading}.
 */
class DeadLetterRecoveryOverHttpTest extends SingleNodeTest {
  private record Run(int exit, String out, String err) {}

  /** {@code kimp <args>} against this node's API, with its token found in its data directory. */
  private Run kimp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url=" + admin.http().base());
    all.add("-Dkimp.data-dir=" + admin.dataDir());
    all.add("--as=ops.kim");
    return kimpRaw(all.toArray(String[]::new));
  }

  private static Run kimpRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private UUID start(String symbol) throws Exception {
    CycleReply reply = start(admin.node().cycles(), symbol);
    assertThat(reply.accepted()).as(reply.message()).isTrue();
    return reply.cycleId();
  }

  @Test
  void aDeadLetteredCycleIsRecoveredOverHttpAndCompletes() throws Exception {
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT); // -2010: dead-lettered at once
    RecordingAlertSink alerts = new RecordingAlertSink();
    startNode("", exchange.venues(), TestNodes.profitableMarket(), alerts);
    AdminHttp http = admin.http().as("bob");

    UUID cycle = start("XRP");
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD_LETTER".equals(status(admin.node().readSide(), cycle)));
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/v1/dlq?open=true").json().size() == 1);
    JsonNode entry = http.get("/api/v1/dlq?open=true").json().get(0);
    assertThat(entry.at("/deadLetter/cycleId").asText()).isEqualTo(cycle.toString());
    assertThat(entry.at("/deadLetter/symbol").asText()).isEqualTo("XRP");
    assertThat(entry.at("/deadLetter/reason").asText()).contains("-2010");
    assertThat(entry.get("status").asText()).isEqualTo("OPEN");
    assertThat(http.get("/api/v1/cycles?status=DEAD_LETTER").json()).hasSize(1);
    Run list = kimp("dlq", "list");
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains(cycle.toString()).contains("XRP").contains("OPEN").contains("-2010");

    AdminHttp.Reply recovered = http.post("/api/v1/dlq/" + cycle + "/recover", null);
    assertThat(recovered.status()).as(recovered.toString()).isEqualTo(200);
    assertThat(recovered.json().get("code").asText()).isEqualTo("OK");
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(admin.node().readSide(), cycle)));
    assertThat(http.get("/api/v1/dlq?open=true").json()).isEmpty();
    JsonNode resolved = http.get("/api/v1/dlq").json().get(0);
    assertThat(resolved.get("status").asText()).isEqualTo("RECOVERED");
    assertThat(resolved.get("resolvedBy").asText()).isEqualTo("api:bob");
    assertThat(alerts.of(AlertKind.CYCLE_RECOVERED)).hasSize(1);
    assertThat(exchange.executedPerIntent().values()).containsOnly(1L);
    JsonNode history = http.get("/api/v1/cycles/" + cycle).json();
    assertThat(history.at("/cycle/status").asText()).isEqualTo("COMPLETED");
    List<String> types = new ArrayList<>();
    history.get("events").forEach(e -> types.add(e.get("type").asText()));
    assertThat(types).contains("CycleDeadLettered", "CycleRecovered", "CycleCompleted");

    // recovering it again is a conflict; an unknown cycle is not found
    AdminHttp.Reply again = http.post("/api/v1/dlq/" + cycle + "/recover", null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("message").asText()).contains("RECOVERED");
    assertThat(http.post("/api/v1/dlq/" + UUID.randomUUID() + "/recover", null).status()).isEqualTo(404);
  }

  @Test
  void theCliDiscardsADeadLetteredCycleAndFlipsTheKillSwitchThroughTheApi() throws Exception {
    ScriptedExchange exchange = TestNodes.exchange();
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.PERMANENT);
    startNode("", exchange.venues(), TestNodes.profitableMarket(), new RecordingAlertSink());
    UUID cycle = start("TRX");
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD_LETTER".equals(status(admin.node().readSide(), cycle)));
    await().atMost(Duration.ofSeconds(10)).until(() -> admin.http().get("/api/v1/dlq?open=true").json().size() == 1);

    Run discarded = kimp("dlq", "discard", cycle.toString(), "--reason", "TRX delisted at Binance");
    assertThat(discarded.exit()).as(discarded.err()).isZero();
    assertThat(discarded.out()).contains("discarded " + cycle);
    JsonNode entry = admin.http().get("/api/v1/dlq").json().get(0);
    assertThat(entry.get("status").asText()).isEqualTo("DISCARDED");
    assertThat(entry.get("note").asText()).isEqualTo("TRX delisted at Binance");
    assertThat(entry.get("resolvedBy").asText()).isEqualTo("api:ops.kim");
    await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(status(admin.node().readSide(), cycle)));
    assertThat(kimp("dlq", "list").out()).contains("no dead-lettered cycles");
    assertThat(kimp("dlq", "list", "--all").out()).contains(cycle.toString()).contains("DISCARDED");

    Run twice = kimp("dlq", "discard", cycle.toString(), "--reason", "again");
    assertThat(twice.exit()).isEqualTo(1);
    assertThat(twice.err()).contains("refused (409)");
    assertThat(kimp("dlq", "recover", "not-a-uuid").exit()).isEqualTo(2); // picocli: not a UUID

    Run pause = kimp("trading", "pause", "--reason", "venue maintenance");
    assertThat(pause.exit()).as(pause.err()).isZero();
    assertThat(pause.out()).contains("PAUSED by api:ops.kim: venue maintenance");
    assertThat(kimp("trading", "status").out()).contains("PAUSED").contains("daily loss limit");
    CycleReply refused = start(admin.node().cycles(), "XRP");
    assertThat(refused.accepted()).isFalse();
    assertThat(refused.message()).contains("trading paused: venue maintenance");
    Run resume = kimp("trading", "resume", "--json");
    assertThat(resume.exit()).isZero();
    assertThat(AdminHttp.JSON.readTree(resume.out()).get("paused").asBoolean()).isFalse();
    assertThat(kimp("trading", "status").out()).contains("trading: RUNNING");

    // a wrong token and an unreachable node are told apart
    Run wrong = kimpRaw("trading", "status", "--url=" + admin.http().base(),
        "-Dkimp.admin.token=not-the-token-of-this-node");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("refused (401)");
    Run unreachable = kimpRaw("trading", "status", "--url=http://127.0.0.1:1",
        "-Dkimp.admin.token=not-the-token-of-this-node");
    assertThat(unreachable.exit()).isEqualTo(3);
    assertThat(unreachable.err()).contains("cannot reach the admin API");
  }
}
