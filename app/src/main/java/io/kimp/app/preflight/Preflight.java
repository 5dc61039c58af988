package io.kimp.app.preflight;

import io.kimp.core.market.Venue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.Venues;
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

  /** The latest pre-flight: when, why ({@code start}, {@code interval}, {@code resume}, {@code request}) and each key. */
  public record Report(Instant ranAt, String trigger, Map<Venue, KeyStatus> keys) {
    public boolean keyRejected() {
      return keys.values().stream().anyMatch(k -> k.state() == KeyState.REJECTED);
    }

    /** The rejected keys' messages, one per line. */
    public String rejections() {
      return String.join("\n",
          keys.values().stream().filter(k -> k.state() == KeyState.REJECTED).map(KeyStatus::message).toList());
    }
  }

  private final Map<Venue, ExchangeGateway> gateways;
  private final Consumer<String> stopTrading;
  private final Clock clock;
  private final Map<Venue, KeyStatus> keys = new ConcurrentHashMap<>();
  private final AtomicReference<Report> last = new AtomicReference<>();

  /**
   * @param stopTrading pauses the Portfolio singleton by {@link Portfolio#KEY_CHECK} with the given reason
   */
  Preflight(Map<Venue, ExchangeGateway> gateways, Consumer<String> stopTrading, Clock clock) {
    this.gateways = gateways;
    this.stopTrading = stopTrading;
    this.clock = clock;
  }

  /**
   * The pre-flight of {@code venues} when they are the live gateways (empty in paper mode): it listens to their key
   * watches and shows its state as {@code kimp_preflight_*} meters in {@code registry}.
   */
  public static Optional<Preflight> forLive(Venues venues, Consumer<String> stopTrading, Clock clock,
      MeterRegistry registry) {
    ExchangeGateway upbit = venues.of(Venue.UPBIT);
    ExchangeGateway binance = venues.of(Venue.BINANCE);
    if (!(upbit instanceof UpbitGateway u) || !(binance instanceof BinanceGateway b)) {
      return Optional.empty();
    }
    Map<Venue, ExchangeGateway> gateways = new EnumMap<>(Venue.class);
    gateways.put(Venue.UPBIT, upbit);
    gateways.put(Venue.BINANCE, binance);
    Preflight p = new Preflight(gateways, stopTrading, clock);
    Set<KeyWatch> watches = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    watches.add(u.limits().keyWatch());
    watches.add(b.limits().keyWatch());
    watches.forEach(w -> w.listen(p::rejectedMidRun));
    for (Venue v : gateways.keySet()) {
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

  /** Runs the checks; a rejected key stops trading before the stage completes. Never fails. */
  public CompletionStage<Report> run(String trigger) {
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (Map.Entry<Venue, ExchangeGateway> e : gateways.entrySet()) {
      Venue venue = e.getKey();
      checks.add(
          e.getValue()
              .balances()
              .handle((balances, failure) -> {
                keys.put(venue, status(venue, failure));
                return (Void) null;
              })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(x -> {
          Report r = new Report(clock.instant(), trigger, Map.copyOf(keys));
          last.set(r);
          if (r.keyRejected()) {
            log.error("pre-flight ({}): {}", trigger, r.rejections());
            stopTrading.accept(r.rejections());
          } else {
            log.info("pre-flight ({}): keys {}", trigger, r.keys());
          }
          return r;
        });
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

  /** A live request met a rejected key while trading: record it and stop trading. */
  private void rejectedMidRun(KeyRejection r) {
    keys.put(r.venue(), new KeyStatus(KeyState.REJECTED, r.code(), r.message(), clock.instant()));
    last.set(new Report(clock.instant(), "request", Map.copyOf(keys)));
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

  /** Runs at start (waiting at most {@code timeout}) and then every {@code interval} on {@code system}'s scheduler. */
  public void start(org.apache.pekko.actor.typed.ActorSystem<?> system, Duration interval, Duration timeout) {
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
