package io.kimp.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Telegram notifier's meters: messages sent, send failures by class ({@code rate_limited}, {@code server_error},
 * {@code network}, {@code timeout}, {@code bad_markup}, {@code misconfigured}, {@code rejected}), the outbox size, alerts
 * suppressed as duplicates, commands by name and outcome, and updates ignored by reason ({@code foreign_chat},
 * {@code not_a_command}).
 */
public final class TelegramMetrics {

  private final MeterRegistry registry;
  private final Counter sent;
  private final Counter suppressed;
  private final AtomicInteger outbox = new AtomicInteger();

  public TelegramMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.sent =
        Counter.builder("kimp.telegram.messages.sent")
            .description("Messages Telegram accepted")
            .register(registry);
    this.suppressed =
        Counter.builder("kimp.telegram.alerts.suppressed")
            .description("Alerts not sent because the same alert was sent within the de-duplication window")
            .register(registry);
    Gauge.builder("kimp.telegram.outbox.size", outbox, AtomicInteger::get)
        .description("Messages waiting in the outbox for Telegram to accept them")
        .strongReference(true) // Micrometer holds gauge state weakly: without this a collected holder reads NaN
        .register(registry);
  }

  public void sent() {
    sent.increment();
  }

  public void sendFailed(String failureClass) {
    Counter.builder("kimp.telegram.send.failures")
        .description("sendMessage attempts that failed, by class")
        .tag("class", failureClass)
        .register(registry)
        .increment();
  }

  public void outboxSize(int size) {
    outbox.set(size);
  }

  public void suppressed() {
    suppressed.increment();
  }

  public void command(String command, String outcome) {
    Counter.builder("kimp.telegram.commands")
        .description("Operator commands received from the configured chat")
        .tag("command", command)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  public void ignored(String reason) {
    Counter.builder("kimp.telegram.updates.ignored")
        .description("Telegram updates not acted on, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
