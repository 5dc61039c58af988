package io.kimp.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.portfolio.SizingRule;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The body of {@code PUT /api/v1/settings}: any of the runtime settings, each replacing the current value (settings
 * not named keep theirs). Checked here field by field (known name, JSON type); the merged settings are then checked as
 * a whole by {@link io.kimp.app.operator.SettingsRules} when the operator service applies them. Every failure is a 422
 * whose message names the field, and whose {@code field} is that field.
 */
final class SettingsRequest {
  static final List<String> MONEY =
      List.of("capitalKrw", "fixedAmountKrw", "minOrderKrw", "maxExposureKrw", "dailyLossLimitKrw");
  static final Set<String> FIELDS =
      new LinkedHashSet<>(
          List.of("capitalKrw", "sizing", "fixedAmountKrw", "percentage", "minOrderKrw", "maxConcurrentCycles",
              "maxExposureKrw", "dailyLossLimitKrw", "minSpreadPercent", "finalizerMinProfitPercent",
              "tradingDayZone"));

  private SettingsRequest() {}

  /** {@code current} with the body's values; throws {@link ApiError} (422) naming a field of the wrong type. */
  static PortfolioSettings apply(ObjectNode body, PortfolioSettings current) {
    if (body.isEmpty()) {
      throw ApiError.unprocessable("name at least one setting: " + String.join(", ", FIELDS));
    }
    if (body.has("tradingDayZone")) {
      throw ApiError.unprocessable("tradingDayZone",
          "tradingDayZone cannot be changed at runtime: set kimp.risk.trading-day-zone and restart the nodes");
    }
    PortfolioSettings merged =
        new PortfolioSettings(
            decimal(body, "capitalKrw", current.capitalKrw()),
            sizing(body, current.sizing()),
            decimal(body, "fixedAmountKrw", current.fixedAmountKrw()),
            decimal(body, "percentage", current.percentage()),
            decimal(body, "minOrderKrw", current.minOrderKrw()),
            integer(body, "maxConcurrentCycles", current.maxConcurrentCycles()),
            decimal(body, "maxExposureKrw", current.maxExposureKrw()),
            decimal(body, "dailyLossLimitKrw", current.dailyLossLimitKrw()),
            current.tradingDayZone(),
            decimal(body, "minSpreadPercent", current.minSpreadPercent()),
            decimal(body, "finalizerMinProfitPercent", current.finalizerMinProfitPercent()));
    return merged;
  }

  private static JsonNode present(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v != null && v.isNull()) {
      throw ApiError.unprocessable(field, field + " must not be null");
    }
    return v;
  }

  private static BigDecimal decimal(ObjectNode body, String field, BigDecimal current) {
    JsonNode v = present(body, field);
    if (v == null) {
      return current;
    }
    if (!v.isNumber()) {
      throw ApiError.unprocessable(field, field + " must be a number" + (MONEY.contains(field) ? " (KRW)" : "")
          + ", not " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return bounded(field, v.decimalValue());
  }

  private static int integer(ObjectNode body, String field, int current) {
    JsonNode v = present(body, field);
    if (v == null) {
      return current;
    }
    if (!v.isNumber()) {
      throw ApiError.unprocessable(field, field + " must be an integer, not " + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    BigDecimal d = bounded(field, v.decimalValue());
    try {
      return d.intValueExact();
    } catch (ArithmeticException e) {
      throw ApiError.unprocessable(field, field + " must be an integer between 1 and "
          + PortfolioSettings.MAX_CONCURRENT_CYCLES);
    }
  }

  private static SizingRule sizing(ObjectNode body, SizingRule current) {
    JsonNode v = present(body, "sizing");
    if (v == null) {
      return current;
    }
    String options = Arrays.stream(SizingRule.values()).map(Enum::name).collect(Collectors.joining(", "));
    if (!v.isTextual()) {
      throw ApiError.unprocessable("sizing", "sizing must be one of " + options);
    }
    try {
      return SizingRule.valueOf(v.asText().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiError.unprocessable("sizing", "sizing must be one of " + options + ", not '" + QueryParams.abbreviate(v.asText()) + "'");
    }
  }

  /**
   * Refuses numbers no setting can take before anything formats them: {@code 1e999999999} is a short JSON number whose
   * plain form has a billion digits.
   */
  private static BigDecimal bounded(String field, BigDecimal v) {
    if (v.precision() - v.scale() > 20 || v.scale() > 20) {
      throw ApiError.unprocessable(field, field + " is out of range");
    }
    return v;
  }
}
