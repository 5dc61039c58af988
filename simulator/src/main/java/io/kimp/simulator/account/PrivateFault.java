package io.kimp.simulator.account;

import java.time.Duration;

/**
 * A fault a simulated venue answers one private request of an endpoint with ({@link PrivateFaults#inject}).
 *
 * <ul>
 *   <li>{@link #status}: reply with the status and body, do nothing (a 5xx before execution, a refusal).
 *   <li>{@link #rateLimited}: a 429 or 418 with {@code Retry-After}; every request that arrives before the pause is over
 *       is answered the same and counted ({@link PrivateFaults#requestsDuringBackoff()}).
 *   <li>{@link #noReply}: hold the request without acting until {@code hold} passes (the client's timeout fires first),
 *       then answer 504.
 *   <li>{@link #executeThenStatus} / {@link #executeThenNoReply}: act, then lose the reply: the case reconciliation by
 *       client id exists for.
 * </ul>
 */
public record PrivateFault(Kind kind, int status, String body, Duration duration) {

  public enum Kind {
    STATUS,
    RATE_LIMITED,
    NO_REPLY,
    EXECUTE_THEN_STATUS,
    EXECUTE_THEN_NO_REPLY
  }

  public PrivateFault {
    if (kind == null || duration == null || duration.isNegative()) {
      throw new IllegalArgumentException("a fault needs a kind and a duration that is not negative");
    }
    if (kind == Kind.RATE_LIMITED && status != 429 && status != 418) {
      throw new IllegalArgumentException("rate limits are 429 or 418");
    }
  }

  public static PrivateFault status(int status, String body) {
    return new PrivateFault(Kind.STATUS, status, body, Duration.ZERO);
  }

  /** A 503 with an HTML body, as a venue's load balancer answers. */
  public static PrivateFault serverError() {
    return status(503, "<html><body>503 Service Temporarily Unavailable</body></html>");
  }

  /** A 429 (or 418 ban) asking the client to wait {@code retryAfter} (whole seconds on the wire). */
  public static PrivateFault rateLimited(int status, Duration retryAfter) {
    return new PrivateFault(Kind.RATE_LIMITED, status, null, retryAfter);
  }

  public static PrivateFault noReply(Duration hold) {
    return new PrivateFault(Kind.NO_REPLY, 0, null, hold);
  }

  public static PrivateFault executeThenStatus(int status) {
    return new PrivateFault(Kind.EXECUTE_THEN_STATUS, status, "<html><body>" + status + "</body></html>",
        Duration.ZERO);
  }

  public static PrivateFault executeThenNoReply(Duration hold) {
    return new PrivateFault(Kind.EXECUTE_THEN_NO_REPLY, 0, null, hold);
  }
}
