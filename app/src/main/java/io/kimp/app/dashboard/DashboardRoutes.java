package io.kimp.app.dashboard;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.formFieldOptional;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromFile;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.optionalCookie;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.redirect;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.kimp.app.http.AdminToken;
import io.kimp.app.http.ApiJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's console under {@code /ui}: a sign-in page that takes the admin token (in a POST body, never a URL) and
 * answers with an HttpOnly, SameSite=Strict session cookie (Secure behind TLS); everything else — pages, scripts, data,
 * the live event stream, and the admin API at {@code /ui/api/v1} — needs that session. A state-changing request also
 * needs its Origin to be this server and the session's CSRF token in {@code X-CSRF-Token}. The token is compared in
 * constant time ({@link AdminToken#matches}); the browser never stores it.
 */
public final class DashboardRoutes {
  private static final Logger log = LoggerFactory.getLogger(DashboardRoutes.class);
  public static final String COOKIE = "kimp_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String RESOURCES = "dashboard";
  private static final List<String> PAGES = List.of("cycles", "dlq", "money", "system", "backtests");
  private static final DateTimeFormatter COOKIE_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final AdminToken token;
  private final Sessions sessions;
  private final LiveFeed feed;
  private final Function<String, Route> api;
  private final Supplier<Map<String, Object>> system;
  private final Supplier<Object> equity;
  private final java.util.concurrent.Executor blocking;
  private final String loginPage;
  private final Backtests backtests;
  private final BacktestUploads uploads;

  /**
   * @param api the admin API's {@code /v1} routes, for an actor name ({@code dashboard})
   * @param system the system page's figures (version, uptime, feed connections …)
   * @param equity the money page's equity curve
   * @param blocking where the two run (they query the database)
   */
  public DashboardRoutes(
      AdminToken token, Sessions sessions, LiveFeed feed, Function<String, Route> api,
      Supplier<Map<String, Object>> system, Supplier<Object> equity, java.util.concurrent.Executor blocking,
      Backtests backtests, BacktestUploads uploads) {
    this.backtests = backtests;
    this.uploads = uploads;
    this.blocking = blocking;
    this.token = token;
    this.sessions = sessions;
    this.feed = feed;
    this.api = api;
    this.system = system;
    this.equity = equity;
    this.loginPage = resource("login.html");
  }

  public Route route() {
    return concat(
        pathSingleSlash(() -> get(() -> redirect(Uri.create("/ui/"), StatusCodes.SEE_OTHER))),
        // a backtest's report: self-contained HTML with its own inline style and script, so its own policy
        pathPrefix(segment("ui").slash("reports"), () -> respondWithHeaders(reportHeaders(), () ->
            signedIn(session -> path(segment().slash(segment()), (run, file) -> get(() ->
                backtests.reportFile(run, file).map(f -> getFromFile(f.toFile()))
                    .orElseGet(() -> complete(ApiJson.error(StatusCodes.NOT_FOUND, "not_found",
                        "no such report file")))))))),
        pathPrefix("ui", () -> respondWithHeaders(securityHeaders(), () -> concat(
            path("login", () -> concat(
                get(() -> login(StatusCodes.OK, "")),
                post(this::signIn))),
            pathPrefix("public", () -> get(() -> getFromResourceDirectory(RESOURCES + "/public"))),
            signedIn(session -> concat(
                pathEndOrSingleSlash(() -> get(this::shell)),
                path(segment().slash(segment()), (page, id) -> "cycles".equals(page) ? get(this::shell) : reject()),
                path(segment(), page -> PAGES.contains(page) ? get(this::shell) : reject()),
                pathPrefix("static", () -> get(() -> getFromResourceDirectory(RESOURCES))),
                path("session", () -> get(() -> complete(ApiJson.ok(Map.of(
                    "csrf", session.csrf(), "expiresAt", session.expiresAt().toString()))))),
                // the events are encoded once for every browser that keeps up (LiveFeed#connect), so the stream is sent as bytes
                path("events", () -> get(() -> complete(org.apache.pekko.http.javadsl.model.HttpResponse.create()
                    .withEntity(org.apache.pekko.http.javadsl.model.HttpEntities.createChunked(
                        org.apache.pekko.http.javadsl.model.MediaTypes.TEXT_EVENT_STREAM.toContentType(),
                        feed.connect()))))),
                path(segment("data").slash("system"), () -> get(() -> completeWithFuture(
                    java.util.concurrent.CompletableFuture.supplyAsync(system, blocking).thenApply(ApiJson::ok)))),
                path(segment("data").slash("equity"), () -> get(() -> completeWithFuture(
                    java.util.concurrent.CompletableFuture.supplyAsync(equity, blocking).thenApply(ApiJson::ok)))),
                path(segment("data").slash("backtests"), () -> concat(
                    get(() -> completeWithFuture(java.util.concurrent.CompletableFuture
                        .supplyAsync(backtests::overview, blocking).thenApply(ApiJson::ok))),
                    post(() -> entity(Unmarshaller.entityToString(), this::startBacktest)))),
                path(segment("data").slash("backtests").slash("upload"), () -> post(this::upload)),
                path(segment("data").slash("backtests").slash("events"), () -> get(() ->
                    completeOK(backtests.watch().keepAlive(java.time.Duration.ofSeconds(15),
                        org.apache.pekko.http.javadsl.model.sse.ServerSentEvent::heartbeat),
                        EventStreamMarshalling.toEventStream()))),
                path("logout", () -> post(this::signOut)),
                pathPrefix("api", () -> api.apply("dashboard"))))))));
  }

  // ---- backtests

  private Route startBacktest(String body) {
    com.fasterxml.jackson.databind.JsonNode json;
    try {
      json = ApiJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return complete(ApiJson.error(StatusCodes.BAD_REQUEST, "bad_request", "the body is not JSON"));
    }
    if (json == null || !json.isObject()) {
      return complete(ApiJson.error(StatusCodes.BAD_REQUEST, "bad_request", "the body must be a JSON object"));
    }
    java.util.concurrent.CompletionStage<HttpResponse> answer;
    try {
      answer = backtests.start(json).thenApply(m -> ApiJson.response(StatusCodes.ACCEPTED, m));
    } catch (Backtests.Refused e) {
      return complete(refused(e));
    }
    return completeWithFuture(answer.exceptionally(e -> {
      Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (c instanceof Backtests.Refused r) {
        return refused(r);
      }
      return ApiJson.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal", String.valueOf(c.getMessage()));
    }));
  }

  /**
   * Candle files from the page's upload form ({@code multipart/form-data}), streamed to disk under the upload limit
   * (three files and the form): 201 with the stored names, or the refusal beside the field it concerns.
   */
  private Route upload() {
    return withSizeLimit(uploads.requestLimit(), () -> extractMaterializer(mat -> extractRequest(req -> {
      if (!req.entity().getContentType().mediaType().toString().startsWith("multipart/form-data")) {
        return complete(ApiJson.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
            "send the files as multipart/form-data (fields upbit, binance and optionally fx)"));
      }
      return entity(Unmarshaller.entityToMultipartFormData(), form -> completeWithFuture(
          uploads.accept(form, mat)
              .thenApply(m -> ApiJson.response(StatusCodes.CREATED, m))
              .exceptionally(e -> {
                Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
                return c instanceof Backtests.Refused r ? refused(r)
                    : ApiJson.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal", String.valueOf(c.getMessage()));
              })));
    })));
  }

  private static HttpResponse refused(Backtests.Refused e) {
    org.apache.pekko.http.javadsl.model.StatusCode status = StatusCodes.get(e.status());
    String code = switch (e.status()) {
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      default -> e.status() >= 500 ? "internal" : "bad_request";
    };
    return ApiJson.error(status, code, e.getMessage(), e.field());
  }

  // ---- sign-in

  private Route signIn() {
    return extractRequest(req -> {
      if (!sameOrigin(req)) {
        log.warn("dashboard: sign-in refused (Origin {} is not this server)",
            req.getHeader("Origin").map(HttpHeader::value).orElse("missing"));
        return complete(ApiJson.error(StatusCodes.FORBIDDEN, "forbidden", "sign-in from another origin"));
      }
      return formFieldOptional("token", presented -> {
        if (presented.isEmpty() || !token.matches(presented.get().trim())) {
          log.warn("dashboard: sign-in refused (wrong token)");
          return login(StatusCodes.UNAUTHORIZED, "That is not this node's admin token. / 관리자 토큰이 올바르지 않습니다.");
        }
        Sessions.Created s = sessions.create();
        log.info("dashboard: signed in (session until {})", s.session().expiresAt());
        return complete(HttpResponse.create().withStatus(StatusCodes.SEE_OTHER)
            .addHeader(Location.create("/ui/"))
            .addHeader(setCookie(s.id(), s.session().expiresAt(), secure(req))));
      });
    });
  }

  private Route signOut() {
    return optionalCookie(COOKIE, c -> extractRequest(req -> {
      c.map(HttpCookiePair::value).ifPresent(sessions::end);
      log.info("dashboard: signed out");
      return complete(ApiJson.ok(Map.of("signedOut", true))
          .addHeader(RawHeader.create("Set-Cookie", COOKIE + "=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict"
              + (secure(req) ? "; Secure" : ""))));
    }));
  }

  static HttpHeader setCookie(String id, Instant expires, boolean secure) {
    // whole seconds, rounded up: the session was made a few milliseconds ago, and a cookie a second shorter than its
    // session (3599 of 3600 when the second turned meanwhile) would end before it; the server checks the expiry anyway
    long millis = java.time.Duration.between(Instant.now(), expires).toMillis();
    long maxAge = Math.max(0, (millis + 999) / 1000);
    return RawHeader.create("Set-Cookie", COOKIE + "=" + id + "; Path=/ui; Max-Age=" + maxAge + "; Expires="
        + COOKIE_DATE.format(expires) + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
  }

  /**
   * The session, or: a page asked for without one is sent to the sign-in page, anything else is 401. A state-changing
   * request also needs this server's Origin and the session's CSRF token (403 otherwise).
   */
  private Route signedIn(Function<Sessions.Session, Route> inner) {
    return optionalCookie(COOKIE, cookie -> extractRequest(req -> {
      Optional<Sessions.Session> session = cookie.flatMap(c -> sessions.find(c.value()));
      if (session.isEmpty()) {
        if (req.method() == HttpMethods.GET && acceptsHtml(req)) {
          return redirect(Uri.create("/ui/login"), StatusCodes.SEE_OTHER);
        }
        return complete(ApiJson.error(StatusCodes.UNAUTHORIZED, "unauthorized", "sign in to the dashboard first"));
      }
      if (!safe(req)) {
        if (!sameOrigin(req)) {
          return complete(ApiJson.error(StatusCodes.FORBIDDEN, "forbidden", "cross-origin request refused"));
        }
        String presented = req.getHeader(CSRF_HEADER).map(HttpHeader::value).orElse(null);
        if (!Sessions.csrfMatches(session.get(), presented)) {
          return complete(ApiJson.error(StatusCodes.FORBIDDEN, "forbidden",
              "missing or wrong " + CSRF_HEADER + " (reload the page)"));
        }
      }
      return inner.apply(session.get());
    }));
  }

  private static boolean safe(HttpRequest req) {
    return req.method() == HttpMethods.GET || req.method() == HttpMethods.HEAD || req.method() == HttpMethods.OPTIONS;
  }

  private static boolean acceptsHtml(HttpRequest req) {
    return req.getHeader("Accept").map(h -> h.value().contains("text/html")).orElse(false);
  }

  /** The request's Origin (or, without one, its Referer) is this server. Browsers send Origin on every POST. */
  static boolean sameOrigin(HttpRequest req) {
    Optional<String> host = req.getHeader("Host").map(HttpHeader::value);
    if (host.isEmpty()) {
      return false;
    }
    String origin = req.getHeader("Origin").map(HttpHeader::value)
        .or(() -> req.getHeader("Referer").map(HttpHeader::value)).orElse(null);
    if (origin == null) {
      return false;
    }
    String scheme = secure(req) ? "https://" : "http://";
    String expected = scheme + host.get().toLowerCase(Locale.ROOT);
    String o = origin.toLowerCase(Locale.ROOT);
    return o.equals(expected) || o.startsWith(expected + "/");
  }

  static boolean secure(HttpRequest req) {
    return "https".equals(req.getUri().scheme())
        || req.getHeader("X-Forwarded-Proto").map(h -> h.value().equalsIgnoreCase("https")).orElse(false);
  }

  // ---- pages

  private Route shell() {
    return getFromResource(RESOURCES + "/index.html");
  }

  private Route login(org.apache.pekko.http.javadsl.model.StatusCode status, String error) {
    String html = loginPage.replace("<!--error-->", error.isEmpty() ? ""
        : "<p class=\"error\" role=\"alert\" id=\"login-error\">" + error + "</p>");
    return complete(HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html)));
  }

  private static Route reject() {
    return org.apache.pekko.http.javadsl.server.Directives.reject();
  }

  /** A report may run its own inline script and style, and load nothing from anywhere. */
  private static List<HttpHeader> reportHeaders() {
    return List.of(
        RawHeader.create("Content-Security-Policy",
            "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                + "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"),
        RawHeader.create("X-Content-Type-Options", "nosniff"),
        RawHeader.create("Referrer-Policy", "same-origin"),
        RawHeader.create("Cache-Control", "no-store"));
  }

  private static List<HttpHeader> securityHeaders() {
    return List.of(
        RawHeader.create("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        RawHeader.create("X-Content-Type-Options", "nosniff"),
        // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on a form POST, which the
        // Origin check must refuse
        RawHeader.create("Referrer-Policy", "same-origin"),
        RawHeader.create("Cache-Control", "no-store"));
  }

  private static String resource(String name) {
    try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(RESOURCES + "/" + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
