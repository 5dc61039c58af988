package io.kimp.core.cycle;

import java.util.UUID;

/**
 * Deterministic client ids: {@code <cycleId hex, 32><leg I|R><step B|W|D|S><attempt, 2 base-36 digits>}, exactly 36
 * characters of {@code [0-9a-zA-Z]}: within Binance's {@code newClientOrderId} rule ({@code ^[.A-Z:/a-z0-9_-]{1,36}$}) and
 * unique forever for Upbit's {@code identifier}, because every new attempt of a step gets a new number.
 */
public final class ClientIds {
  private static final int MAX_ATTEMPT = 36 * 36 - 1;

  private ClientIds() {}

  public static String of(UUID cycleId, Leg leg, Step step, int attempt) {
    if (attempt < 1 || attempt > MAX_ATTEMPT) {
      throw new IllegalArgumentException("attempt out of range: " + attempt);
    }
    String hex = cycleId.toString().replace("-", "");
    String n = Integer.toString(attempt, 36);
    return hex + leg.code() + step.code() + (n.length() == 1 ? "0" + n : n);
  }

  /** The cycle id a client id was made from. */
  public static UUID cycleIdOf(String clientId) {
    if (clientId == null || clientId.length() != 36) {
      throw new IllegalArgumentException("not a kimp client id: " + clientId);
    }
    String h = clientId.substring(0, 32);
    return UUID.fromString(
        h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-"
            + h.substring(20));
  }
}
