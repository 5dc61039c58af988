package io.kimp.simulator;

import java.util.Locale;

/** Binance's market-stream payloads and the combined-stream wrapper, as the simulator writes them. */
final class BinanceWire {
  private BinanceWire() {}

  /** The stream an update belongs to: {@code xrpusdt@bookTicker} etc. */
  static String stream(MarketUpdate u, String depthName) {
    return stream(u.coin(), u.kind(), depthName);
  }

  static String stream(String coin, MarketUpdate.Kind kind, String depthName) {
    String sym = coin.toLowerCase(Locale.ROOT) + "usdt";
    switch (kind) {
      case TRADE:
        return sym + "@trade";
      case TICKER:
        return sym + "@miniTicker";
      case DEPTH:
        return sym + "@" + depthName;
      default:
        return sym + "@bookTicker";
    }
  }

  static String payload(MarketUpdate u) {
    String sym = u.coin() + "USDT";
    StringBuilder b = new StringBuilder(160);
    switch (u.kind()) {
      case TRADE:
        b.append("{\"e\":\"trade\",\"E\":").append(u.ts()).append(",\"s\":\"").append(sym).append("\",\"t\":")
            .append(u.seq()).append(",\"p\":\"");
          Decimals.append(b, u.price(), 8).append("\",\"q\":\"");
          Decimals.append(b, u.size(), 8)
            .append("\",\"T\":").append(u.ts()).append(",\"m\":true,\"M\":true}");
        break;
      case TICKER:
        b.append("{\"e\":\"24hrMiniTicker\",\"E\":").append(u.ts()).append(",\"s\":\"").append(sym)
            .append("\",\"c\":\"");
          Decimals.append(b, u.price(), 8).append("\",\"o\":\"");
          Decimals.append(b, u.price(), 8).append("\",\"h\":\"")
            ;
          Decimals.append(b, u.price(), 8).append("\",\"l\":\"");
          Decimals.append(b, u.price(), 8).append("\",\"v\":\"")
            ;
          Decimals.append(b, u.volume24h() / u.price(), 8).append("\",\"q\":\"");
          Decimals.append(b, u.volume24h(), 8).append("\"}");
        break;
      case DEPTH:
        {
          double tick = Math.max(u.ask() - u.bid(), u.bid() * 1e-5);
          b.append("{\"lastUpdateId\":").append(u.seq()).append(",\"bids\":[");
          for (int i = 0; i < 5; i++) {
            b.append(i > 0 ? "," : "").append("[\"");
          Decimals.append(b, u.bid() - i * tick, 8).append("\",\"")
                ;
          Decimals.append(b, u.bidSize(), 8).append("\"]");
          }
          b.append("],\"asks\":[");
          for (int i = 0; i < 5; i++) {
            b.append(i > 0 ? "," : "").append("[\"");
          Decimals.append(b, u.ask() + i * tick, 8).append("\",\"")
                ;
          Decimals.append(b, u.askSize(), 8).append("\"]");
          }
          b.append("]}");
          break;
        }
      default:
        b.append("{\"u\":").append(u.seq()).append(",\"s\":\"").append(sym).append("\",\"b\":\"");
          Decimals.append(b, u.bid(), 8)
            .append("\",\"B\":\"");
          Decimals.append(b, u.bidSize(), 8).append("\",\"a\":\"");
          Decimals.append(b, u.ask(), 8).append("\",\"A\":\"")
            ;
          Decimals.append(b, u.askSize(), 8).append("\"}");
    }
    return b.toString();
  }

  static String wrapped(String stream, String payload) {
    return "{\"stream\":\"" + stream + "\",\"data\":" + payload + "}";
  }

  static String serverShutdown(long now) {
    return "{\"event\":{\"e\":\"serverShutdown\",\"E\":" + now + "}}";
  }
}
