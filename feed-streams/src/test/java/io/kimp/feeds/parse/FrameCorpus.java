package io.kimp.feeds.parse;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.kimp.feeds.binance.BinanceParserTest;
import io.kimp.feeds.upbit.UpbitParserTest;
import io.kimp.simulator.MarketUpdate;
import io.kimp.simulator.MarketUpdate.Kind;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.WireFormats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Venue frames for differential testing: valid ones of every shape kimp reads (the simulator's wire texts over random
 * prices, the venues' documented examples, control and error messages), and mutations of them, structural (members
 * reordered, renamed to their other-format alias, removed, duplicated, added with nested values; values replaced by odd
 * ones of every type; numbers reformatted; books crossed; arrays emptied, grown, broken; symbols and types unknown) and
 * textual (truncated, bytes inserted, deleted or replaced, whitespace, a byte-order mark, trailing garbage, non-ASCII).
 * Seeded: the same seed gives the same corpus.
 */
final class FrameCorpus {
  /** One frame: its text, whether it is sent as bytes (UTF-8) or text, and whether it was mutated. */
  record Frame(String text, boolean binary, boolean mutated) {}

  private static final ObjectMapper TREE =
      JsonMapper.builder()
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();

  private static final List<String> ODD_VALUES =
      List.of(
          "NaN", "\"NaN\"", "-1", "0", "-0", "-0.0", "\"-0\"", "\"0\"", "1e400", "\"1e400\"", "-1e400", "1e-400", "\"abc\"",
          "null", "true", "false", "{}", "[]", "{\"x\":1}", "[1,2]", "01", "1.", ".5", "+1", "\"\"", "\" 1\"", "\"1 \"",
          "\"0x10\"", "\"1_0\"", "123456789012345678901234567890", "\"123456789012345678901234567890\"", "1E5", "\"1e5\"",
          "2.5E-3", "\"Infinity\"", "Infinity", "-", "\"-\"", "1e", "1e+", "\"1d\"", "\"1f\"", "9223372036854775807",
          "9223372036854775808", "-9223372036854775809", "1.7976931348623157E309", "4.9E-324", "\"\\u0031\"",
          "\"\\u00e9\"", "\"\u00e9\"", "\"a\\\"b\"", "0.1e1", "100000000000000000000000000000.5",
          "0.000000000000000000000000123456789", "1234567890123456789", "12345678901234567.25");

  private static final List<String> ODD_TYPES =
      List.of(
          "candle.1s", "depthUpdate", "kline", "serverShutdown", "bookTicker", "TICKER", "ticker ", "", "24hrMiniTickerX",
          "orderbook", "trade", "ticker", "24hrTicker", "24hrMiniTicker");

  private static final List<String[]> ALIASES =
      List.of(
          new String[] {"type", "ty"}, new String[] {"code", "cd"}, new String[] {"trade_price", "tp"},
          new String[] {"trade_volume", "tv"}, new String[] {"acc_trade_price_24h", "atp24h"},
          new String[] {"timestamp", "tms"}, new String[] {"trade_timestamp", "ttms"},
          new String[] {"orderbook_units", "obu"}, new String[] {"ask_price", "ap"}, new String[] {"bid_price", "bp"},
          new String[] {"ask_size", "as"}, new String[] {"bid_size", "bs"}, new String[] {"u", "lastUpdateId"},
          new String[] {"stream", "data"}, new String[] {"data", "event"}, new String[] {"e", "E"},
          new String[] {"b", "a"}, new String[] {"B", "A"}, new String[] {"p", "c"}, new String[] {"s", "stream"},
          new String[] {"bids", "asks"}, new String[] {"t", "T"}, new String[] {"status", "type"},
          new String[] {"error", "code"}, new String[] {"msg", "s"}, new String[] {"result", "u"});

  private final SplittableRandom r;
  private final List<String> coins;

  FrameCorpus(long seed, List<String> coins) {
    this.r = new SplittableRandom(seed);
    this.coins = coins;
  }

