package io.kimp.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kimp.app.node.KimpNode;
import io.kimp.fixtures.db.TcpCutProxy;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.fixtures.scripted.RecordingAlertSink;
import io.kimp.it.TestNodes;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A node with Pekko Management: the probes Kubernetes and the failover harness rely on answer from a real node. */
class ManagementProbesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private String db;
  private KimpNode node;
  private TcpCutProxy proxy;

  @AfterEach
  void tearDown() throws Exception {
    if (node != null) {
      node.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    TestNodes.dropDatabase(db);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyOnlyWhileUpWithItsJournalReachableAndAliveThroughout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    db = TestNodes.database("postgresql");
    // the node reaches PostgreSQL through a proxy the test can cut
    proxy = new TcpCutProxy(TestDatabases.PG_HOST, 5432);
    String viaProxy = db.replace("//" + TestDatabases.PG_HOST + ":5432/", "//127.0.0.1:" + proxy.port() + "/");
    node = TestNodes.start(
        TestNodes.config(viaProxy, "kimp.cluster.management.enabled = on\npekko.management.http.port = " + port),
        TestNodes.exchange(), TestNodes.profitableMarket(), new RecordingAlertSink());
    int p = port;
    await().atMost(Duration.ofSeconds(30)).until(() -> get(p, "/ready").statusCode() == 200);
    assertThat(get(port, "/alive").statusCode()).isEqualTo(200);
    assertThat(get(port, "/cluster/members").body()).contains("\"status\":\"Up\"");
    assertThat(get(port, "/cluster/shards/ArbitrageCycle").statusCode()).isEqualTo(200);
    // read-only: no member can be made to leave over HTTP
    HttpResponse<String> leave = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
            + "/cluster/members/" + node.system().address().toString().replace("/", "%2F")))
        .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(leave.statusCode()).isGreaterThanOrEqualTo(400);

    // the journal's database goes away: not ready (no work for this node), still alive (restarting would not help)
    proxy.cut();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(p, "/ready").statusCode() != 200);
    assertThat(get(port, "/alive").statusCode()).isEqualTo(200);
    proxy.restore();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(p, "/ready").statusCode() == 200);
  }
}
