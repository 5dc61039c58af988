package io.kimp.app.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.app.operator.SettingsRules;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the admin API gives is JSON {@code {"error": …, "message": …}}: Pekko HTTP's rejections (unknown path,
 * wrong method …) keep their status and text, {@link ApiError}s theirs, an oversized body is a 413 and an actor or the
 * database not answering a 503. Only a bug is a 500, and it is logged.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder().matchAny(t -> complete(render(t))).build();
  }

  static RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(ApiErrors::asJson);
  }

  static HttpResponse render(Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof ApiError e) {
      return ApiJson.error(e.status(), e.error(), e.getMessage(), e.field());
    }
    if (t instanceof SettingsRules.Refused e) {
      return settingsRefused(e);
    }
    if (t instanceof io.kimp.app.preflight.Preflight.ResumeRefused e) {
      return ApiJson.error(StatusCodes.CONFLICT, "key_rejected", e.getMessage());
    }
    if (t instanceof EntityStreamSizeException e) {
      return ApiJson.error(StatusCodes.PAYLOAD_TOO_LARGE, "payload_too_large",
          "the request body is too large: the limit is " + e.limit() + " bytes");
    }
    if (t instanceof EntityStreamException e) { // the body stream failed: too long for its declared length, cut short
      String detail = e.info().detail().isEmpty() ? e.info().summary() : e.info().detail();
      return "Request too large".equals(e.info().summary())
          ? ApiJson.error(StatusCodes.PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large: " + detail)
          : ApiJson.error(StatusCodes.BAD_REQUEST, "bad_request", "the request body could not be read: " + detail);
    }
    if (t instanceof IllegalRequestException e) {
      return ApiJson.error(e.status(), slug(e.status()), e.info().formatPretty());
    }
    if (t instanceof TimeoutException) {
      return ApiJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
          "the engine did not answer in time (" + t.getMessage() + "); try again");
    }
    if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("read tables")) {
      return ApiJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", t.getMessage());
    }
    log.error("admin API request failed", t);
    return ApiJson.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal", "internal error; see the node's log");
  }

  /**
   * 422 {@code {"error":"invalid","message":…,"field":…,"problems":[{"field","fields","message"}…]}}: {@code field} is
   * the first problem's (where a form shows the message), {@code problems} all of them.
   */
  private static HttpResponse settingsRefused(SettingsRules.Refused e) {
    ObjectNode body = ApiJson.errorBody("invalid", e.getMessage());
    body.put("field", e.problems().get(0).field());
    ArrayNode problems = body.putArray("problems");
    for (SettingsRules.Problem p : e.problems()) {
      ObjectNode o = problems.addObject();
      o.put("field", p.field());
      p.fields().forEach(o.putArray("fields")::add);
      o.put("message", p.message());
    }
    return ApiJson.response(StatusCodes.UNPROCESSABLE_ENTITY, body);
  }

  /** Pekko's answer when a request outlives {@code kimp.admin.request-timeout}, in the API's shape. */
  static HttpResponse requestTimeout(HttpRequest request) {
    return ApiJson.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
        "the node did not answer in time (kimp.admin.request-timeout); try again");
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** A rejection's plain-text answer as the API's JSON error, same status. */
  private static HttpResponse asJson(HttpResponse r) {
    if (r.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return r;
    }
    String text =
        r.entity() instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : r.status().reason();
    return ApiJson.error(r.status(), slug(r.status()), text.isBlank() ? r.status().reason() : text)
        .withHeaders(r.getHeaders());
  }

  static String slug(StatusCode status) {
    return status.reason().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
  }
}