  // ---------------------------------------------------------------- valid frames

  /** A valid Upbit frame: simulator ticker/trade/orderbook in either format, a documented example, or control/error. */
  String validUpbit() {
    int pick = r.nextInt(100);
    if (pick < 6) {
      return List.of(
              UpbitParserTest.DOC_TICKER_DEFAULT, UpbitParserTest.DOC_TICKER_SIMPLE, UpbitParserTest.DOC_TRADE_DEFAULT,
              UpbitParserTest.DOC_TRADE_SIMPLE, UpbitParserTest.DOC_ORDERBOOK_DEFAULT, UpbitParserTest.DOC_ORDERBOOK_SIMPLE)
          .get(r.nextInt(6))
          .replace("KRW-BTC", "KRW-" + coin());
    }
    if (pick < 8) {
      return r.nextBoolean()
          ? "{\"status\":\"UP\"}"
          : "{\"error\":{\"name\":\"INVALID_PARAM\",\"message\":\"\uc798\ubabb\ub41c \uc694\uccad\"}}";
    }
    Kind kind = List.of(Kind.TICKER, Kind.TRADE, Kind.BOOK).get(r.nextInt(3));
    String coin = r.nextInt(20) == 0 ? "USDT" : coin();
    return WireFormats.upbit(update(SimVenue.UPBIT, kind, coin, 1400 * price()), r.nextBoolean());
  }

  /** A valid Binance frame: simulator payloads wrapped or raw, a documented example, or control/error. */
  String validBinance() {
    int pick = r.nextInt(100);
    String sym = coin().toLowerCase() + "usdt";
    if (pick < 6) {
      String[] docs = {
        BinanceParserTest.DOC_BOOK_TICKER, BinanceParserTest.DOC_TRADE, BinanceParserTest.DOC_DEPTH,
        BinanceParserTest.DOC_MINI_TICKER
      };
      String[] streams = {"@bookTicker", "@trade", "@depth5@100ms", "@miniTicker"};
      int i = r.nextInt(4);
      String payload = docs[i].replace("BNBUSDT", sym.toUpperCase());
      return r.nextBoolean() ? payload : "{\"stream\":\"" + sym + streams[i] + "\",\"data\":" + payload + "}";
    }
    if (pick < 9) {
      return List.of(
              "{\"result\":null,\"id\":1}", "{\"event\":{\"e\":\"serverShutdown\",\"E\":1770123456789}}",
              "{\"stream\":\"serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1}}",
              "{\"code\":2,\"msg\":\"Invalid request\"}")
          .get(r.nextInt(4));
    }
    Kind kind = List.of(Kind.BOOK, Kind.BOOK, Kind.TRADE, Kind.DEPTH, Kind.TICKER).get(r.nextInt(5));
    MarketUpdate u = update(SimVenue.BINANCE, kind, coin(), price());
    return r.nextInt(4) == 0 ? WireFormats.binanceRaw(u) : WireFormats.binanceCombined(u);
  }

  private String coin() {
    return coins.get(r.nextInt(coins.size()));
  }

  /** Prices over many magnitudes, so that numbers take both the exact and the long-mantissa paths. */
  private double price() {
    return Math.pow(10, r.nextDouble(-6, 6)) * (1 + r.nextDouble());
  }

  private MarketUpdate update(SimVenue v, Kind kind, String coin, double mid) {
    double half = mid * r.nextDouble(1e-6, 1e-3);
    double size = r.nextDouble(0, 1e6) / mid;
    return new MarketUpdate(v, kind, coin, mid - half, size, mid + half, size * r.nextDouble(), mid, size / 100,
        r.nextDouble(1e3, 1e13), r.nextLong(0, 1L << 40), r.nextLong(1_600_000_000_000L, 1_800_000_000_000L), 0);
  }

  // ---------------------------------------------------------------- mutations

