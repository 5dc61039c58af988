package io.kimp.gateway.live;

import io.kimp.core.market.Venue;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.venue.VenueException;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.binance.BinanceSettings;
import io.kimp.gateway.http.ApiCredentials;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.upbit.UpbitGateway;
import io.kimp.gateway.upbit.UpbitSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** Both fake venues on one fake chain, and live gateways pointed at them. */
public final class LiveVenues implements AutoCloseable {
  public static final String BINANCE_KEY = "binance-test-api-key-0001";
  public static final String BINANCE_SECRET = "binance-test-secret-0123456789abcdef0123456789abcdef";
  public static final String UPBIT_KEY = "upbit-test-access-key-0001";
  public static final String UPBIT_SECRET = "upbit-test-secret-0123456789abcdef0123456789abcdef0123456789ab";
  public static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1500);

  public final FakeChain chain;
  public final FakeBinance binance;
  public final FakeUpbit upbit;
  public final TradingCosts costs =
      new TradingCosts(
          Map.of(Venue.UPBIT, new BigDecimal("0.0005"), Venue.BINANCE, new BigDecimal("0.001")),
          Map.of(Venue.UPBIT, Map.of("XRP", BigDecimal.ONE), Venue.BINANCE, Map.of("XRP", new BigDecimal("0.2"))));

  private LiveVenues(Duration transferDelay) {
    chain = new FakeChain(transferDelay);
    binance = FakeBinance.start(chain, BINANCE_KEY, BINANCE_SECRET);
    upbit = FakeUpbit.start(chain, UPBIT_KEY, UPBIT_SECRET);
  }

  public static LiveVenues start(Duration transferDelay) {
    return new LiveVenues(transferDelay);
  }

  public BinanceSettings binanceSettings(String baseUrl, String secret) {
    return new BinanceSettings(baseUrl, new ApiCredentials(BINANCE_KEY, secret), Duration.ofSeconds(5),
        Duration.ofSeconds(1), REQUEST_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(1));
  }

  public UpbitSettings upbitSettings(String baseUrl, String secret) {
    return new UpbitSettings(baseUrl, new ApiCredentials(UPBIT_KEY, secret), Duration.ofSeconds(1), REQUEST_TIMEOUT,
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofHours(1));
  }

  public BinanceGateway binanceGateway(ActorTestKit kit) {
    return binanceGateway(kit, binance.baseUrl(), BINANCE_SECRET);
  }

  public BinanceGateway binanceGateway(ActorTestKit kit, String baseUrl, String secret) {
    BinanceSettings s = binanceSettings(baseUrl, secret);
    return new BinanceGateway(s, new VenueHttp(kit.system(), Venue.BINANCE, s.connectTimeout(), s.requestTimeout()),
        costs, Clock.systemUTC());
  }

  /** A Binance gateway drawing on {@code limits}, as one node of a cluster sharing the key. */
  public BinanceGateway binanceGateway(ActorTestKit kit, KeyLimits limits) {
    BinanceSettings s = binanceSettings(binance.baseUrl(), BINANCE_SECRET);
    return new BinanceGateway(s, new VenueHttp(kit.system(), Venue.BINANCE, s.connectTimeout(), s.requestTimeout()),
        costs, Clock.systemUTC(), limits);
  }

  /** An Upbit gateway drawing on {@code limits}, as one node of a cluster sharing the key. */
  public UpbitGateway upbitGateway(ActorTestKit kit, KeyLimits limits) {
    UpbitSettings s = upbitSettings(upbit.baseUrl(), UPBIT_SECRET);
    return new UpbitGateway(s, new VenueHttp(kit.system(), Venue.UPBIT, s.connectTimeout(), s.requestTimeout()), costs,
        Clock.systemUTC(), limits);
  }

  public UpbitGateway upbitGateway(ActorTestKit kit) {
    return upbitGateway(kit, upbit.baseUrl(), UPBIT_SECRET);
  }

  public UpbitGateway upbitGateway(ActorTestKit kit, String baseUrl, String secret) {
    UpbitSettings s = upbitSettings(baseUrl, secret);
    return new UpbitGateway(s, new VenueHttp(kit.system(), Venue.UPBIT, s.connectTimeout(), s.requestTimeout()), costs,
        Clock.systemUTC());
  }

  /** The stage's value, or its {@link VenueException}. */
  public static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw VenueException.classify(null, e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@link VenueException} the stage failed with (fails the test if it succeeded). */
  public static VenueException failure(CompletionStage<?> stage) {
    try {
      Object v = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + v);
    } catch (ExecutionException e) {
      return VenueException.classify(null, e);
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    binance.close();
    upbit.close();
  }
}
