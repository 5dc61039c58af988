package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.node.TradingNode;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.VenueException;
import io.kimp.fixtures.db.TestDatabases;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.account.SimAccounts;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kimp run --simulate --live-gateways --tls}, as the command composes it, with its timers shortened: the
 * in-process simulator serves only TLS (a certificate generated at start), the node's feeds read it over {@code wss://}
 * and its live gateways sign every request to its private REST over {@code https://}, trusting exactly that certificate
 * through the node's own TLS context: the pre-flight passes and a cycle completes. The same REST is out of reach for a
 * client with the JVM's default trust, and for one speaking plain HTTP, so the run shows the node's own trust at work.
 */
class SimulatedLiveTlsRunTest {
  private TradingNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void liveGatewaysCompleteACycleOverTlsTrustingOnlyTheSimulatorsCertificate() throws Exception {
    // the profiles as `kimp run --simulate --live-gateways --tls` stacks them
    Config profile = ConfigFactory.parseString("kimp.simulator.tls.enabled = on")
        .withFallback(TestNodes.profiles("kimp-simulate-live.conf", "kimp-simulate.conf"));
    node = TestNodes.startSimulated(TestDatabases.tempDir("kimp-sim-live-tls-"), profile,
        "kimp.feeds.symbols = [XRP, TRX, DOGE, ADA]",
        "kimp.retry.base-delay = 300ms",
        "kimp.transfer.deposit-timeout = 20s",
        "kimp.transfer.poll-interval = 200ms",
        "kimp.feeds.opportunity-cooldown = 2s");
    ExchangeSimulator sim = node.simulator();
    SimAccounts venues = sim.accounts();
    assertThat(sim.certificatePem()).isPresent();
    assertThat(sim.upbitWebSocketUrl()).startsWith("wss://");
    assertThat(sim.binanceWebSocketUrl()).startsWith("wss://");
    assertThat(sim.upbitRestUrl()).startsWith("https://");
    assertThat(sim.binanceRestUrl()).startsWith("https://");

    TestNodes.awaitPreflightPassed(node);
    long started = System.nanoTime();
    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(TestNodes.countCycles(node, "status = 'COMPLETED'")).as("completed cycles").isPositive());
    System.out.printf("simulated live run over TLS: first cycle COMPLETED %d s after the pre-flight passed; "
            + "%d + %d orders, %d + %d withdrawals, %d + %d market data connections%n",
        (System.nanoTime() - started) / 1_000_000_000L, venues.upbitOrders(), venues.binanceOrders(),
        venues.upbitWithdrawals(), venues.binanceWithdrawals(), sim.acceptedConnections(SimVenue.UPBIT),
        sim.acceptedConnections(SimVenue.BINANCE));
    assertThat(venues.upbitOrders()).isGreaterThanOrEqualTo(2);
    assertThat(venues.binanceOrders()).isGreaterThanOrEqualTo(2);
    assertThat(sim.acceptedConnections(SimVenue.UPBIT)).isPositive();
    assertThat(sim.acceptedConnections(SimVenue.BINANCE)).isPositive();

    // the node's trust is its own: with the JVM's default trust, or in plain HTTP, the simulator's REST is out of reach
    ActorTestKit other = ActorTestKit.create();
    try {
      VenueHttp plainTrust = new VenueHttp(other.system(), Venue.BINANCE, Duration.ofSeconds(2), Duration.ofSeconds(3));
      VenueException untrusted = failure(plainTrust, sim.binanceRestUrl() + "/api/v3/time");
      VenueException plain = failure(plainTrust, sim.binanceRestUrl().replace("https://", "http://") + "/api/v3/time");
      System.out.printf("without the node's trust: %s%nin plain http: %s%n", untrusted.getMessage(), plain.getMessage());
      assertThat(untrusted.getMessage()).contains("PKIX"); // the certificate is not trusted
      // refused in the handshake, before the request was written: nothing can have happened at the venue
      assertThat(untrusted.failureClass()).isEqualTo(io.kimp.core.venue.FailureClass.TRANSIENT);
    } finally {
      other.shutdownTestKit();
    }
  }

  private static VenueException failure(VenueHttp http, String url) throws Exception {
    try {
      http.send(HttpRequest.GET(url)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable t = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      assertThat(t).isInstanceOf(VenueException.class);
      return (VenueException) t;
    }
    throw new AssertionError("GET " + url + " answered without the simulator's certificate being trusted");
  }
}