  /** {@code valid}, mutated with probability {@code p} (structurally and/or textually). */
  Frame frame(String valid, boolean binaryByDefault, double p) {
    boolean binary = r.nextInt(8) == 0 ? !binaryByDefault : binaryByDefault;
    if (r.nextDouble() >= p) {
      return new Frame(valid, binary, false);
    }
    String text = valid;
    int how = r.nextInt(10);
    if (how < 7) {
      Object tree = tree(valid);
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        mutate(tree);
      }
      text = write(tree, r.nextInt(4) == 0 ? 0.2 : 0);
    }
    if (how >= 5) {
      text = mutateText(text);
    }
    return new Frame(text, binary, true);
  }

  private String mutateText(String s) {
    switch (r.nextInt(9)) {
      case 0:
        return s.substring(0, r.nextInt(Math.max(1, s.length())));
      case 1:
        {
          int i = r.nextInt(s.length());
          return s.substring(0, i) + s.substring(i + 1);
        }
      case 2:
        {
          int i = r.nextInt(s.length() + 1);
          String ins = String.valueOf("\"',:{}[]\\ x0-.eE\u0000\u00e9\t\n1}".charAt(r.nextInt(22)));
          return s.substring(0, i) + ins + s.substring(i);
        }
      case 3:
        {
          int i = r.nextInt(s.length());
          char c = "\"',:{}[]\\ x0-.eE\u0000\u00e9\t\n1}".charAt(r.nextInt(22));
          return s.substring(0, i) + c + s.substring(i + 1);
        }
      case 4:
        return s + List.of(" ", "\n", "x", "}", "{}", ",", " \t\r\n", "garbage").get(r.nextInt(8));
      case 5:
        return "\uFEFF" + s;
      case 6:
        return List.of(" ", "\n\t", "\r\n ").get(r.nextInt(3)) + s;
      case 7:
        return s.replace("\"", "'");
      default:
        return s.replace(",", ", ").replace(":", " : ");
    }
  }

  private Object tree(String json) {
    try {
      return convert(TREE.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object convert(JsonNode n) {
    if (n.isObject()) {
      Obj o = new Obj();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        o.members.add(new Object[] {e.getKey(), convert(e.getValue())});
      }
      return o;
    }
    if (n.isArray()) {
      Arr a = new Arr();
      for (JsonNode x : n) {
        a.items.add(convert(x));
      }
      return a;
    }
    if (n.isNumber()) {
      return new Raw(n.numberValue() instanceof BigDecimal d ? d.toString() : n.numberValue().toString());
    }
    if (n.isTextual()) {
      return new Raw(quote(n.textValue()));
    }
    return new Raw(n.toString()); // true, false, null
  }

  private static String quote(String s) {
    try {
      return TREE.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One structural mutation somewhere in the tree. */
  private void mutate(Object root) {
    List<Object> containers = new ArrayList<>();
    collect(root, containers);
    Object c = containers.get(r.nextInt(containers.size()));
    if (c instanceof Obj o) {
      mutateObject(o);
    } else {
      mutateArray((Arr) c);
    }
  }

  private static void collect(Object n, List<Object> out) {
    if (n instanceof Obj o) {
      out.add(o);
      for (Object[] m : o.members) {
        collect(m[1], out);
      }
    } else if (n instanceof Arr a) {
      out.add(a);
      for (Object x : a.items) {
        collect(x, out);
      }
    }
  }

  private void mutateObject(Obj o) {
    List<Object[]> ms = o.members;
    int k = ms.isEmpty() ? 0 : r.nextInt(ms.size());
    switch (ms.isEmpty() ? 5 : r.nextInt(12)) {
      case 0: // reorder
        for (int i = ms.size() - 1; i > 0; i--) {
          int j = r.nextInt(i + 1);
          Object[] t = ms.get(i);
          ms.set(i, ms.get(j));
          ms.set(j, t);
        }
        return;
      case 1: // the other format's name (or a neighbour's)
        {
          String key = (String) ms.get(k)[0];
          for (String[] al : ALIASES) {
            if (al[0].equals(key) || al[1].equals(key)) {
              ms.get(k)[0] = al[0].equals(key) ? al[1] : al[0];
              return;
            }
          }
          ms.get(k)[0] = key + "_x";
          return;
        }
      case 2:
        ms.remove(k);
        return;
      case 3: // the same member twice, same or other value
        ms.add(r.nextInt(ms.size() + 1), new Object[] {ms.get(k)[0], r.nextBoolean() ? ms.get(k)[1] : oddValue()});
        return;
      case 4:
      case 5: // an unknown member
        ms.add(r.nextInt(ms.size() + 1), new Object[] {unknownName(), randomValue(0)});
        return;
      case 6:
      case 7:
        ms.get(k)[1] = oddValue();
        return;
      case 8: // a number reformatted (mostly the same value)
        for (Object[] m : ms) {
          if (m[1] instanceof Raw raw && isNumber(raw.text)) {
            m[1] = new Raw(reformat(raw.text));
            if (r.nextBoolean()) {
              return;
            }
          }
        }
        return;
      case 9: // two numbers swapped: crossed books, swapped price/size
        {
          List<Object[]> nums = new ArrayList<>();
          for (Object[] m : ms) {
            if (m[1] instanceof Raw raw && (isNumber(raw.text) || isNumber(unquote(raw.text)))) {
              nums.add(m);
            }
          }
          if (nums.size() >= 2) {
            Object[] a = nums.get(r.nextInt(nums.size()));
            Object[] b = nums.get(r.nextInt(nums.size()));
            Object t = a[1];
            a[1] = b[1];
            b[1] = t;
          }
          return;
        }
      case 10: // unknown or other message type / symbol
        for (Object[] m : ms) {
          String key = (String) m[0];
          if (key.equals("ty") || key.equals("type") || key.equals("e")) {
            m[1] = new Raw(quote(ODD_TYPES.get(r.nextInt(ODD_TYPES.size()))));
          } else if (key.equals("cd") || key.equals("code")) {
            m[1] = new Raw(quote(List.of("KRW-NOSUCH", "KRW-", "BTC-ETH", "krw-btc", "KRW-USDT", "KRW-XRP").get(r.nextInt(6))));
          } else if (key.equals("s") || key.equals("stream")) {
            m[1] = new Raw(quote(List.of("NOSUCHUSDT", "xrpusdt@trade", "@bookTicker", "XRPUSDT", "xrp", "", "@x@y",
                    "btcusdt@depth5@100ms", "USDT").get(r.nextInt(9))));
          }
        }
        return;
      default: // a nested value made deep
        ms.get(k)[1] = deep(1 + r.nextInt(24));
    }
  }

  private void mutateArray(Arr a) {
    List<Object> xs = a.items;
    switch (xs.isEmpty() ? 3 : r.nextInt(6)) {
      case 0:
        xs.remove(r.nextInt(xs.size()));
        return;
      case 1:
        xs.clear();
        return;
      case 2: // grown past the levels a parser keeps
        {
          Object x = xs.get(0);
          int n = 60 + r.nextInt(10);
          while (xs.size() < n) {
            xs.add(x);
          }
          return;
        }
      case 3:
        xs.add(r.nextInt(xs.size() + 1), r.nextBoolean() ? oddValue() : randomValue(0));
        return;
      case 4:
        xs.set(r.nextInt(xs.size()), oddValue());
        return;
      default:
        {
          Object x = xs.get(r.nextInt(xs.size()));
          xs.add(r.nextInt(xs.size() + 1), x);
        }
    }
  }

  private Raw oddValue() {
    return new Raw(ODD_VALUES.get(r.nextInt(ODD_VALUES.size())));
  }

  private String unknownName() {
    return List.of("x", "extra", "st", "lv", "m", "M", "o", "h", "sid", "status", "result", "id", "msg", "ab", "\u00e9",
            "a\\\"b", "stream", "data", "event", "error", "E", "T")
        .get(r.nextInt(22));
  }

  private Object randomValue(int depth) {
    int k = r.nextInt(depth > 3 ? 4 : 7);
    switch (k) {
      case 0:
        return new Raw(quote(List.of("REALTIME", "x y", "\u00e9\u00e8", "a\"b", "tab\there", "\u0001", "", "{}[],:")
            .get(r.nextInt(8))));
      case 1:
        return new Raw(String.valueOf(r.nextInt(-1000, 1000)));
      case 2:
        return new Raw(reformat("1.5"));
      case 3:
        return new Raw(List.of("true", "false", "null").get(r.nextInt(3)));
      case 4:
        {
          Obj o = new Obj();
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            o.members.add(new Object[] {unknownName(), randomValue(depth + 1)});
          }
          return o;
        }
      default:
        {
          Arr a = new Arr();
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            a.items.add(randomValue(depth + 1));
          }
          return a;
        }
    }
  }

  private Object deep(int depth) {
    Object v = new Raw("1");
    for (int i = 0; i < depth; i++) {
      if (r.nextBoolean()) {
        Arr a = new Arr();
        a.items.add(v);
        v = a;
      } else {
        Obj o = new Obj();
        o.members.add(new Object[] {"d", v});
        v = o;
      }
    }
    return v;
  }

  /** The same number in another valid spelling, or another valid number (long mantissas, exponents, zeros). */
  private String reformat(String num) {
    boolean quoted = num.startsWith("\"");
    String n = quoted ? unquote(num) : num;
    BigDecimal d;
    try {
      d = new BigDecimal(n);
    } catch (NumberFormatException e) {
      return num;
    }
    String out;
    switch (r.nextInt(8)) {
      case 0:
        out = d.toString();
        break;
      case 1:
        out = d.toPlainString() + (d.scale() > 0 ? "000" : "");
        break;
      case 2:
        out = Double.toString(d.doubleValue()).replace("E", r.nextBoolean() ? "e" : "E");
        break;
      case 3: // 17 to 25 significant digits
        out = d.add(new BigDecimal("0." + "0".repeat(r.nextInt(3, 12)) + r.nextLong(1, Long.MAX_VALUE))).toPlainString();
        break;
      case 4:
        out = d.unscaledValue() + "e" + (-d.scale());
        break;
      case 5:
        out = d.unscaledValue() + "E-" + (d.scale() + r.nextInt(0, 30)) ;
        break;
      case 6:
        out = d.stripTrailingZeros().toPlainString();
        break;
      default:
        out = String.valueOf(r.nextLong(0, 1L << 62));
    }
    return quoted || r.nextInt(6) == 0 ? "\"" + out + "\"" : out;
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && (s.charAt(0) == '-' || Character.isDigit(s.charAt(0)));
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  /** The tree as JSON text, with random whitespace between tokens at rate {@code ws}. */
  private String write(Object n, double ws) {
    StringBuilder b = new StringBuilder();
    write(n, b, ws);
    return b.toString();
  }

  private void write(Object n, StringBuilder b, double ws) {
    space(b, ws);
    if (n instanceof Raw raw) {
      b.append(raw.text);
    } else if (n instanceof Obj o) {
      b.append('{');
      for (int i = 0; i < o.members.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        space(b, ws);
        b.append(quote((String) o.members.get(i)[0]));
        space(b, ws);
        b.append(':');
        write(o.members.get(i)[1], b, ws);
      }
      space(b, ws);
      b.append('}');
    } else {
      Arr a = (Arr) n;
      b.append('[');
      for (int i = 0; i < a.items.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(a.items.get(i), b, ws);
      }
      space(b, ws);
      b.append(']');
    }
    space(b, ws);
  }

  private void space(StringBuilder b, double ws) {
    if (ws > 0 && r.nextDouble() < ws) {
      b.append(" \n\t\r".charAt(r.nextInt(4)));
    }
  }

  private static final class Obj {
    final List<Object[]> members = new ArrayList<>();
  }

  private static final class Arr {
    final List<Object> items = new ArrayList<>();
  }

  private record Raw(String text) {}
}
