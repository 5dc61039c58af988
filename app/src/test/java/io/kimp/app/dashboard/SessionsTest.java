package io.kimp.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Sign-in sessions: random ids, each with its own CSRF token, gone at expiry or sign-out. */
class SessionsTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T12:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private final Sessions sessions = new Sessions(Duration.ofHours(8), clock);

  @Test
  void aSessionLivesUntilItsExpiryAndNotAMomentLonger() {
    Sessions.Created s = sessions.create();
    assertThat(s.id()).hasSizeGreaterThanOrEqualTo(43); // 256 random bits, base64url
    assertThat(s.session().expiresAt()).isEqualTo(Instant.parse("2026-12-03T20:00:00Z"));
    assertThat(sessions.find(s.id())).contains(s.session());
    now.set(Instant.parse("2026-12-03T19:59:59Z"));
    assertThat(sessions.find(s.id())).isPresent();
    now.set(Instant.parse("2026-12-03T20:00:00Z"));
    assertThat(sessions.find(s.id())).isEmpty();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void signingOutEndsOnlyThatSessionAndUnknownIdsFindNothing() {
    Sessions.Created a = sessions.create();
    Sessions.Created b = sessions.create();
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(a.session().csrf()).isNotEqualTo(b.session().csrf()).isNotEqualTo(a.id());
    sessions.end(a.id());
    assertThat(sessions.find(a.id())).isEmpty();
    assertThat(sessions.find(b.id())).isPresent();
    assertThat(sessions.find(null)).isEmpty();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find(b.id() + "x")).isEmpty();
  }

  @Test
  void theCsrfTokenMustMatchExactly() {
    Sessions.Session s = sessions.create().session();
    assertThat(Sessions.csrfMatches(s, s.csrf())).isTrue();
    assertThat(Sessions.csrfMatches(s, null)).isFalse();
    assertThat(Sessions.csrfMatches(s, "")).isFalse();
    assertThat(Sessions.csrfMatches(s, s.csrf().substring(1))).isFalse();
  }

  @Test
  void aFloodOfSignInsDoesNotGrowWithoutBound() {
    for (int i = 0; i < 1500; i++) {
      sessions.create();
    }
    assertThat(sessions.size()).isLessThanOrEqualTo(1000);
  }
}
