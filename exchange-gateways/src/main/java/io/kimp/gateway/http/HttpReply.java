package io.kimp.gateway.http;

import java.util.Map;
import java.util.Optional;

/**
 * A venue's whole reply.
 *
 * @param headers by lower-case name
 */
public record HttpReply(int status, Map<String, String> headers, String body) {

  public Optional<String> header(String lowerCaseName) {
    return Optional.ofNullable(headers.get(lowerCaseName));
  }

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  public boolean serverError() {
    return status >= 500;
  }

  public boolean rateLimited() {
    return status == 429 || status == 418;
  }
}
