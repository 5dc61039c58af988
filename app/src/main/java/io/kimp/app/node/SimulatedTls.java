package io.kimp.app.node;

import com.typesafe.config.Config;
import io.kimp.core.net.ClientTls;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimulatorConfig;
import java.nio.file.Path;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * {@code kimp run --simulate --tls} ({@code kimp.simulator.tls.enabled}): the in-process simulator serves
 * {@code wss://} and {@code https://} (a certificate generated at start, or the key store
 * {@code kimp.simulator.tls.key-store}), and this node's feeds and gateways trust exactly that certificate through
 * {@link ClientTls}: the JVM's default trust store is left alone, and a node trading at the real venues never gets here.
 */
public final class SimulatedTls {
  private SimulatedTls() {}

  /** True when the simulator should serve TLS. */
  public static boolean enabled(Config config) {
    return config.hasPath("kimp.simulator.tls.enabled") && config.getBoolean("kimp.simulator.tls.enabled");
  }

  /** {@code sim} with TLS when {@code config} asks for it, else unchanged. */
  public static SimulatorConfig configure(Config config, SimulatorConfig sim) {
    if (!enabled(config)) {
      return sim;
    }
    String keyStore = config.hasPath("kimp.simulator.tls.key-store") ? config.getString("kimp.simulator.tls.key-store")
        : "";
    String password = config.hasPath("kimp.simulator.tls.key-store-password")
        ? config.getString("kimp.simulator.tls.key-store-password") : "";
    return sim.withTls(new SimulatorConfig.Tls(keyStore.isBlank() ? null : Path.of(keyStore),
        password.isEmpty() ? null : password, null));
  }

  /** When {@code sim} serves TLS, this system's venue connections trust its certificate (and only it). */
  public static void trust(ClassicActorSystemProvider system, ExchangeSimulator sim) {
    sim.certificatePem().ifPresent(pem -> ClientTls.get(system).use(ClientTls.trusting(pem)));
  }
}
