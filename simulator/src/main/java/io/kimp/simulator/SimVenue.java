package io.kimp.simulator;

/** The venues the simulator speaks for. */
public enum SimVenue {
  UPBIT,
  BINANCE
}
