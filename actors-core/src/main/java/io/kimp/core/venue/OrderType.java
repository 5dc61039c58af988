package io.kimp.core.venue;

public enum OrderType {
  MARKET,
  LIMIT
}
