package io.kimp.core.alert;

/**
 * Port: where alerts go (the Telegram notifier in production, a recording sink in tests). Must not block and must not
 * throw: delivery guarantees are the sink's business.
 */
public interface AlertSink {
  void publish(Alert alert);
}
