package io.kimp.gateway.http;

import java.util.Objects;

/**
 * A venue API key pair. The secret never leaves this object except into a signer, and neither part shows up in
 * {@link #toString()}, so settings dumps and log lines cannot leak it.
 */
public record ApiCredentials(String key, String secret) {

  public ApiCredentials {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(secret, "secret");
  }

  /** The first four characters of the key and nothing of the secret. */
  public static String mask(String value) {
    if (value == null || value.isEmpty()) {
      return "<unset>";
    }
    return (value.length() > 8 ? value.substring(0, 4) : "") + "****";
  }

  @Override
  public String toString() {
    return "ApiCredentials[key=" + mask(key) + ", secret=****]";
  }
}
