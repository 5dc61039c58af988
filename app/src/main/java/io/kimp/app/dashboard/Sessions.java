package io.kimp.app.dashboard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's sign-in sessions, in this node's memory: a random 256-bit id (the cookie's value) per sign-in, each with
 * its own CSRF token and an absolute expiry. Only a digest of the id is kept, so the lookup's timing tells nothing about
 * ids that exist, and a heap dump holds no usable cookie. A restart signs everybody out (by design: nothing to leak).
 */
public final class Sessions {
  /** A signed-in browser. {@code csrf} must come back in {@code X-CSRF-Token} on every state-changing request. */
  public record Session(String csrf, Instant expiresAt) {}

  /** A new session: the cookie value (only the browser holds it) and its record. */
  public record Created(String id, Session session) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_SESSIONS = 1000;

  private final ConcurrentHashMap<String, Session> byDigest = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final Clock clock;

  public Sessions(Duration ttl, Clock clock) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("session lifetime must be positive");
    }
    this.ttl = ttl;
    this.clock = clock;
  }

  public Duration ttl() {
    return ttl;
  }

  public Created create() {
    purge();
    if (byDigest.size() >= MAX_SESSIONS) {
      // a flood of sign-ins must not grow the heap without bound: the oldest expiring goes first
      byDigest.entrySet().stream().min(java.util.Map.Entry.comparingByValue(
              java.util.Comparator.comparing(Session::expiresAt)))
          .ifPresent(e -> byDigest.remove(e.getKey()));
    }
    String id = random();
    Session s = new Session(random(), clock.instant().plus(ttl));
    byDigest.put(digest(id), s);
    return new Created(id, s);
  }

  /** The live session of cookie value {@code id}, if any (an expired one is removed). */
  public Optional<Session> find(String id) {
    if (id == null || id.isEmpty() || id.length() > 100) {
      return Optional.empty();
    }
    String key = digest(id);
    Session s = byDigest.get(key);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expiresAt())) {
      byDigest.remove(key, s);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  public void end(String id) {
    if (id != null) {
      byDigest.remove(digest(id));
    }
  }

  /** True when {@code presented} is the session's CSRF token; constant time. */
  public static boolean csrfMatches(Session s, String presented) {
    return presented != null
        && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  public int size() {
    return byDigest.size();
  }

  private void purge() {
    Instant now = clock.instant();
    byDigest.values().removeIf(s -> !now.isBefore(s.expiresAt()));
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String digest(String id) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
