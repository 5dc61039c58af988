package io.kimp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.SimulatorConfig;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kimp's own feeds (the JDK WebSocket client, Pekko HTTP for the REST market lists) over {@code wss://} and
 * {@code https://} against the simulator's TLS, trusting its generated certificate through the JVM's standard trust-store
 * properties: {@code kimp record} in its own JVM (app/target/kimp.jar) records both venues from the simulator.
 */
class SimulatorTlsFeedsTest {
  private static final Path JAR = Path.of("..", "app", "target", "kimp.jar");

  @TempDir Path dir;

  @Test
  void kimpRecordsBothVenuesOverTlsTrustingTheSimulatorsCertificate() throws Exception {
    assertThat(Files.isRegularFile(JAR)).as("app/target/kimp.jar (package the app module first)").isTrue();
    ActorTestKit kit = ActorTestKit.create();
    Path pem = dir.resolve("simulator.pem");
    ExchangeSimulator sim = ExchangeSimulator.start(kit.system(), SimulatorConfig.defaults()
            .withCoins(List.of("BTC", "XRP")).withUpdatesPerSecond(100)
            .withTls(new SimulatorConfig.Tls(null, null, pem)))
        .toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      assertThat(sim.upbitWebSocketUrl()).startsWith("wss://");
      assertThat(sim.binanceRestUrl()).startsWith("https://");
      // the PEM into a PKCS#12 trust store, as a user would with keytool -importcert
      Path trust = dir.resolve("trust.p12");
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("kimp-simulator", CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem))));
      try (OutputStream out = Files.newOutputStream(trust)) {
        ks.store(out, "changeit".toCharArray());
      }
      Path recording = dir.resolve("rec.jsonl");
      Path log = dir.resolve("record.log");
      Process p = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
              "-Djavax.net.ssl.trustStore=" + trust, "-Djavax.net.ssl.trustStorePassword=changeit",
              "-Djavax.net.ssl.trustStoreType=PKCS12",
              "-jar", JAR.toString(), "record", "--out", recording.toString(), "--symbols", "BTC,XRP",
              "--duration", "6s",
              "-Dkimp.feeds.upbit.websocket-url=" + sim.upbitWebSocketUrl(),
              "-Dkimp.feeds.upbit.rest-url=" + sim.upbitRestUrl(),
              "-Dkimp.feeds.binance.websocket-url=" + sim.binanceWebSocketUrl(),
              "-Dkimp.feeds.binance.rest-url=" + sim.binanceRestUrl(),
              "-Dkimp.feeds.fx.usd-krw-url=" + sim.usdKrwUrl())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("kimp record ended").isTrue();
      String out = Files.readString(log);
      assertThat(p.exitValue()).as(out).isZero();
      List<String> lines = Files.readAllLines(recording);
      assertThat(lines).as(out).anyMatch(l -> l.contains("\"venue\":\"upbit\""))
          .anyMatch(l -> l.contains("\"venue\":\"binance\""))
          .anyMatch(l -> l.contains("\"venue\":\"fx\""));
      assertThat(sim.acceptedConnections(SimVenue.UPBIT)).isPositive();
      assertThat(sim.acceptedConnections(SimVenue.BINANCE)).isPositive();
    } finally {
      sim.close();
      kit.shutdownTestKit();
    }
  }
}
