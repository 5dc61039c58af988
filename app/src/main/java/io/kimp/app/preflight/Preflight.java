package io.kimp.app.preflight;

import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.TransferRules;
import io.kimp.core.venue.Balance;
import io.kimp.gateway.preflight.CoinCheck;
import java.math.BigDecimal;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.Venues;
import io.kimp.gateway.binance.BinanceFuturesGateway;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.preflight.KeyRejection;
import io.kimp.gateway.preflight.KeyWatch;
import io.kimp.gateway.upbit.UpbitGateway;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live pre-flight of one node: a signed read on each venue ({@code GET /api/v3/account} at Binance,
 * {@code GET /v1/accounts} at Upbit) before the first order, every {@code kimp.exchanges.preflight.interval} and on every
 * resume. A venue that rejects its key ({@link KeyRejection}) stops trading cluster-wide: the Portfolio singleton is
 * paused by {@link Portfolio#KEY_CHECK} with the message naming the venue, the key's setting and what to check, and a
 * resume is refused while any key is still rejected. The same happens when any live request meets a rejection mid-run
 * (the gateways report it to their {@link KeyWatch}). A venue that cannot be reached is reported, but stops nothing: it
 * says nothing about the key.
 */
public final class Preflight {
  private static final Logger log = LoggerFactory.getLogger(Preflight.class);

  /** A key's state at its venue. */
  public enum KeyState {
    /** The signed read succeeded. */
    OK,
    /** The venue rejected the key: trading is stopped. */
    REJECTED,
    /** The venue could not be asked (network, 5xx, rate limit): nothing is concluded. */
    UNCHECKED
  }

  /** @param code the venue's error code (null when OK) */
  public record KeyStatus(KeyState state, String code, String message, Instant checkedAt) {}

  /** Why a coin is excluded: the reason's name and what it means. */
  public record Exclusion(CoinCheck.Reason reason, String message) {}

  /**
   * The latest pre-flight: when, why ({@code start}, {@code interval}, {@code resume}, {@code request}), each key, and the
   * coins excluded with their reasons (coins whose checks could not run keep their previous state).
   */
  public record Report(Instant ranAt, String trigger, Map<Venue, KeyStatus> keys, Map<String, List<Exclusion>> excluded) {
    public boolean keyRejected() {
      return keys.values().stream().anyMatch(k -> k.state() == KeyState.REJECTED);
    }

    /** The rejected keys' messages, one per line. */
    public String rejections() {
      return String.join("\n",
          keys.values().stream().filter(k -> k.state() == KeyState.REJECTED).map(KeyStatus::message).toList());
    }
  }

  /** What the coin checks need: the coins and their networks, and one order's worth of each quote currency. */
  public record CoinSettings(Set<String> coins, TransferRules transfers, BigDecimal minFreeUsdt, BigDecimal minFreeKrw) {}

  private final Map<Venue, ExchangeGateway> gateways;
  private final UpbitGateway upbit;
  private final BinanceGateway binance;
  /** The transfer hedge's futures API on the Binance key (null with the hedge off): its key check joins Binance's. */
  private volatile BinanceFuturesGateway futures;
  private final CoinSettings coinSettings;
  private final Consumer<String> stopTrading;
  private final AlertSink alerts;
  private final Clock clock;
  private final Map<Venue, KeyStatus> keys = new ConcurrentHashMap<>();
  private final Map<String, List<Exclusion>> excluded = new ConcurrentHashMap<>();
  private final AtomicReference<Report> last = new AtomicReference<>();
  /** Set by {@link #start}: runs again after this while a key is unchecked (the venue could not be asked). */
  private volatile Consumer<Duration> retryLater = d -> {};
  private volatile Duration uncheckedRetry = Duration.ofSeconds(10);
  private final java.util.concurrent.atomic.AtomicBoolean retryPending = new java.util.concurrent.atomic.AtomicBoolean();
  /** A coin's reads failed in the last run: it keeps its state, and the pre-flight runs again soon. */
  private final java.util.concurrent.atomic.AtomicBoolean coinsUnchecked = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param stopTrading pauses the Portfolio singleton by {@link Portfolio#KEY_CHECK} with the given reason
   */
  Preflight(UpbitGateway upbit, BinanceGateway binance, CoinSettings coinSettings, Consumer<String> stopTrading,
      AlertSink alerts, Clock clock) {
    this.gateways = new EnumMap<>(Venue.class);
    this.gateways.put(Venue.UPBIT, upbit);
    this.gateways.put(Venue.BINANCE, binance);
    this.upbit = upbit;
    this.binance = binance;
    this.coinSettings = coinSettings;
    this.stopTrading = stopTrading;
    this.alerts = alerts;
    this.clock = clock;
  }

  /**
   * The pre-flight of {@code venues} when they are the live gateways (empty in paper mode): it listens to their key
   * watches and shows its state as {@code kimp_preflight_*} meters in {@code registry}.
   */
  public static Optional<Preflight> forLive(Venues venues, CoinSettings coins, Consumer<String> stopTrading,
      AlertSink alerts, Clock clock, MeterRegistry registry) {
    ExchangeGateway upbit = venues.of(Venue.UPBIT);
    ExchangeGateway binance = venues.of(Venue.BINANCE);
    if (!(upbit instanceof UpbitGateway u) || !(binance instanceof BinanceGateway b)) {
      return Optional.empty();
    }
    Preflight p = new Preflight(u, b, coins, stopTrading, alerts, clock);
    if (venues.perpetual().orElse(null) instanceof BinanceFuturesGateway f) {
      p.futures = f;
    }
    for (String coin : coins.coins()) {
      for (CoinCheck.Reason reason : CoinCheck.Reason.values()) {
        Gauge.builder("kimp_preflight_coin_excluded", p, x -> x.excludedFor(coin, reason) ? 1 : 0)
            .description("1 while the pre-flight excludes the coin for the reason (no new cycle on it)")
            .tag("coin", coin)
            .tag("reason", reason.name())
            .register(registry);
      }
    }
    Set<KeyWatch> watches = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    watches.add(u.limits().keyWatch());
    watches.add(b.limits().keyWatch());
    watches.forEach(w -> w.listen(p::rejectedMidRun));
    for (Venue v : p.gateways.keySet()) {
      Gauge.builder("kimp_preflight_key_ok", p, x -> x.keyOk(v))
          .description("1 when the venue accepted the API key at the last check, 0 when it rejected it, -1 unchecked")
          .tag("venue", v.name())
          .register(registry);
    }
    Gauge.builder("kimp_preflight_last_run_seconds", p,
            x -> x.report().map(r -> r.ranAt().getEpochSecond()).orElse(0L).doubleValue())
        .description("when the pre-flight last ran (epoch seconds)")
        .register(registry);
    return Optional.of(p);
  }

  private double keyOk(Venue v) {
    KeyStatus k = keys.get(v);
    return k == null || k.state() == KeyState.UNCHECKED ? -1 : k.state() == KeyState.OK ? 1 : 0;
  }

  /** The latest report (empty before the first run). */
  public Optional<Report> report() {
    return Optional.ofNullable(last.get());
  }

  private boolean excludedFor(String coin, CoinCheck.Reason reason) {
    return excluded.getOrDefault(coin, List.of()).stream().anyMatch(e -> e.reason() == reason);
  }

  /** Whether a new cycle may start on {@code coin} (the detector's opportunities on excluded coins are dropped). */
  public boolean admits(String coin) {
    return !excluded.containsKey(coin);
  }

  /** Runs the checks; a rejected key stops trading before the stage completes. Never fails. */
  public CompletionStage<Report> run(String trigger) {
    Map<Venue, Map<String, Balance>> balances = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (Map.Entry<Venue, ExchangeGateway> e : gateways.entrySet()) {
      Venue venue = e.getKey();
      checks.add(
          e.getValue()
              .balances()
              .handle((b, failure) -> {
                keys.put(venue, status(venue, failure));
                if (b != null) {
                  balances.put(venue, b);
                }
                return (Void) null;
              })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenCompose(x -> checkFuturesKey())
        .thenCompose(x -> balances.size() == 2 ? checkCoins(balances) : CompletableFuture.completedFuture(null))
        .thenApply(x -> {
          Report r = new Report(clock.instant(), trigger, Map.copyOf(keys), Map.copyOf(excluded));
          last.set(r);
          if (r.keyRejected()) {
            log.error("pre-flight ({}): {}", trigger, r.rejections());
            stopTrading.accept(r.rejections());
          } else {
            log.info("pre-flight ({}): keys {}", trigger, r.keys());
          }
          boolean unchecked = r.keys().values().stream().anyMatch(k -> k.state() == KeyState.UNCHECKED)
              || coinsUnchecked.getAndSet(false);
          if (unchecked && retryPending.compareAndSet(false, true)) {
            // a venue that could not be asked is asked again soon, not only at the next interval
            retryLater.accept(uncheckedRetry);
          }
          return r;
        });
  }

  /**
   * With the hedge on, the Binance key must also be allowed to trade futures (a signed read of the futures account): a
   * rejection there (Binance -2015 on /fapi: futures not enabled on the key) is Binance's key status, with the futures
   * message, unless the spot check already found something worse.
   */
  private CompletableFuture<Void> checkFuturesKey() {
    BinanceFuturesGateway f = futures;
    if (f == null) {
      return CompletableFuture.completedFuture(null);
    }
    return f.checkKey()
        .handle((margin, failure) -> {
          if (failure != null) {
            KeyStatus spot = keys.get(Venue.BINANCE);
            KeyStatus fut = status(Venue.BINANCE, failure);
            if (spot == null || spot.state() == KeyState.OK || fut.state() == KeyState.REJECTED) {
              keys.put(Venue.BINANCE, fut);
            }
          }
          return (Void) null;
        })
        .toCompletableFuture();
  }

  /** The per-coin checks, once both keys were accepted; a coin whose reads fail keeps its previous state. */
  private CompletableFuture<Void> checkCoins(Map<Venue, Map<String, Balance>> balances) {
    BigDecimal usdt = free(balances.get(Venue.BINANCE), "USDT");
    BigDecimal krw = free(balances.get(Venue.UPBIT), "KRW");
    CompletableFuture<Map<String, Map<String, CoinCheck.Wallet>>> binanceWallets =
        binance.coinWallets().toCompletableFuture();
    CompletableFuture<Set<String>> registered = upbit.withdrawalAddresses().toCompletableFuture();
    return binanceWallets.thenCombine(registered, (wallets, addresses) -> {
          List<CompletableFuture<Void>> coins = new ArrayList<>();
          for (String coin : coinSettings.coins()) {
            String network = coinSettings.transfers().of(coin).network();
            CompletableFuture<CoinCheck.Wallet> atUpbit = upbit.coinWallet(coin, network).toCompletableFuture();
            CompletableFuture<String> binanceAddress = binance.depositAddress(coin, network).toCompletableFuture()
                .thenApply(a -> UpbitGateway.addressKey(coin, a.address(), blankToNull(a.tag())));
            coins.add(atUpbit.thenCombine(binanceAddress, (upbitWallet, address) -> {
                  CoinCheck.Wallet atBinance =
                      wallets.getOrDefault(coin, Map.of()).getOrDefault(network, CoinCheck.Wallet.UNKNOWN);
                  List<CoinCheck.Reason> reasons = CoinCheck.evaluate(atBinance, upbitWallet,
                      addresses.contains(address), usdt, coinSettings.minFreeUsdt(), krw, coinSettings.minFreeKrw());
                  update(coin, reasons);
                  return (Void) null;
                })
                .exceptionally(t -> {
                  coinsUnchecked.set(true);
                  log.warn("pre-flight: {} could not be checked ({}); it keeps its previous state", coin,
                      VenueException.classify(null, t).getMessage());
                  return null;
                }));
          }
          return CompletableFuture.allOf(coins.toArray(CompletableFuture[]::new));
        })
        .thenCompose(f -> f)
        .exceptionally(t -> {
          coinsUnchecked.set(true);
          log.warn("pre-flight: the coin checks could not run ({}); exclusions unchanged",
              VenueException.classify(null, t).getMessage());
          return null;
        });
  }

  /** Records the coin's reasons; an exclusion or a return is alerted. */
  private void update(String coin, List<CoinCheck.Reason> reasons) {
    List<Exclusion> now = reasons.stream().map(r -> new Exclusion(r, r.message())).toList();
    List<Exclusion> before = now.isEmpty() ? excluded.remove(coin) : excluded.put(coin, now);
    Instant at = clock.instant();
    if (!now.isEmpty() && !now.equals(before)) {
      log.warn("pre-flight: {} excluded from trading: {}", coin, reasons);
      alerts.publish(new Alert(AlertKind.TRADING_IDLE, Alert.Severity.WARNING, "preflight:" + coin,
          coin + " excluded from trading", Map.of("coin", coin, "reasons", String.join("; ",
              now.stream().map(e -> e.reason().name() + ": " + e.message()).toList())), at));
    } else if (now.isEmpty() && before != null) {
      log.info("pre-flight: {} passes its checks again", coin);
      alerts.publish(new Alert(AlertKind.TRADING_IDLE, Alert.Severity.INFO, "preflight:" + coin,
          coin + " back in trading", Map.of("coin", coin, "was excluded for", String.join("; ",
              before.stream().map(e -> e.reason().name()).toList())), at));
    }
  }

  private static BigDecimal free(Map<String, Balance> balances, String asset) {
    Balance b = balances.get(asset);
    return b == null ? BigDecimal.ZERO : b.free();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private KeyStatus status(Venue venue, Throwable failure) {
    Instant now = clock.instant();
    if (failure == null) {
      return new KeyStatus(KeyState.OK, null, "the signed read succeeded", now);
    }
    Optional<KeyRejection> rejected = KeyRejection.of(failure);
    if (rejected.isPresent()) {
      return new KeyStatus(KeyState.REJECTED, rejected.get().code(), rejected.get().message(), now);
    }
    VenueException ve = VenueException.classify(venue, failure);
    return new KeyStatus(KeyState.UNCHECKED, ve.code(), "not checked: " + ve.getMessage(), now);
  }

  /**
   * A live request met a rejected key while trading: record it and stop trading, once per spell (the requests that meet
   * the same rejection after it, such as a transfer's polls and the cycles' retries, neither log nor pause again).
   */
  private void rejectedMidRun(KeyRejection r) {
    KeyStatus before = keys.put(r.venue(), new KeyStatus(KeyState.REJECTED, r.code(), r.message(), clock.instant()));
    last.set(new Report(clock.instant(), "request", Map.copyOf(keys), Map.copyOf(excluded)));
    if (before != null && before.state() == KeyState.REJECTED && java.util.Objects.equals(before.code(), r.code())) {
      log.debug("a live request met the same rejected key again: {}", r.message());
      return;
    }
    log.error("a live request met a rejected key: {}", r.message());
    stopTrading.accept(r.message());
  }

  /**
   * What a resume must wait for: the pre-flight runs again, and the stage fails with {@link ResumeRefused} while any key
   * is still rejected.
   */
  public CompletionStage<Report> beforeResume() {
    return run("resume").thenApply(r -> {
      if (r.keyRejected()) {
        throw new ResumeRefused("resume refused: the pre-flight still finds a rejected API key. " + r.rejections());
      }
      return r;
    });
  }

  /**
   * Runs at start (waiting at most {@code timeout}), then every {@code interval} on {@code system}'s scheduler, and
   * {@code uncheckedRetry} after a run that could not ask a venue.
   */
  public void start(org.apache.pekko.actor.typed.ActorSystem<?> system, Duration interval, Duration timeout,
      Duration uncheckedRetry) {
    this.uncheckedRetry = uncheckedRetry;
    this.retryLater = d -> system.scheduler().scheduleOnce(d, () -> {
      retryPending.set(false);
      run("retry");
    }, system.executionContext());
    try {
      run("start").toCompletableFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("the start-up pre-flight did not finish within {} s; it goes on in the background", timeout.toSeconds());
    }
    system.scheduler().scheduleWithFixedDelay(interval, interval, () -> run("interval"), system.executionContext());
  }

  /** A resume the pre-flight refused: the message says which key and what to check. */
  public static final class ResumeRefused extends RuntimeException {
    public ResumeRefused(String message) {
      super(message, null, false, false);
    }
  }
}
