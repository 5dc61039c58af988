package io.kimp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Upbit's quotation wire format, as the simulator writes it: ticker, trade and orderbook messages in DEFAULT or SIMPLE
 * keys, the subscription request it accepts, and the error message it answers a bad request with.
 */
final class UpbitWire {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UpbitWire() {}

  /** A parsed subscription request {@code [{"ticket":…},{"type":…,"codes":[…]}…,{"format":…}]}. */
  record Subscription(Set<String> types, Set<String> codes, boolean simple) {
    boolean wants(String type, String code) {
      return types.contains(type) && codes.contains(code);
    }
  }

  /** Thrown for a request Upbit would refuse: {@code name} is Upbit's error name. */
  static final class Refused extends Exception {
    final String name;

    Refused(String name, String message) {
      super(message);
      this.name = name;
    }
  }

  static Subscription parse(String request) throws Refused {
    JsonNode root;
    try {
      root = JSON.readTree(request);
    } catch (Exception e) {
      throw new Refused("WRONG_FORMAT", "요청 형식이 올바르지 않습니다.");
    }
    if (root == null || !root.isArray()) {
      throw new Refused("WRONG_FORMAT", "요청 형식이 올바르지 않습니다.");
    }
    boolean ticket = false;
    boolean simple = false;
    Set<String> types = new LinkedHashSet<>();
    Set<String> codes = new LinkedHashSet<>();
    for (JsonNode n : root) {
      if (n.has("ticket")) {
        ticket = true;
      } else if (n.has("format")) {
        String f = n.get("format").asText().toUpperCase(Locale.ROOT);
        simple = f.startsWith("SIMPLE");
      } else if (n.has("type")) {
        String type = n.get("type").asText();
        if (!Set.of("ticker", "trade", "orderbook").contains(type)) {
          throw new Refused("INVALID_PARAM", "지원하지 않는 타입입니다: " + type);
        }
        JsonNode c = n.get("codes");
        if (c == null || !c.isArray() || c.isEmpty()) {
          throw new Refused("NO_CODES", "codes 필드가 누락되었습니다.");
        }
        types.add(type);
        for (JsonNode code : c) {
          String s = code.asText();
          if (!s.equals(s.toUpperCase(Locale.ROOT))) {
            throw new Refused("INVALID_PARAM", "코드는 대문자여야 합니다: " + s);
          }
          int dot = s.indexOf('.');
          codes.add(dot > 0 ? s.substring(0, dot) : s);
        }
      }
    }
    if (!ticket) {
      throw new Refused("NO_TICKET", "ticket 필드가 누락되었습니다.");
    }
    if (types.isEmpty()) {
      throw new Refused("NO_TYPE", "type 필드가 누락되었습니다.");
    }
    return new Subscription(types, codes, simple);
  }

  static String error(String name, String message) {
    return "{\"error\":{\"name\":\"" + name + "\",\"message\":\"" + message.replace("\"", "'") + "\"}}";
  }

  static String type(MarketUpdate u) {
    return type(u.kind());
  }

  static String type(MarketUpdate.Kind kind) {
    switch (kind) {
      case TICKER:
        return "ticker";
      case TRADE:
        return "trade";
      default:
        return "orderbook";
    }
  }

