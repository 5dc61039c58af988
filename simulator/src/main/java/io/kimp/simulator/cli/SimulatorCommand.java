package io.kimp.simulator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.FuturesConfig;
import io.kimp.simulator.SimVenue;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kimp simulator}: only the exchange simulator, Upbit and Binance on loopback, with its URLs printed, until
 * interrupted (or for {@code --duration}). The market, the venues' rules and the outages come from a scenario file and
 * the options (options win); see the README's "Exchange simulator" section.
 */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    description = "Start only the exchange simulator (Upbit and Binance market data and private REST: accounts, "
        + "orders, transfers, on loopback, ws/http or wss/https) and print its URLs and where its API keys are.")
public final class SimulatorCommand implements Callable<Integer> {
  @Option(names = "--scenario", paramLabel = "FILE", description = "A scenario file (HOCON or JSON).")
  Path scenario;

  @Option(names = "--coins", paramLabel = "N|A,B,…",
      description = "How many coins (the 20 best-known, then C021…, up to 500), or a list.")
  String coins;

  @Option(names = "--seed", description = "The price model's random seed.")
  Long seed;

  @Option(names = "--upbit-port", description = "Upbit's port (0: ephemeral).")
  Integer upbitPort;

  @Option(names = "--binance-port", description = "Binance's port (0: ephemeral).")
  Integer binancePort;

  @Option(names = "--binance-futures-port", description = "Binance USDT-M futures' port (0: ephemeral, the default).")
  int futuresPort;

  @Option(names = "--no-perpetual", paramLabel = "A,B,…", split = ",",
      description = "Coins Binance futures lists no perpetual for (the hedge's unlisted case).")
  List<String> noPerpetual = List.of();

  @Option(names = "--rate", description = "Market updates per second over both venues.")
  Double rate;

  @Option(names = "--premium", description = "The kimchi premium's centre, percent.")
  Double premium;

  @Option(names = "--premium-swing", description = "± this many points around the centre.")
  Double swing;

  @Option(names = "--premium-period", description = "The swing's period, e.g. 60s, 10m.")
  String period;

  @Option(names = "--premium-drift", description = "The centre moves this many points an hour.")
  Double drift;

  @Option(names = "--volatility", description = "Relative random-walk step per update (default 1e-4).")
  Double volatility;

  @Option(names = "--spread", description = "Factor on the default spreads.")
  Double spread;

  @Option(names = "--depth", description = "Factor on the default book sizes.")
  Double depth;

  @Option(names = "--tls", description = "Serve wss:// and https:// (a certificate generated at start, or --key-store).")
  Boolean tls;

  @Option(names = "--key-store", paramLabel = "FILE", description = "A PKCS#12 key store to serve TLS with.")
  Path keyStore;

  @Option(names = "--key-store-password", description = "Its password.")
  String keyStorePassword;

  @Option(names = "--certificate-out", paramLabel = "FILE",
      description = "Where to write the certificate (PEM) for clients to trust.")
  Path certificateOut;

  @Option(names = "--keys-file", paramLabel = "FILE",
      description = "Where to write the private REST's API keys (0600, as kimp.exchanges.* settings).")
  Path keysFile;

  @Option(names = "--transfer-delay",
      description = "From a withdrawal to its deposit credited at the other venue, e.g. 3s, 1m.")
  String transferDelay;

  @Option(names = "--duration", description = "Stop after this long, e.g. 90s, 10m (default: until interrupted).")
  String duration;

  private final PrintStream out;
  private final PrintStream err;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  public SimulatorCommand() {
    this(System.out, System.err);
  }

  SimulatorCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The options as scenario keys, over the file. */
  private Config overrides() {
    Map<String, Object> m = new HashMap<>();
    if (coins != null) {
      m.put("coins", coins.matches("\\d+") ? Integer.valueOf(coins) : List.of(coins.split(",")));
    }
    put(m, "seed", seed);
    put(m, "ports.upbit", upbitPort);
    put(m, "ports.binance", binancePort);
    put(m, "updates-per-second", rate);
    put(m, "premium.percent", premium);
    put(m, "premium.swing", swing);
    put(m, "premium.period", period);
    put(m, "premium.drift-per-hour", drift);
    put(m, "market.volatility", volatility);
    put(m, "market.spread", spread);
    put(m, "market.depth", depth);
    put(m, "tls.enabled", tls != null ? tls : keyStore != null ? Boolean.TRUE : null);
    put(m, "tls.key-store", keyStore == null ? null : keyStore.toString());
    put(m, "tls.password", keyStorePassword);
    put(m, "tls.certificate-out", certificateOut == null ? null : certificateOut.toString());
    put(m, "accounts.keys-file", keysFile == null ? null : keysFile.toString());
    put(m, "accounts.transfer-delay", transferDelay);
    Config c = ConfigFactory.empty();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return c;
  }

  private static void put(Map<String, Object> m, String key, Object v) {
    if (v != null) {
      m.put(key, v);
    }
  }

