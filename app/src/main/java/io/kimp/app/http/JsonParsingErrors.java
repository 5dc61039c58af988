package io.kimp.app.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin server's answer to a request Pekko HTTP could not parse (URI too long 414, headers too large 431, a bad
 * request target 400, an unknown method 501, …): the API's JSON error with the parser's status and summary, instead of
 * Pekko's plain text. Such a request never reaches the routes (nor the token check): the answer says what was wrong with
 * the request and nothing else. Named by {@code pekko.http.server.parsing.error-handler} in {@link AdminServer}'s
 * settings; Pekko creates it by its no-argument constructor.
 */
public final class JsonParsingErrors extends ParsingErrorHandler {
  private static final Logger log = LoggerFactory.getLogger(JsonParsingErrors.class);

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter pekkoLog, ServerSettings settings) {
    // a client's mistake, possibly a scanner's flood: not worth a warning each; the summary only, since the detail
    // may quote the request (an Authorization header, say)
    String summary = info.summary().isBlank() ? status.reason() : info.summary();
    log.debug("admin API: unparsable request, answered {}: {}", status, summary);
    return ApiJson.error(status, ApiErrors.slug(status), summary);
  }
}
