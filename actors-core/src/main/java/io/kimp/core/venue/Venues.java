package io.kimp.core.venue;

import io.kimp.core.market.Venue;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The gateway of each venue, and the perpetual-futures venue the transfer hedge uses, when there is one. */
public final class Venues {
  private final Map<Venue, ExchangeGateway> gateways = new EnumMap<>(Venue.class);
  private final PerpetualGateway perpetual;

  public Venues(ExchangeGateway upbit, ExchangeGateway binance) {
    this(upbit, binance, null);
  }

  /** @param perpetual the hedge's futures venue, or null when the hedge is off */
  public Venues(ExchangeGateway upbit, ExchangeGateway binance, PerpetualGateway perpetual) {
    if (upbit.venue() != Venue.UPBIT || binance.venue() != Venue.BINANCE) {
      throw new IllegalArgumentException("gateways given for the wrong venues");
    }
    gateways.put(Venue.UPBIT, upbit);
    gateways.put(Venue.BINANCE, binance);
    this.perpetual = perpetual;
  }

  public ExchangeGateway of(Venue venue) {
    return gateways.get(venue);
  }

  /** The perpetual-futures venue of the transfer hedge; empty when the hedge is off. */
  public Optional<PerpetualGateway> perpetual() {
    return Optional.ofNullable(perpetual);
  }

  /** These venues with {@code perpetual} as the hedge's futures venue. */
  public Venues withPerpetual(PerpetualGateway perpetual) {
    return new Venues(gateways.get(Venue.UPBIT), gateways.get(Venue.BINANCE), perpetual);
  }
}