  @Override
  public Integer call() throws Exception {
    Scenario s;
    Duration runFor = null;
    FuturesConfig futures;
    try {
      s = Scenario.load(scenario, overrides());
      futures =
          new FuturesConfig(futuresPort, noPerpetual.stream().map(c -> c.trim().toUpperCase(Locale.ROOT))
              .collect(Collectors.toSet()));
      if (duration != null) {
        runFor = ConfigFactory.parseString("d = " + duration).getDuration("d");
      }
    } catch (RuntimeException e) {
      err.println("kimp simulator: " + e.getMessage());
      return 2;
    }
    ActorSystem system =
        ActorSystem.create("kimp-simulator",
            ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    ExchangeSimulator sim;
    try {
      sim = ExchangeSimulator.start(system, s.config(), futures, s.accounts()).toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      err.println("kimp simulator: cannot start: " + e.getCause().getMessage());
      system.terminate();
      return 2;
    }
    ScheduledExecutorService outages = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulator-outages");
      t.setDaemon(true);
      return t;
    });
    Thread hook = new Thread(() -> {
      stopped.complete(null);
      sim.close();
    });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      printUrls(s, sim);
      for (Scenario.Outage o : s.outages()) {
        Runnable apply = () -> apply(sim, o, outages);
        if (o.every() != null) {
          outages.scheduleAtFixedRate(apply, o.at().toMillis(), o.every().toMillis(), TimeUnit.MILLISECONDS);
        } else {
          outages.schedule(apply, o.at().toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      if (runFor != null) {
        try {
          stopped.get(runFor.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException done) {
          // the duration is over
        }
      } else {
        stopped.join();
      }
      return 0;
    } finally {
      outages.shutdownNow();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        sim.close();
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook closes the simulator
      }
      system.terminate();
    }
  }

  /** Stops a running simulator (as an interrupt does). */
  void stop() {
    stopped.complete(null);
  }

  private void printUrls(Scenario s, ExchangeSimulator sim) {
    out.println("kimp exchange simulator: " + s.config().coins().size() + " coins, seed " + s.config().seed()
        + ", " + (s.tls() ? "TLS" : "plain"));
    out.println("  Upbit    WebSocket " + sim.upbitWebSocketUrl());
    out.println("           REST      " + sim.upbitRestUrl());
    out.println("  Binance  WebSocket " + sim.binanceWebSocketUrl() + "/ws  " + sim.binanceWebSocketUrl() + "/stream");
    out.println("           REST      " + sim.binanceRestUrl());
    out.println("  USD/KRW            " + sim.usdKrwUrl());
    out.println("  Binance USDT-M futures WebSocket " + sim.binanceFuturesWebSocketUrl() + "/ws  "
        + sim.binanceFuturesWebSocketUrl() + "/stream");
    out.println("                         REST      " + sim.binanceFuturesRestUrl() + "  (" + sim.perpetuals().size()
        + " perpetuals)");
    if (s.tls() && s.config().tls().certificateOut() != null) {
      out.println("  certificate (PEM)  " + s.config().tls().certificateOut().toAbsolutePath());
    }
    if (s.accounts().keysFile() != null) {
      out.println("  API keys (0600)    " + s.accounts().keysFile().toAbsolutePath() + "  (private REST; transfers take "
          + s.accounts().transferDelay().toMillis() + " ms)");
    }
    if (!s.outages().isEmpty()) {
      out.println("  outages            " + s.outages().size() + " scheduled");
    }
    out.flush();
  }

  private void apply(ExchangeSimulator sim, Scenario.Outage o, ScheduledExecutorService later) {
    boolean upbit = o.venue() == SimVenue.UPBIT;
    switch (o.kind()) {
      case KEY_REFUSED -> {
        set(sim, upbit, true);
        later.schedule(() -> set(sim, upbit, false), o.length().toMillis(), TimeUnit.MILLISECONDS);
      }
      case SERVER_ERROR -> (upbit ? sim.accounts().upbitFaults() : sim.accounts().binanceFaults())
          .inject(o.endpoint(), io.kimp.simulator.account.PrivateFault.serverError(), o.count());
      case WALLET_SUSPENDED -> {
        wallet(sim, upbit, o.coin(), false);
        later.schedule(() -> wallet(sim, upbit, o.coin(), true), o.length().toMillis(), TimeUnit.MILLISECONDS);
      }
      case DISCONNECT -> sim.dropConnections(o.venue());
      case CUT -> sim.abortConnections(o.venue());
      case STALL -> sim.stall(o.venue(), o.length());
      case MALFORMED -> sim.sendGarbage(o.venue(), o.count());
      case RATE_LIMIT -> sim.throttle(o.venue(), o.length());
      case SERVER_SHUTDOWN -> sim.announceServerShutdown();
    }
    err.println("outage: " + o.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + o.venue().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static void set(ExchangeSimulator sim, boolean upbit, boolean refused) {
    if (upbit) {
      sim.accounts().refuseUpbitKey(refused ? "invalid_access_key" : null);
    } else {
      sim.accounts().refuseBinanceKey(refused);
    }
  }

  private static void wallet(ExchangeSimulator sim, boolean upbit, String coin, boolean open) {
    if (upbit) {
      sim.accounts().setUpbitWallet(coin, open, open);
    } else {
      sim.accounts().setBinanceWallet(coin, open, open);
    }
  }
}
