package io.kimp.gateway.binance;

import com.fasterxml.jackson.databind.JsonNode;
import io.kimp.gateway.http.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The exchangeInfo filters kimp's market orders must pass, checked before sending so that a doomed order is a clear
 * permanent failure here rather than a {@code -1013} from the venue.
 *
 * @param stepSize LOT_SIZE step (quantities are rounded down to it); zero when absent
 * @param marketStepSize MARKET_LOT_SIZE step, zero when absent or unset
 * @param minNotional MIN_NOTIONAL / NOTIONAL minimum, zero when absent
 * @param minNotionalForMarket whether the minimum applies to market orders
 * @param quotePrecision decimals a {@code quoteOrderQty} may have
 */
public record BinanceSymbolRules(
    String symbol,
    BigDecimal stepSize,
    BigDecimal minQty,
    BigDecimal marketStepSize,
    BigDecimal marketMinQty,
    BigDecimal minNotional,
    boolean minNotionalForMarket,
    int quotePrecision) {

  /** Reads one entry of {@code exchangeInfo.symbols}. */
  public static BinanceSymbolRules parse(JsonNode symbol) {
    BigDecimal step = BigDecimal.ZERO;
    BigDecimal minQty = BigDecimal.ZERO;
    BigDecimal mStep = BigDecimal.ZERO;
    BigDecimal mMin = BigDecimal.ZERO;
    BigDecimal minNotional = BigDecimal.ZERO;
    boolean forMarket = false;
    for (JsonNode f : symbol.path("filters")) {
      switch (f.path("filterType").asText()) {
        case "LOT_SIZE":
          step = Json.decimalOrZero(f, "stepSize");
          minQty = Json.decimalOrZero(f, "minQty");
          break;
        case "MARKET_LOT_SIZE":
          mStep = Json.decimalOrZero(f, "stepSize");
          mMin = Json.decimalOrZero(f, "minQty");
          break;
        case "MIN_NOTIONAL":
          minNotional = Json.decimalOrZero(f, "minNotional");
          forMarket = f.path("applyToMarket").asBoolean(false);
          break;
        case "NOTIONAL":
          minNotional = Json.decimalOrZero(f, "minNotional");
          forMarket = f.path("applyMinToMarket").asBoolean(false);
          break;
        default:
          break;
      }
    }
    int precision =
        symbol.has("quoteAssetPrecision")
            ? symbol.path("quoteAssetPrecision").asInt(8)
            : symbol.path("quotePrecision").asInt(8);
    return new BinanceSymbolRules(
        symbol.path("symbol").asText(), step, minQty, mStep, mMin, minNotional, forMarket, precision);
  }

  /** The largest market-sell quantity not above {@code quantity} that the filters accept. */
  public BigDecimal marketQuantity(BigDecimal quantity) {
    BigDecimal step = marketStepSize.signum() > 0 ? marketStepSize : stepSize;
    return roundDown(quantity, step);
  }

  /** Null when a market sell of {@code quantity} (already rounded) passes the filters, else why not. */
  public String marketQuantityViolation(BigDecimal quantity) {
    BigDecimal min = marketMinQty.max(minQty);
    if (quantity.signum() <= 0) {
      return symbol + " quantity rounds down to zero with step " + stepSize.stripTrailingZeros().toPlainString();
    }
    if (quantity.compareTo(min) < 0) {
      return symbol + " quantity " + quantity.toPlainString() + " is below LOT_SIZE minQty " + min.toPlainString();
    }
    return null;
  }

  /** A {@code quoteOrderQty} cut to the quote precision. */
  public BigDecimal quoteAmount(BigDecimal quote) {
    return quote.setScale(quotePrecision, RoundingMode.DOWN).stripTrailingZeros();
  }

  /** Null when a market buy spending {@code quote} passes the notional filter, else why not. */
  public String quoteAmountViolation(BigDecimal quote) {
    if (quote.signum() <= 0) {
      return symbol + " quoteOrderQty " + quote.toPlainString() + " is not positive";
    }
    if (minNotionalForMarket && quote.compareTo(minNotional) < 0) {
      return symbol + " quoteOrderQty " + quote.toPlainString() + " is below the minimum notional "
          + minNotional.toPlainString();
    }
    return null;
  }

  static BigDecimal roundDown(BigDecimal value, BigDecimal step) {
    if (step == null || step.signum() <= 0) {
      return value.stripTrailingZeros();
    }
    BigDecimal steps = value.divide(step, 0, RoundingMode.DOWN);
    return steps.multiply(step).stripTrailingZeros();
  }
}
