package io.kimp.app.http;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * A request the API answers with an error: its status, a short machine-readable {@code error} and a message for the
 * operator. Thrown by the routes (or completes their futures exceptionally) and rendered as
 * {@code {"error": …, "message": …}} by {@link ApiErrors}.
 */
public final class ApiError extends RuntimeException {
  private final StatusCode status;
  private final String error;

  public ApiError(StatusCode status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  public StatusCode status() {
    return status;
  }

  public String error() {
    return error;
  }

  /** 400: the request is malformed (an id, a query value, the JSON itself). */
  public static ApiError badRequest(String message) {
    return new ApiError(StatusCodes.BAD_REQUEST, "bad_request", message);
  }

  /** 422: well-formed, but a value is unknown, of the wrong type or out of range. */
  public static ApiError unprocessable(String message) {
    return new ApiError(StatusCodes.UNPROCESSABLE_ENTITY, "invalid", message);
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
