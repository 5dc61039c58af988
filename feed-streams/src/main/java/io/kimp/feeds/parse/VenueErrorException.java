package io.kimp.feeds.parse;

/** The venue sent an error message on the market-data connection: the connection fails and is re-established. */
public final class VenueErrorException extends RuntimeException {
  private final String errorName;

  public VenueErrorException(String venue, String errorName, String message) {
    super(venue + " error " + errorName + ": " + message);
    this.errorName = errorName;
  }

  public String errorName() {
    return errorName;
  }
}
