package io.kimp.app.operator;

import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.portfolio.SizingRule;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether runtime settings make sense as a whole, for every channel that changes them (the admin API, the dashboard's
 * form, the CLI): each field's range ({@link PortfolioSettings#problems()}) and then the rules between fields, e.g. a
 * fixed amount above the capital, or a capital or maximum exposure below the minimum order (every cycle refused).
 * {@link OperatorService#updateSettings} refuses settings with problems, so no channel can get around these rules.
 */
public final class SettingsRules {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private SettingsRules() {}

  /**
   * One reason the settings are refused.
   *
   * @param field the field to change (a {@link PortfolioSettings} component, the API's JSON field name): of the fields
   *     a rule involves, the first one the caller changed
   * @param fields every field the rule involves, {@code field} first
   * @param message for a person, naming the fields and their values
   */
  public record Problem(String field, List<String> fields, String message) {}

  /** Settings that break a rule; {@link #problems()} are never empty. */
  public static final class Refused extends RuntimeException {
    private final List<Problem> problems;

    public Refused(List<Problem> problems) {
      super(problems.stream().map(Problem::message).collect(Collectors.joining("; ")), null, false, false);
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  /** Every problem of {@code s}, each attributed to the first of its fields in the rule's order. */
  public static List<Problem> check(PortfolioSettings s) {
    return check(s, Set.of());
  }

  /**
   * Every problem of {@code s}: ranges first, then the rules between fields (only once both fields are in range).
   * {@code changed} names the fields the caller set: a rule between two fields is attributed to the one that changed
   * (lowering {@code capitalKrw} below the fixed amount is a problem of {@code capitalKrw}).
   */
  public static List<Problem> check(PortfolioSettings s, Set<String> changed) {
    List<Problem> out = new ArrayList<>();
    Map<String, String> ranges = s.problems();
    ranges.forEach((field, why) -> out.add(new Problem(field, List.of(field), field + " " + why)));
    if (!ranges.isEmpty()) {
      return out; // a value out of range makes the rules between values meaningless
    }
    if (s.minOrderKrw().compareTo(s.capitalKrw()) > 0) {
      out.add(problem(changed, List.of("capitalKrw", "minOrderKrw"),
          "capitalKrw (" + plain(s.capitalKrw()) + ") must be at least minOrderKrw (" + plain(s.minOrderKrw())
              + "): every cycle would be refused"));
    }
    if (s.sizing() == SizingRule.FIXED_AMOUNT && s.fixedAmountKrw().compareTo(s.capitalKrw()) > 0) {
      out.add(problem(changed, List.of("fixedAmountKrw", "capitalKrw"),
          "fixedAmountKrw (" + plain(s.fixedAmountKrw()) + ") must not be above capitalKrw (" + plain(s.capitalKrw())
              + ")"));
    }
    if (s.sizing() == SizingRule.PERCENTAGE && s.minOrderKrw().signum() > 0) {
      BigDecimal order = s.capitalKrw().multiply(s.percentage(), MathContext.DECIMAL64).divide(HUNDRED,
          MathContext.DECIMAL64);
      if (order.compareTo(s.minOrderKrw()) < 0) {
        out.add(problem(changed, List.of("percentage", "capitalKrw", "minOrderKrw"),
            "percentage (" + plain(s.percentage()) + " % of capitalKrw " + plain(s.capitalKrw()) + " = "
                + plain(order.stripTrailingZeros()) + ") must give at least minOrderKrw (" + plain(s.minOrderKrw())
                + "): every cycle would be refused"));
      }
    }
    if (s.maxExposureKrw().compareTo(s.minOrderKrw()) < 0) {
      out.add(problem(changed, List.of("maxExposureKrw", "minOrderKrw"),
          "maxExposureKrw (" + plain(s.maxExposureKrw()) + ") must allow at least one order of minOrderKrw ("
              + plain(s.minOrderKrw()) + "): every cycle would be refused"));
    }
    return out;
  }

  /** {@code s} if it has no problem, else {@link Refused} with them all. */
  public static PortfolioSettings require(PortfolioSettings s, Set<String> changed) {
    List<Problem> problems = check(s, changed);
    if (!problems.isEmpty()) {
      throw new Refused(problems);
    }
    return s;
  }

  private static Problem problem(Set<String> changed, List<String> fields, String message) {
    String field = fields.stream().filter(changed::contains).findFirst().orElse(fields.get(0));
    List<String> ordered = new ArrayList<>(fields.size());
    ordered.add(field);
    fields.stream().filter(f -> !f.equals(field)).forEach(ordered::add);
    return new Problem(field, List.copyOf(ordered), message);
  }

  private static String plain(BigDecimal v) {
    return v.toPlainString();
  }
}
