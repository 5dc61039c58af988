package io.kimp.app.dashboard;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kimp.app.http.AdminSettings;
import io.kimp.app.http.AdminToken;
import io.kimp.app.http.ApiJson;
import io.kimp.fixtures.time.ManualClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;

/**
 * The console's routes ({@link DashboardRoutes}) on a real Pekko HTTP server on loopback, with a clock the test moves,
 * and a plain {@link HttpClient} to call them: the sign-in form, the session, the backtests of {@code dataDir}.
 */
final class ConsoleServer implements AutoCloseable {
  static final String TOKEN = "console-test-admin-token-0123456789";
  static final Duration TTL = Duration.ofHours(1);

  final ManualClock clock = new ManualClock(Instant.now());
  final Backtests backtests;
  final String base;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final ActorSystem system;
  private final ServerBinding binding;

  ConsoleServer(Path dataDir, Path reportsDir, long maxUpload) throws Exception {
    Config config = ConfigFactory.parseMap(Map.of("kimp.admin.token", TOKEN)).withFallback(ConfigFactory.load());
    system = ActorSystem.create("console-test", ConfigFactory.parseString("pekko.loglevel = WARNING"));
    backtests = new Backtests(dataDir, reportsDir, config, Runnable::run);
    DashboardRoutes routes = new DashboardRoutes(
        AdminToken.resolve(AdminSettings.fromConfig(config)), new Sessions(TTL, clock),
        null, by -> Directives.reject(), Map::of, List::of, Runnable::run, backtests,
        new BacktestUploads(dataDir, maxUpload));
    binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(routes.route()).toCompletableFuture().get();
    base = "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  /** POSTs the sign-in form with {@code token} and the given extra headers (name, value, …). */
  HttpResponse<String> login(String token, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/ui/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The session cookie's value in a sign-in answer. */
  static String cookieValue(HttpResponse<?> login) {
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
  }

  /** Signs in through the login form: the session cookie's value and the session's CSRF token. */
  String[] signIn() throws Exception {
    HttpResponse<String> login = login(TOKEN, "Origin", base);
    if (login.statusCode() != 303) {
      throw new AssertionError("sign-in answered " + login.statusCode() + ": " + login.body());
    }
    String id = cookieValue(login);
    HttpResponse<String> s = get("/ui/session", id);
    return new String[] {id, ApiJson.MAPPER.readTree(s.body()).get("csrf").asText()};
  }

  HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (cookie != null) {
      b.header("Cookie", "kimp_session=" + cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    binding.unbind().toCompletableFuture().join();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
