package io.kimp.bench;

import com.typesafe.config.ConfigFactory;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.MarketUpdate;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The world the failover harness's nodes trade in, all on loopback in the harness's JVM: the exchange simulator's market
 * data (what the nodes' feeds connect to) and the fake Binance and Upbit REST venues (what their live gateways trade
 * at), whose prices follow the simulator's books. The fakes count what they executed per client id, so a duplicate order
 * or withdrawal shows up whichever node sent it.
 */
final class FailoverVenues implements AutoCloseable {
  static final String BINANCE_KEY = "failover-binance-key";
  static final String BINANCE_SECRET = "failover-binance-secret-0123456789abcdef0123456789abcdef";
  static final String UPBIT_KEY = "failover-upbit-access-key";
  static final String UPBIT_SECRET = "failover-upbit-secret-0123456789abcdef0123456789abcdef0123456789";

  final ExchangeSimulator simulator;
  final FakeBinance binance;
  final FakeUpbit upbit;
  private final ActorSystem<Void> system;
  private final double premium;

  FailoverVenues(List<String> coins, double premiumPercent, Duration transferTime) throws Exception {
    this.premium = premiumPercent;
    system = ActorSystem.create(Behaviors.empty(), "failover-harness",
        ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING\n"
            + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off").withFallback(ConfigFactory.load()));
    FakeChain chain = new FakeChain(transferTime);
    binance = FakeBinance.start(chain, BINANCE_KEY, BINANCE_SECRET);
    upbit = FakeUpbit.start(chain, UPBIT_KEY, UPBIT_SECRET);
    binance.setBalance("USDT", new BigDecimal("100000000"));
    upbit.setBalance("KRW", new BigDecimal("1000000000000"));
    // what the nodes' pre-flight checks: each coin on its configured network, and the Binance deposit address an
    // allowed withdrawal address at Upbit
    com.typesafe.config.Config kimp = ConfigFactory.load();
    for (String coin : coins) {
      String path = "kimp.transfer.coins." + coin + ".network";
      String network = kimp.hasPath(path) ? kimp.getString(path) : coin;
      binance.setNetwork(coin, network);
      upbit.registerWithdrawalAddress(coin, network, binance.depositAddress(coin), binance.depositTag(coin));
    }
    // premium steady above the threshold (± 0.5 %), so that every coin has a cycle running nearly all the time
    simulator = ExchangeSimulator.start(system, SimulatorConfig.defaults().withCoins(coins).withFaultProxy(false)
            .withUpdatesPerSecond(60).withPremium(premiumPercent, 0.5, Duration.ofSeconds(30)))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    simulator.onUpdate(this::follow);
  }

  /** The fakes fill at the books the nodes see. */
  private void follow(MarketUpdate u) {
    if (u.kind() != MarketUpdate.Kind.BOOK || u.coin().equals("USDT") || !(u.bid() > 0) || !(u.ask() > u.bid())) {
      return;
    }
    BigDecimal bid = BigDecimal.valueOf(u.bid());
    BigDecimal ask = BigDecimal.valueOf(u.ask());
    if (u.venue() == SimVenue.BINANCE) {
      binance.setPrice(u.coin(), bid, ask);
    } else {
      upbit.setPrice(u.coin(), bid, ask);
    }
  }

  /** Stops new opportunities (no premium), so that running cycles can finish. */
  void stopOpportunities() {
    simulator.setPremium(0, 0, Duration.ofSeconds(30));
  }

  void resumeOpportunities() {
    simulator.setPremium(premium, 0.5, Duration.ofSeconds(30));
  }

  /** Orders executed at both venues per client id. */
  Map<String, Integer> ordersByClientId() {
    Map<String, Integer> all = new TreeMap<>(binance.ordersByClientId());
    upbit.ordersByIdentifier().forEach((k, v) -> all.merge(k, v, Integer::sum));
    return all;
  }

  /**
   * Orders executed beyond one per intent (cycle, leg, step): a step retried with a new attempt id after its first
   * attempt had in fact executed counts here as well as a client id sent twice.
   */
  int duplicateOrders() {
    return beyondOnePerIntent(ordersByClientId());
  }

  /** Binance withdrawals beyond one per intent (they carry the client id as withdrawOrderId). */
  int duplicateBinanceWithdrawals() {
    return beyondOnePerIntent(binance.withdrawalsByClientId());
  }

  private static int beyondOnePerIntent(Map<String, Integer> perClientId) {
    Map<String, Integer> perIntent = new TreeMap<>();
    perClientId.forEach((id, n) -> perIntent.merge(id.length() == 36 ? id.substring(0, 34) : id, n, Integer::sum));
    return perIntent.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
  }

  /**
   * 429s and 418s the fakes returned over the run: the three nodes trade on one key pair, whose documented limits the
   * fakes enforce over all of them together.
   */
  int rateLimitReplies() {
    return binance.returned429() + binance.returned418() + upbit.returned429() + upbit.returned418();
  }

  @Override
  public void close() {
    simulator.close();
    binance.close();
    upbit.close();
    system.terminate();
  }
}
