package io.kimp.gateway.preflight;

import io.kimp.core.market.Venue;
import io.kimp.core.venue.VenueException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A venue refused the API key itself (not one request): wrong secret, unknown or expired key, this machine's IP not on the
 * key's allow-list, or permissions missing. Nothing signed can succeed until an operator fixes the key, so trading stops
 * cluster-wide with {@link #message()}, which names the venue, the key's setting and what to check.
 *
 * <p>The codes, from the venues' error references: Binance {@code -1022} (signature not valid: the secret), {@code -2014}
 * (API-key format invalid), {@code -2015} (invalid API key, IP, or permissions for action); Upbit {@code jwt_verification}
 * (the JWT's signature: the secret), {@code invalid_access_key}, {@code expired_access_key}, {@code no_authorization_ip},
 * {@code out_of_scope} (the key lacks the permission).
 *
 * <p>Binance's USDT-M futures API ({@code /fapi}) answers with the same codes on the same key; a rejection there is
 * {@link Api#FUTURES}, and its message says to enable futures on the key (a key made for spot trading lacks it).
 *
 * @param code the venue's error code
 * @param venueMessage what the venue said (never holds the key)
 * @param api which of the venue's APIs refused the key
 */
public record KeyRejection(Venue venue, String code, String venueMessage, Api api) {

  /** The venue's API a key was refused on: its permissions are granted per API. */
  public enum Api {
    SPOT,
    FUTURES
  }

  /** A rejection by the spot (and wallet) API. */
  public KeyRejection(Venue venue, String code, String venueMessage) {
    this(venue, code, venueMessage, Api.SPOT);
  }

  /**
   * Carries a {@link KeyRejection} as the cause of the {@link VenueException} a request failed with, so that
   * {@link #of} finds which API refused the key (the code alone does not say).
   */
  public static final class Carrier extends RuntimeException {
    private final KeyRejection rejection;

    public Carrier(KeyRejection rejection) {
      super(rejection.message(), null, false, false);
      this.rejection = rejection;
    }

    public KeyRejection rejection() {
      return rejection;
    }
  }

  private static final Map<Venue, Set<String>> CODES =
      Map.of(
          Venue.BINANCE, Set.of("-1022", "-2014", "-2015"),
          Venue.UPBIT,
          Set.of("jwt_verification", "invalid_access_key", "expired_access_key", "no_authorization_ip", "out_of_scope"));

  /** The key rejection {@code failure} is, if it is one. */
  public static Optional<KeyRejection> of(Throwable failure) {
    for (Throwable c = failure; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof Carrier carrier) {
        return Optional.of(carrier.rejection());
      }
    }
    VenueException ve = VenueException.classify(null, failure);
    if (ve.venue() == null || ve.code() == null || !CODES.getOrDefault(ve.venue(), Set.of()).contains(ve.code())) {
      return Optional.empty();
    }
    return Optional.of(new KeyRejection(ve.venue(), ve.code(), ve.getMessage()));
  }

  /** Whether {@code code} from {@code venue} is a rejection of the key. */
  public static boolean isKeyRejection(Venue venue, String code) {
    return CODES.getOrDefault(venue, Set.of()).contains(code);
  }

  /** The settings (and environment variables) that hold the key. */
  public String keySettings() {
    if (api == Api.FUTURES) {
      return "kimp.exchanges.binance.api-key / kimp.exchanges.binance.secret-key (env BINANCE_API_KEY / "
          + "BINANCE_SECRET_KEY), used for futures while kimp.hedge.enabled = true";
    }
    return venue == Venue.UPBIT
        ? "kimp.exchanges.upbit.access-key / kimp.exchanges.upbit.secret-key (env UPBIT_ACCESS_KEY / UPBIT_SECRET_KEY)"
        : "kimp.exchanges.binance.api-key / kimp.exchanges.binance.secret-key (env BINANCE_API_KEY / BINANCE_SECRET_KEY)";
  }

  /** What the code means to the operator: what to check first. */
  public String whatToCheck() {
    if (api == Api.FUTURES && "-2015".equals(code)) {
      return "the futures API (/fapi) refused the key: enable futures on the key (Binance API management: "
          + "\"Enable Futures\"; the account needs a USDT-M futures wallet), check this IP is on its allow-list, or turn "
          + "the hedge off (kimp.hedge.enabled = false)";
    }
    switch (code) {
      case "-1022":
      case "jwt_verification":
        return "the secret key does not sign correctly: check that the secret matches the key";
      case "-2014":
      case "invalid_access_key":
        return "the venue does not know this key: check the key (copied whole, not deleted at the venue)";
      case "expired_access_key":
        return "the key has expired: issue a new one at Upbit";
      case "no_authorization_ip":
        return "this machine's IP is not on the key's IP allow-list: add it at the venue";
      case "out_of_scope":
        return "the key lacks a permission: enable trading (orders) and withdrawals for it";
      default: // -2015
        return "the key, this machine's IP (allow-list) or the key's permissions were refused: check the key, add this "
            + "IP to its allow-list, and enable spot trading and withdrawals";
    }
  }

  /** One line for the operator: venue, code, the key's settings and what to check. */
  public String message() {
    return "check your API key: " + venue + (api == Api.FUTURES ? " futures" : "") + " rejected it (" + code + "): "
        + whatToCheck() + "; set in " + keySettings();
  }
}
