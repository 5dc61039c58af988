package io.kimp.simulator.account;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One venue's private-REST fault injection and request counters: faults queued per endpoint ({@code "POST /v1/orders"})
 * answer that endpoint's next requests ({@link PrivateFault}); every request is counted per endpoint, and so are the
 * 429s and 418s returned (for any reason: an injected fault or the venue's own limits) and the requests that arrive while
 * a 429/418 pause this venue asked for is still running. Thread-safe.
 */
public final class PrivateFaults {
  /**
   * What to answer: {@code reply} at once, or (when {@code hold} is not null) nothing until {@code hold} has passed and
   * then {@code reply} (a 504).
   */
  public record Outcome(PrivateReply reply, Duration hold) {
    static Outcome now(PrivateReply r) {
      return new Outcome(r, null);
    }

    static Outcome held(Duration d) {
      return new Outcome(new PrivateReply(504, ""), d);
    }
  }

  private final Map<String, Deque<PrivateFault>> faults = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger requestsDuringBackoff = new AtomicInteger();
  private final AtomicInteger returned429 = new AtomicInteger();
  private final AtomicInteger returned418 = new AtomicInteger();
  private final IntFunction<String> rateLimitBody;
  private long pausedUntil;
  private int pauseStatus = 429;

  /** @param rateLimitBody the venue's JSON body for a 429 or 418 of an injected pause */
  public PrivateFaults(IntFunction<String> rateLimitBody) {
    this.rateLimitBody = rateLimitBody;
  }

  /** Answers the next {@code times} requests of {@code endpoint} (e.g. {@code "POST /api/v3/order"}) with {@code fault}. */
  public void inject(String endpoint, PrivateFault fault, int times) {
    Deque<PrivateFault> q = faults.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    synchronized (q) {
      for (int i = 0; i < times; i++) {
        q.add(fault);
      }
    }
  }

  /** Drops every fault not yet used, and ends an injected pause. */
  public void clear() {
    faults.clear();
    synchronized (this) {
      pausedUntil = 0;
    }
  }

  /** Requests received per endpoint ({@code "METHOD /path"}), faults and refusals included. */
  public Map<String, Integer> requestsPerEndpoint() {
    Map<String, Integer> out = new TreeMap<>();
    requests.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public int requests(String endpoint) {
    AtomicInteger n = requests.get(endpoint);
    return n == null ? 0 : n.get();
  }

  /** Requests that arrived while an injected 429/418 pause was still running. */
  public int requestsDuringBackoff() {
    return requestsDuringBackoff.get();
  }

  /** 429s returned, for any reason. */
  public int returned429() {
    return returned429.get();
  }

  /** 418s returned, for any reason. */
  public int returned418() {
    return returned418.get();
  }

  /**
   * Serves {@code r} at {@code now}: counts it, answers an injected pause or the endpoint's next fault, and calls
   * {@code execute} (the venue's protocol) when the fault lets the request act.
   */
  public Outcome serve(PrivateRequest r, long now, Function<PrivateRequest, PrivateReply> execute) {
    requests.computeIfAbsent(r.endpoint(), e -> new AtomicInteger()).incrementAndGet();
    synchronized (this) {
      if (now < pausedUntil) {
        requestsDuringBackoff.incrementAndGet();
        return counted(Outcome.now(pause(pauseStatus, Math.max(1, (pausedUntil - now) / 1000))));
      }
    }
    PrivateFault fault = next(r.endpoint());
    if (fault == null) {
      return counted(Outcome.now(execute.apply(r)));
    }
    switch (fault.kind()) {
      case STATUS:
        return counted(Outcome.now(new PrivateReply(fault.status(), fault.body() == null ? "" : fault.body())));
      case RATE_LIMITED:
        synchronized (this) {
          pauseStatus = fault.status();
          pausedUntil = now + fault.duration().toMillis();
        }
        return counted(Outcome.now(pause(fault.status(), Math.max(1, fault.duration().toSeconds()))));
      case NO_REPLY:
        return Outcome.held(fault.duration());
      case EXECUTE_THEN_STATUS:
        execute.apply(r);
        return counted(Outcome.now(new PrivateReply(fault.status(), fault.body() == null ? "" : fault.body())));
      case EXECUTE_THEN_NO_REPLY:
        execute.apply(r);
        return Outcome.held(fault.duration());
      default:
        throw new IllegalStateException(fault.kind().name());
    }
  }

  private PrivateReply pause(int status, long retryAfterSeconds) {
    return new PrivateReply(status, rateLimitBody.apply(status), Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  private Outcome counted(Outcome o) {
    if (o.reply().status() == 429) {
      returned429.incrementAndGet();
    } else if (o.reply().status() == 418) {
      returned418.incrementAndGet();
    }
    return o;
  }

  private PrivateFault next(String endpoint) {
    Deque<PrivateFault> q = faults.get(endpoint);
    if (q == null) {
      return null;
    }
    synchronized (q) {
      return q.poll();
    }
  }
}
