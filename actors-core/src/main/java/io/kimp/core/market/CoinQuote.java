package io.kimp.core.market;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Top of book for one coin on both venues: Upbit in KRW, Binance in USDT, plus the rates used to compare them.
 *
 * @param usdtKrw the live USDT/KRW rate (Upbit KRW-USDT) the premium is computed against
 */
public record CoinQuote(
    String coin,
    BigDecimal upbitBid,
    BigDecimal upbitAsk,
    BigDecimal binanceBid,
    BigDecimal binanceAsk,
    BigDecimal usdtKrw,
    Instant observedAt)
    implements CborSerializable {

  public BigDecimal bid(Venue venue) {
    return venue == Venue.UPBIT ? upbitBid : binanceBid;
  }

  public BigDecimal ask(Venue venue) {
    return venue == Venue.UPBIT ? upbitAsk : binanceAsk;
  }
}
