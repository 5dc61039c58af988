package io.kimp.app.metrics;

import static io.kimp.fixtures.metrics.PrometheusTextParser.familyOf;
import static io.kimp.fixtures.metrics.PrometheusTextParser.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.core.cycle.CycleDirectory;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.ExchangeGateway;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderType;
import io.kimp.core.venue.VenueException;
import io.kimp.core.venue.Venues;
import io.kimp.fixtures.metrics.PrometheusTextParser;
import io.kimp.fixtures.scripted.ScriptedExchange;
import io.kimp.fixtures.scripted.ScriptedExchange.Fault;
import io.kimp.fixtures.scripted.ScriptedExchange.Op;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metering decorators: answers and failures pass through untouched, and the series come out as Prometheus text. */
class MeteredGatewayTest {
  private final PrometheusMetrics metrics = PrometheusMetrics.create(List.of());

  @AfterEach
  void close() {
    metrics.close();
  }

  private static OrderRequest buy(String clientId) {
    return new OrderRequest(clientId, "XRP", OrderSide.BUY, OrderType.MARKET, null, new BigDecimal("100"), null);
  }

  /**
   * A decorator that leaves a default method to the interface loses what the gateway does there: the 3-argument
   * withdrawal lookup (Upbit's exact match by the venue's id after a restart) and the budget-aware peek went to the
   * plain lookup. Every method of the port, defaults included, is passed through.
   */
  @Test
  void everyMethodOfThePortIsPassedThroughDefaultsIncluded() {
    for (java.lang.reflect.Method m : ExchangeGateway.class.getMethods()) {
      if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      assertThat(java.util.Arrays.stream(MeteredGateway.class.getDeclaredMethods())
              .anyMatch(d -> d.getName().equals(m.getName())
                  && java.util.Arrays.equals(d.getParameterTypes(), m.getParameterTypes())))
          .as("MeteredGateway overrides %s%s", m.getName(), java.util.Arrays.toString(m.getParameterTypes()))
          .isTrue();
    }
  }

  @Test
  void everyCallIsTimedByOutcomeAndFailuresAreCountedByClass() {
    ScriptedExchange exchange = new ScriptedExchange().price(Venue.BINANCE, "XRP", "2.0");
    exchange.script(Venue.BINANCE, Op.PLACE_ORDER, Fault.NONE, Fault.TRANSIENT, Fault.LOST_REQUEST);
    Venues venues = MeteredGateway.wrap(exchange.venues(), metrics.registry());
    ExchangeGateway binance = venues.of(Venue.BINANCE);
    assertThat(binance.venue()).isEqualTo(Venue.BINANCE);

    assertThat(binance.placeOrder(buy("a")).toCompletableFuture().join().clientId()).isEqualTo("a");
    assertThatThrownBy(() -> binance.placeOrder(buy("b")).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(VenueException.class);
    assertThatThrownBy(() -> binance.placeOrder(buy("c")).toCompletableFuture().join())
        .hasCauseInstanceOf(VenueException.class);
    assertThat(binance.queryOrder("XRP", "a").toCompletableFuture().join()).isPresent();

    Map<String, PrometheusTextParser.Family> m = PrometheusTextParser.parse(metrics.scrape(null).body());
    assertThat(familyOf(m, "kimp_exchange_requests_seconds_bucket").type()).isEqualTo("histogram");
    assertThat(value(m, "kimp_exchange_requests_seconds_count", "venue", "binance", "operation", "place_order",
        "outcome", "ok")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_requests_seconds_count", "venue", "binance", "operation", "place_order",
        "outcome", "TRANSIENT")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_requests_seconds_count", "venue", "binance", "operation", "place_order",
        "outcome", "UNKNOWN_OUTCOME")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_requests_seconds_count", "venue", "binance", "operation", "query_order",
        "outcome", "ok")).isEqualTo(1);
    assertThat(value(m, "kimp_exchange_requests_seconds_bucket", "venue", "binance", "operation", "place_order",
        "outcome", "ok", "le", "+Inf")).isEqualTo(1); // the call is in the histogram (no bound on its duration)
    assertThat(value(m, "kimp_exchange_errors_total", "venue", "binance", "operation", "place_order",
        "class", "UNKNOWN_OUTCOME")).isEqualTo(1);
  }

  @Test
  void aGatewayThatThrowsIsMeteredAndTheExceptionRethrown() {
    ExchangeGateway broken = (ExchangeGateway) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {ExchangeGateway.class},
        (proxy, method, args) -> {
          if (method.getName().equals("venue")) {
            return Venue.UPBIT;
          }
          throw new IllegalStateException("bug in the gateway");
        });
    MeteredGateway metered = new MeteredGateway(broken, metrics.registry());
    assertThatThrownBy(() -> metered.balances()).isInstanceOf(IllegalStateException.class);
    Map<String, PrometheusTextParser.Family> m = PrometheusTextParser.parse(metrics.scrape(null).body());
    assertThat(value(m, "kimp_exchange_errors_total", "venue", "upbit", "operation", "balances",
        "class", "UNKNOWN_OUTCOME")).isEqualTo(1);
  }

  @Test
  void cycleStartsAreCountedByOutcomeAndRefusalReason() {
    List<CycleReply> replies =
        List.of(
            CycleReply.accepted(UUID.randomUUID(), "started"),
            CycleReply.refused(null, "trading paused: maintenance"),
            CycleReply.refused(null, "size 5000 KRW below minimum 10000 (limited by exposure room 5000)"),
            CycleReply.refused(null, "max concurrent cycles (5) reached"),
            CycleReply.refused(UUID.randomUUID(), "duplicate: cycle x is already STARTED for XRP"),
            CycleReply.refused(null, "portfolio did not answer: timeout"),
            CycleReply.refused(null, "opportunity has no USDT/KRW rate"));
    java.util.Iterator<CycleReply> next = replies.iterator();
    CycleDirectory scripted = (symbol, input) -> CompletableFuture.completedFuture(next.next());
    CycleDirectory metered = new MeteredCycleDirectory(scripted, metrics.registry());
    for (int i = 0; i < replies.size(); i++) {
      metered.ask("XRP", new CycleInput.Start(null));
    }
    CycleDirectory failing = new MeteredCycleDirectory(
        (s, in) -> CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException()), metrics.registry());
    failing.ask("XRP", new CycleInput.Start(null));
    failing.ask("XRP", new CycleInput.Get()); // not a start: not counted

    Map<String, PrometheusTextParser.Family> m = PrometheusTextParser.parse(metrics.scrape(null).body());
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "accepted", "reason", "none")).isEqualTo(1);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "refused", "reason", "paused")).isEqualTo(1);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "refused", "reason", "risk_limit")).isEqualTo(2);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "refused", "reason", "busy")).isEqualTo(1);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "refused", "reason", "unavailable")).isEqualTo(1);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "refused", "reason", "other")).isEqualTo(1);
    assertThat(value(m, "kimp_cycle_starts_total", "outcome", "failed", "reason", "no_answer")).isEqualTo(1);
  }
}