  static String format(MarketUpdate u, boolean simple) {
    String code = "KRW-" + u.coin();
    StringBuilder b = new StringBuilder(simple ? 200 : 420);
    switch (u.kind()) {
      case TICKER:
        if (simple) {
          b.append("{\"ty\":\"ticker\",\"cd\":\"").append(code).append("\",\"op\":");
          Decimals.append(b, u.price(), 2)
              .append(",\"hp\":");
          Decimals.append(b, u.price(), 2).append(",\"lp\":");
          Decimals.append(b, u.price(), 2).append(",\"tp\":")
              ;
          Decimals.append(b, u.price(), 2).append(",\"pcp\":");
          Decimals.append(b, u.price(), 2).append(",\"c\":\"EVEN\",\"cp\":0,\"scp\":0,")
              .append("\"cr\":0,\"scr\":0,\"tv\":");
          Decimals.append(b, u.size(), 8).append(",\"atv\":1000.5,\"atv24h\":2000.25,")
              .append("\"atp\":");
          Decimals.append(b, u.volume24h() / 2, 2).append(",\"atp24h\":");
          Decimals.append(b, u.volume24h(), 2)
              .append(",\"tdt\":\"20250101\",\"ttm\":\"000000\",\"ttms\":").append(u.ts())
              .append(",\"ab\":\"BID\",\"aav\":500.1,\"abv\":500.2,\"h52wp\":");
          Decimals.append(b, u.price() * 2, 2)
              .append(",\"h52wdt\":\"2024-12-01\",\"l52wp\":");
          Decimals.append(b, u.price() / 2, 2)
              .append(",\"l52wdt\":\"2024-06-01\",\"ms\":\"ACTIVE\",\"its\":false,\"dd\":null,\"mw\":\"NONE\",\"tms\":")
              .append(u.ts()).append(",\"st\":\"REALTIME\"}");
        } else {
          b.append("{\"type\":\"ticker\",\"code\":\"").append(code).append("\",\"opening_price\":");
          Decimals.append(b, u.price(), 2)
              .append(",\"high_price\":");
          Decimals.append(b, u.price(), 2).append(",\"low_price\":");
          Decimals.append(b, u.price(), 2)
              .append(",\"trade_price\":");
          Decimals.append(b, u.price(), 2).append(",\"prev_closing_price\":");
          Decimals.append(b, u.price(), 2)
              .append(",\"change\":\"EVEN\",\"change_price\":0,\"signed_change_price\":0,\"change_rate\":0,")
              .append("\"signed_change_rate\":0,\"trade_volume\":");
          Decimals.append(b, u.size(), 8)
              .append(",\"acc_trade_volume\":1000.5,\"acc_trade_volume_24h\":2000.25,\"acc_trade_price\":")
              ;
          Decimals.append(b, u.volume24h() / 2, 2).append(",\"acc_trade_price_24h\":");
          Decimals.append(b, u.volume24h(), 2)
              .append(",\"trade_date\":\"20250101\",\"trade_time\":\"000000\",\"trade_timestamp\":").append(u.ts())
              .append(",\"ask_bid\":\"BID\",\"acc_ask_volume\":500.1,\"acc_bid_volume\":500.2,")
              .append("\"highest_52_week_price\":");
          Decimals.append(b, u.price() * 2, 2)
              .append(",\"highest_52_week_date\":\"2024-12-01\",\"lowest_52_week_price\":");
          Decimals.append(b, u.price() / 2, 2)
              .append(",\"lowest_52_week_date\":\"2024-06-01\",\"market_state\":\"ACTIVE\",")
              .append("\"is_trading_suspended\":false,\"delisting_date\":null,\"market_warning\":\"NONE\",")
              .append("\"timestamp\":").append(u.ts()).append(",\"stream_type\":\"REALTIME\"}");
        }
        break;
      case TRADE:
        if (simple) {
          b.append("{\"ty\":\"trade\",\"cd\":\"").append(code).append("\",\"tms\":").append(u.ts())
              .append(",\"td\":\"2025-01-01\",\"ttm\":\"00:00:00\",\"ttms\":").append(u.ts()).append(",\"tp\":")
              ;
          Decimals.append(b, u.price(), 2).append(",\"tv\":");
          Decimals.append(b, u.size(), 8).append(",\"ab\":\"BID\",\"pcp\":")
              ;
          Decimals.append(b, u.price(), 2).append(",\"c\":\"EVEN\",\"cp\":0,\"sid\":").append(u.seq())
              .append(",\"st\":\"REALTIME\"}");
        } else {
          b.append("{\"type\":\"trade\",\"code\":\"").append(code).append("\",\"timestamp\":").append(u.ts())
              .append(",\"trade_date\":\"2025-01-01\",\"trade_time\":\"00:00:00\",\"trade_timestamp\":")
              .append(u.ts()).append(",\"trade_price\":");
          Decimals.append(b, u.price(), 2).append(",\"trade_volume\":")
              ;
          Decimals.append(b, u.size(), 8).append(",\"ask_bid\":\"BID\",\"prev_closing_price\":");
          Decimals.append(b, u.price(), 2)
              .append(",\"change\":\"EVEN\",\"change_price\":0,\"sequential_id\":").append(u.seq())
              .append(",\"stream_type\":\"REALTIME\"}");
        }
        break;
      default:
        // five levels around the top, one tick apart
        double tick = Math.max(u.ask() - u.bid(), u.bid() * 1e-5);
        if (simple) {
          b.append("{\"ty\":\"orderbook\",\"cd\":\"").append(code).append("\",\"tms\":").append(u.ts())
              .append(",\"tas\":");
          Decimals.append(b, u.askSize() * 5, 8).append(",\"tbs\":");
          Decimals.append(b, u.bidSize() * 5, 8)
              .append(",\"obu\":[");
          for (int i = 0; i < 5; i++) {
            if (i > 0) {
              b.append(',');
            }
            b.append("{\"ap\":");
          Decimals.append(b, u.ask() + i * tick, 2).append(",\"bp\":");
          Decimals.append(b, u.bid() - i * tick, 2)
                .append(",\"as\":");
          Decimals.append(b, u.askSize(), 8).append(",\"bs\":");
          Decimals.append(b, u.bidSize(), 8).append('}');
          }
          b.append("],\"st\":\"REALTIME\",\"lv\":0}");
        } else {
          b.append("{\"type\":\"orderbook\",\"code\":\"").append(code).append("\",\"timestamp\":").append(u.ts())
              .append(",\"total_ask_size\":");
          Decimals.append(b, u.askSize() * 5, 8).append(",\"total_bid_size\":")
              ;
          Decimals.append(b, u.bidSize() * 5, 8).append(",\"orderbook_units\":[");
          for (int i = 0; i < 5; i++) {
            if (i > 0) {
              b.append(',');
            }
            b.append("{\"ask_price\":");
          Decimals.append(b, u.ask() + i * tick, 2).append(",\"bid_price\":")
                ;
          Decimals.append(b, u.bid() - i * tick, 2).append(",\"ask_size\":");
          Decimals.append(b, u.askSize(), 8).append(",\"bid_size\":")
                ;
          Decimals.append(b, u.bidSize(), 8).append('}');
          }
          b.append("],\"stream_type\":\"REALTIME\",\"level\":0}");
        }
    }
    return b.toString();
  }
}
