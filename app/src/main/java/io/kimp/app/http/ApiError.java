package io.kimp.app.http;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A request the API answers with an error: its status, a short machine-readable {@code error} and a message for the
 * operator. Thrown by the routes (or completes their futures exceptionally) and rendered as
 * {@code {"error": …, "message": …}} (and {@code "field"} when one field is at fault) by {@link ApiErrors}.
 */
public final class ApiError extends RuntimeException {
  private final StatusCode status;
  private final String error;
  private final String field;

  public ApiError(StatusCode status, String error, String message) {
    this(status, error, null, message);
  }

  /** @param field the request's field at fault (a JSON body field or query parameter), or null */
  public ApiError(StatusCode status, String error, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.field = field;
  }

  public StatusCode status() {
    return status;
  }

  public String error() {
    return error;
  }

  /** The request's field at fault, or null. */
  public String field() {
    return field;
  }

  /** 400: the request is malformed (an id, a query value, the JSON itself). */
  public static ApiError badRequest(String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, "bad_request", message);
  }

  /** 422: well-formed, but a value is unknown, of the wrong type or out of range. */
  public static ApiError unprocessable(String message) {
    return new ApiError(StatusCodes.UNPROCESSABLE_ENTITY, "invalid", message);
  }

  /** 422 naming the body's {@code field} at fault (also in the error's {@code field}). */
  public static ApiError unprocessable(String field, String message) {
    return new ApiError(StatusCodes.UNPROCESSABLE_ENTITY, "invalid", field, message);
  }

  /** 415: a body that is not JSON. */
  public static ApiError unsupportedMediaType(String message) {
    return new ApiError(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(StatusCodes.NOT_FOUND, "not_found", message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(StatusCodes.CONFLICT, "conflict", message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", message);
  }
}
