package io.kimp.core.venue;

import io.kimp.core.market.Venue;
import java.util.EnumMap;
import java.util.Map;

/** The gateway of each venue. */
public final class Venues {
  private final Map<Venue, ExchangeGateway> gateways = new EnumMap<>(Venue.class);

  public Venues(ExchangeGateway upbit, ExchangeGateway binance) {
    if (upbit.venue() != Venue.UPBIT || binance.venue() != Venue.BINANCE) {
      throw new IllegalArgumentException("gateways given for the wrong venues");
    }
    gateways.put(Venue.UPBIT, upbit);
    gateways.put(Venue.BINANCE, binance);
  }

  public ExchangeGateway of(Venue venue) {
    return gateways.get(venue);
  }
}
