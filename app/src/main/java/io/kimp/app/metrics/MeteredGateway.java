package io.kimp.app.metrics;

import io.kimp.core.market.Venue;
import io.kimp.core.venue.Balance;
import io.kimp.core.venue.Deposit;
import io.kimp.core.venue.DepositAddress;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderResult;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.Venues;
import io.kimp.core.venue.WithdrawalRequest;
import io.kimp.core.venue.WithdrawalResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Meters every call of an {@link ExchangeGateway}: a latency histogram {@code kimp.exchange.requests} (seconds) tagged
 * with the venue, the operation and the outcome ({@code ok}, or the failure class {@code TRANSIENT}, {@code PERMANENT},
 * {@code UNKNOWN_OUTCOME}), and {@code kimp.exchange.errors} counting failures by class. The latency is the gateway's
 * whole answer time, retries and rate-limit waits inside the gateway included: what the cycle waited. Answers pass through
 * untouched, failures too (a call that throws is metered and rethrown).
 */
public final class MeteredGateway implements ExchangeGateway {

  /** Histogram buckets: exchange REST calls take tens of milliseconds to tens of seconds (Retry-After waits). */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
    Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
  };

  private final ExchangeGateway gateway;
  private final MeterRegistry registry;
  private final String venue;

  public MeteredGateway(ExchangeGateway gateway, MeterRegistry registry) {
    this.gateway = gateway;
    this.registry = registry;
    this.venue = gateway.venue().name().toLowerCase(Locale.ROOT);
  }

  /** Both venues' gateways, metered into {@code registry}; the hedge's futures venue, if any, kept as it is. */
  public static Venues wrap(Venues venues, MeterRegistry registry) {
    return new Venues(
        new MeteredGateway(venues.of(Venue.UPBIT), registry), new MeteredGateway(venues.of(Venue.BINANCE), registry),
        venues.perpetual().orElse(null));
  }

  @Override
  public Venue venue() {
    return gateway.venue();
  }

  @Override
  public CompletionStage<OrderResult> placeOrder(OrderRequest request) {
    return metered("place_order", () -> gateway.placeOrder(request));
  }

  @Override
  public CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId) {
    return metered("query_order", () -> gateway.queryOrder(coin, clientId));
  }

  @Override
  public CompletionStage<OrderResult> cancelOrder(String coin, String clientId) {
    return metered("cancel_order", () -> gateway.cancelOrder(coin, clientId));
  }

  @Override
  public CompletionStage<Map<String, Balance>> balances() {
    return metered("balances", gateway::balances);
  }

  @Override
  public CompletionStage<DepositAddress> depositAddress(String coin, String network) {
    return metered("deposit_address", () -> gateway.depositAddress(coin, network));
  }

  @Override
  public CompletionStage<WithdrawalResult> withdraw(WithdrawalRequest request) {
    return metered("withdraw", () -> gateway.withdraw(request));
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest request) {
    return metered("query_withdrawal", () -> gateway.queryWithdrawal(request));
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(
      WithdrawalRequest request, String withdrawalId, Instant requestedAt) {
    return metered("query_withdrawal", () -> gateway.queryWithdrawal(request, withdrawalId, requestedAt));
  }

  @Override
  public CompletionStage<Optional<WithdrawalResult>> peekWithdrawal(WithdrawalRequest request, String withdrawalId) {
    return metered("peek_withdrawal", () -> gateway.peekWithdrawal(request, withdrawalId));
  }

  @Override
  public CompletionStage<List<Deposit>> deposits(String coin, Instant since) {
    return metered("deposits", () -> gateway.deposits(coin, since));
  }

  private <T> CompletionStage<T> metered(String operation, Supplier<CompletionStage<T>> call) {
    Timer.Sample sample = Timer.start(registry);
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      record(sample, operation, e);
      throw e;
    }
    return stage.whenComplete((r, t) -> record(sample, operation, t));
  }

  private void record(Timer.Sample sample, String operation, Throwable failure) {
    String outcome = failure == null ? "ok" : VenueException.classify(gateway.venue(), failure).failureClass().name();
    sample.stop(
        Timer.builder("kimp.exchange.requests")
            .description("Exchange API calls by venue, operation and outcome (ok or the failure class)")
            .tags("venue", venue, "operation", operation, "outcome", outcome)
            .serviceLevelObjectives(BUCKETS)
            .register(registry));
    if (failure != null) {
      Counter.builder("kimp.exchange.errors")
          .description("Failed exchange API calls by venue, operation and failure class")
          .tags("venue", venue, "operation", operation, "class", outcome)
          .register(registry)
          .increment();
    }
  }
}
