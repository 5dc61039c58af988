package io.kimp.core.venue;

import io.kimp.core.market.Venue;
import java.time.Duration;
import java.util.Optional;

/** The one failure type every {@link ExchangeGateway} call completes exceptionally with. */
public final class VenueException extends RuntimeException {
  private final Venue venue;
  private final FailureClass failureClass;
  private final String code;
  private final Duration retryAfter;

  public VenueException(Venue venue, FailureClass failureClass, String code, String message) {
    this(venue, failureClass, code, message, null, null);
  }

  public VenueException(
      Venue venue, FailureClass failureClass, String code, String message, Duration retryAfter, Throwable cause) {
    super(venue + " " + failureClass + " [" + code + "] " + message, cause);
    this.venue = venue;
    this.failureClass = failureClass;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  public Venue venue() {
    return venue;
  }

  public FailureClass failureClass() {
    return failureClass;
  }

  /** The venue's own error code (e.g. Binance {@code -2010}, Upbit {@code insufficient_funds}) or a kimp code. */
  public String code() {
    return code;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Classifies any throwable: a {@link VenueException} keeps its class; anything else is an unknown outcome. */
  public static VenueException classify(Venue venue, Throwable t) {
    Throwable cause = t;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof VenueException ve) {
      return ve;
    }
    return new VenueException(
        venue, FailureClass.UNKNOWN_OUTCOME, "client-error", String.valueOf(cause), null, cause);
  }
}
