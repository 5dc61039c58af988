package io.kimp.core.market;

/** The two venues kimp trades between, with the currency each one quotes coins in. */
public enum Venue {
  UPBIT("KRW"),
  BINANCE("USDT");

  private final String quoteCurrency;

  Venue(String quoteCurrency) {
    this.quoteCurrency = quoteCurrency;
  }

  public String quoteCurrency() {
    return quoteCurrency;
  }

  public Venue other() {
    return this == UPBIT ? BINANCE : UPBIT;
  }
}
