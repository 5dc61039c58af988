package io.kimp.app.metrics;

import io.kimp.app.operator.OperatorService;
import io.kimp.core.cycle.CycleStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's cycle and dead-letter numbers as gauges, sampled on a timer from the read tables and the dead-letter
 * queue (a scrape never queries the database): {@code kimp.cycles} by status, {@code kimp.dlq.size} (open entries) and
 * {@code kimp.cycle.retries} (step attempts that were retries, ever). The numbers are the cluster's, not this node's:
 * every node reports the same values, so aggregate them with {@code max}, not {@code sum}.
 */
public final class OperationsMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OperationsMetrics.class);

  private final OperatorService operator;
  private final Map<CycleStatus, AtomicInteger> cycles = new EnumMap<>(CycleStatus.class);
  private final AtomicInteger deadLetters = new AtomicInteger();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong sampledAtMillis = new AtomicLong();
  private final AtomicBoolean sampling = new AtomicBoolean();
  private final Cancellable timer;
  private volatile boolean failing;

  private OperationsMetrics(ActorSystem<?> system, OperatorService operator, MeterRegistry registry, Duration every) {
    this.operator = operator;
    for (CycleStatus s : CycleStatus.values()) {
      if (s == CycleStatus.IDLE) {
        continue;
      }
      AtomicInteger n = new AtomicInteger();
      cycles.put(s, n);
      Gauge.builder("kimp.cycles", n, AtomicInteger::get)
          .description("Cycles in the read tables by status (cluster-wide)")
          .tag("status", s.name())
          .register(registry);
    }
    Gauge.builder("kimp.dlq.size", deadLetters, AtomicInteger::get)
        .description("Open entries of the dead-letter queue (cluster-wide)")
        .register(registry);
    FunctionCounter.builder("kimp.cycle.retries", retries, AtomicLong::get)
        .description("Step attempts that were retries of a failed attempt (cluster-wide, from the read tables)")
        .register(registry);
    Gauge.builder("kimp.operations.sampled", sampledAtMillis, v -> v.get() / 1000.0)
        .description("When the cycle and dead-letter gauges were last sampled (Unix time, seconds)")
        .register(registry);
    this.timer =
        system.scheduler().scheduleWithFixedDelay(Duration.ZERO, every, this::sample, system.executionContext());
  }

  /** Starts sampling every {@code every} into {@code registry}; close to stop. */
  public static OperationsMetrics start(
      ActorSystem<?> system, OperatorService operator, MeterRegistry registry, Duration every) {
    return new OperationsMetrics(system, operator, registry, every);
  }

  private void sample() {
    if (!sampling.compareAndSet(false, true)) {
      return; // the previous sample is still running (slow database): skip a beat rather than pile up
    }
    operator.cycleCounts()
        .thenCombine(operator.deadLetters(true), (counts, open) -> {
          counts.byStatus().forEach((s, n) -> cycles.get(s).set(n));
          retries.set(counts.retriedAttempts());
          deadLetters.set(open.size());
          sampledAtMillis.set(System.currentTimeMillis());
          return counts;
        })
        .whenComplete((ok, t) -> {
          sampling.set(false);
          if (t != null && !failing) {
            log.warn("operations metrics not sampled (gauges keep their last values): {}", t.toString());
          } else if (t == null && failing) {
            log.info("operations metrics sampled again");
          }
          failing = t != null;
        });
  }

  @Override
  public void close() {
    timer.cancel();
  }
}
