package io.kimp.simulator;

/** The simulator's wire texts, for benchmarks and tests that need venue-shaped frames without a connection. */
public final class WireFormats {
  private WireFormats() {}

  /** An Upbit frame (ticker, trade or orderbook by the update's kind) in SIMPLE or DEFAULT keys. */
  public static String upbit(MarketUpdate u, boolean simple) {
    return UpbitWire.format(u, simple);
  }

  /** A Binance frame in the combined-stream wrapper ({@code depth5@100ms} for depth). */
  public static String binanceCombined(MarketUpdate u) {
    return BinanceWire.wrapped(BinanceWire.stream(u, "depth5@100ms"), BinanceWire.payload(u));
  }

  /** A raw ({@code /ws/<stream>}) Binance payload. */
  public static String binanceRaw(MarketUpdate u) {
    return BinanceWire.payload(u);
  }
}
