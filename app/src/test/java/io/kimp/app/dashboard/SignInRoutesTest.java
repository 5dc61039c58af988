package io.kimp.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's sign-in over a real loopback server: the session cookie's attributes (HttpOnly, SameSite=Strict, Path,
 * an expiry; Secure only behind TLS), a wrong token refused without a cookie, the session gone at its expiry, and
 * sign-out (CSRF-protected) ending it on the node and clearing the cookie.
 */
class SignInRoutesTest {
  @TempDir Path dir;
  private ConsoleServer server;

  @BeforeEach
  void start() throws Exception {
    server = new ConsoleServer(dir.resolve("data"), dir.resolve("reports"), 1024);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theSessionCookieIsHttpOnlyStrictAndExpiresAndSecureOnlyBehindTls() throws Exception {
    HttpResponse<String> plain = server.login(ConsoleServer.TOKEN, "Origin", server.base);
    assertThat(plain.statusCode()).isEqualTo(303);
    assertThat(plain.headers().firstValue("Location")).hasValue("/ui/");
    String cookie = plain.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("kimp_session=").contains("; HttpOnly").contains("; SameSite=Strict")
        .contains("; Path=/ui").contains("; Max-Age=" + ConsoleServer.TTL.toSeconds()).contains("; Expires=")
        .doesNotContain("Secure").doesNotContain(ConsoleServer.TOKEN);

    // behind a TLS-terminating proxy: the page's origin is https, and the cookie is Secure
    String https = server.base.replace("http://", "https://");
    HttpResponse<String> tls = server.login(ConsoleServer.TOKEN, "Origin", https, "X-Forwarded-Proto", "https");
    assertThat(tls.statusCode()).isEqualTo(303);
    assertThat(tls.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure").contains("; HttpOnly");
  }

  @Test
  void aWrongTokenGetsTheFormAgainAndNoCookie() throws Exception {
    HttpResponse<String> wrong = server.login("not-the-admin-token-of-this-node", "Origin", server.base);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(wrong.body()).contains("id=\"login-error\"").contains("not this node's admin token");
  }

  @Test
  void aSessionEndsAtItsExpiry() throws Exception {
    String[] session = server.signIn();
    server.clock.advance(ConsoleServer.TTL.minusSeconds(1));
    assertThat(server.get("/ui/session", session[0]).statusCode()).isEqualTo(200);
    server.clock.advance(Duration.ofSeconds(1));
    assertThat(server.get("/ui/session", session[0]).statusCode()).isEqualTo(401);
  }

  @Test
  void signingOutNeedsTheCsrfTokenEndsTheSessionAndClearsTheCookie() throws Exception {
    String[] session = server.signIn();
    HttpResponse<String> forged = server.http.send(HttpRequest.newBuilder(URI.create(server.base + "/ui/logout"))
        .header("Cookie", "kimp_session=" + session[0]).header("Origin", server.base)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).as("a page of another site cannot sign the operator out").isEqualTo(403);
    assertThat(server.get("/ui/session", session[0]).statusCode()).isEqualTo(200);

    HttpResponse<String> out = server.http.send(HttpRequest.newBuilder(URI.create(server.base + "/ui/logout"))
        .header("Cookie", "kimp_session=" + session[0]).header("Origin", server.base)
        .header("X-CSRF-Token", session[1])
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("kimp_session=;")
        .contains("Max-Age=0").contains("HttpOnly");
    assertThat(server.get("/ui/session", session[0]).statusCode()).isEqualTo(401);
  }
}
