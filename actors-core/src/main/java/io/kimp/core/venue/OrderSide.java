package io.kimp.core.venue;

public enum OrderSide {
  BUY,
  SELL
}
