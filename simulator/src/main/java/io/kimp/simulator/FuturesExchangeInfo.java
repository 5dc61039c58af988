package io.kimp.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Binance USDT-M futures' {@code GET /fapi/v1/exchangeInfo} body as documented (derivatives / usds-margined-futures /
 * market-data "Exchange Information"): the rate limits and one entry per contract with its filters. The simulator's
 * futures venue and the test fixtures' fixed-price futures fake both answer with it.
 */
public final class FuturesExchangeInfo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FuturesExchangeInfo() {}

  /**
   * One contract: its symbol and base coin, {@code PERPETUAL} or a delivery type with its delivery date, price tick,
   * quantity step, LOT_SIZE minimum quantity and MIN_NOTIONAL in USDT.
   */
  public record Contract(String symbol, String base, String type, long delivery, double tick, double step,
      double minQty, double minNotional) {

    /** A perpetual of {@code coin} against USDT, its minimum quantity one step, its minimum notional 5 USDT. */
    public static Contract perpetual(String coin, double tick, double step) {
      return new Contract(coin + "USDT", coin, "PERPETUAL", 4133404800000L, tick, step, step, 5);
    }

    public Contract withMinimums(double minQty, double minNotional) {
      return new Contract(symbol, base, type, delivery, tick, step, minQty, minNotional);
    }
  }

  /** The body at server time {@code now} with the given limits (weight per minute, orders per minute and per 10 s). */
  public static ObjectNode json(long now, int weightPerMinute, int ordersPerMinute, int ordersPer10s,
      List<Contract> contracts) {
    ObjectNode root = JSON.createObjectNode();
    root.put("timezone", "UTC").put("serverTime", now).put("futuresType", "U_MARGINED");
    ArrayNode limits = root.putArray("rateLimits");
    limits.addObject().put("rateLimitType", "REQUEST_WEIGHT").put("interval", "MINUTE").put("intervalNum", 1)
        .put("limit", weightPerMinute);
    limits.addObject().put("rateLimitType", "ORDERS").put("interval", "MINUTE").put("intervalNum", 1)
        .put("limit", ordersPerMinute);
    limits.addObject().put("rateLimitType", "ORDERS").put("interval", "SECOND").put("intervalNum", 10)
        .put("limit", ordersPer10s);
    root.putArray("exchangeFilters");
    root.putArray("assets").addObject().put("asset", "USDT").put("marginAvailable", true)
        .put("autoAssetExchange", "-10000");
    ArrayNode symbols = root.putArray("symbols");
    for (Contract c : contracts) {
      contract(symbols.addObject(), c);
    }
    return root;
  }

  private static void contract(ObjectNode s, Contract c) {
    s.put("symbol", c.symbol()).put("pair", c.base() + "USDT").put("contractType", c.type())
        .put("deliveryDate", c.delivery()).put("onboardDate", 1569398400000L).put("status", "TRADING")
        .put("maintMarginPercent", "2.5000").put("requiredMarginPercent", "5.0000").put("baseAsset", c.base())
        .put("quoteAsset", "USDT").put("marginAsset", "USDT").put("pricePrecision", decimals(c.tick()))
        .put("quantityPrecision", decimals(c.step())).put("baseAssetPrecision", 8).put("quotePrecision", 8)
        .put("underlyingType", "COIN").put("settlePlan", 0).put("triggerProtect", "0.0500")
        .put("liquidationFee", "0.012500").put("marketTakeBound", "0.05");
    s.putArray("underlyingSubType");
    ArrayNode f = s.putArray("filters");
    f.addObject().put("filterType", "PRICE_FILTER").put("minPrice", dec(c.tick())).put("maxPrice", "4529764")
        .put("tickSize", dec(c.tick()));
    f.addObject().put("filterType", "LOT_SIZE").put("minQty", dec(c.minQty())).put("maxQty", "1000")
        .put("stepSize", dec(c.step()));
    f.addObject().put("filterType", "MARKET_LOT_SIZE").put("minQty", dec(c.minQty())).put("maxQty", "120")
        .put("stepSize", dec(c.step()));
    f.addObject().put("filterType", "MAX_NUM_ORDERS").put("limit", 200);
    f.addObject().put("filterType", "MAX_NUM_ALGO_ORDERS").put("limit", 10);
    f.addObject().put("filterType", "MIN_NOTIONAL").put("notional", dec(c.minNotional()));
    f.addObject().put("filterType", "PERCENT_PRICE").put("multiplierUp", "1.0500").put("multiplierDown", "0.9500")
        .put("multiplierDecimal", "4");
    ArrayNode types = s.putArray("orderTypes");
    for (String t : new String[] {"LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET",
        "TRAILING_STOP_MARKET"}) {
      types.add(t);
    }
    ArrayNode tif = s.putArray("timeInForce");
    for (String t : new String[] {"GTC", "IOC", "FOK", "GTX", "GTD"}) {
      tif.add(t);
    }
  }

  private static int decimals(double unit) {
    int d = 0;
    while (d < 8 && Math.abs(unit * Math.pow(10, d) - Math.rint(unit * Math.pow(10, d))) > 1e-9) {
      d++;
    }
    return d;
  }

  /** A plain decimal string, at most eight places, no exponent. */
  private static String dec(double v) {
    return new java.math.BigDecimal(Double.toString(v)).setScale(8, java.math.RoundingMode.HALF_EVEN)
        .stripTrailingZeros().toPlainString();
  }
}
