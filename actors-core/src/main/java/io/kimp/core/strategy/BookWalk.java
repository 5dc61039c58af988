package io.kimp.core.strategy;

/**
 * Walking a book side to execute a size: what a market order would get. Pure, allocation-free apart from the result.
 */
public final class BookWalk {
  private BookWalk() {}

  /**
   * The result of a walk.
   *
   * @param base coin quantity executed
   * @param quote quote currency exchanged
   * @param complete the whole size was executable within the given levels
   */
  public record Fill(double base, double quote, boolean complete) {
    public double averagePrice() {
      return base > 0 ? quote / base : Double.NaN;
    }
  }

  /** Spend up to {@code quoteBudget} on the asks (a market buy by quote amount). */
  public static Fill buyWithQuote(double[] askPrices, double[] askSizes, double quoteBudget) {
    double base = 0;
    double spent = 0;
    for (int i = 0; i < askPrices.length && spent < quoteBudget; i++) {
      double levelQuote = askPrices[i] * askSizes[i];
      double take = Math.min(levelQuote, quoteBudget - spent);
      base += take / askPrices[i];
      spent += take;
    }
    return new Fill(base, spent, spent >= quoteBudget * (1 - 1e-12));
  }

  /** Sell up to {@code quantity} into the bids (a market sell). */
  public static Fill sellQuantity(double[] bidPrices, double[] bidSizes, double quantity) {
    return takeQuantity(bidPrices, bidSizes, quantity);
  }

  /** Buy up to {@code quantity} from the asks (a market buy by quantity). */
  public static Fill buyQuantity(double[] askPrices, double[] askSizes, double quantity) {
    return takeQuantity(askPrices, askSizes, quantity);
  }

  /** Take up to {@code quantity} from a side, best level first. */
  private static Fill takeQuantity(double[] prices, double[] sizes, double quantity) {
    double taken = 0;
    double quote = 0;
    for (int i = 0; i < prices.length && taken < quantity; i++) {
      double take = Math.min(sizes[i], quantity - taken);
      taken += take;
      quote += take * prices[i];
    }
    return new Fill(taken, quote, taken >= quantity * (1 - 1e-12));
  }

  /** Quote value of all listed levels of a side. */
  public static double depthQuote(double[] prices, double[] sizes) {
    double q = 0;
    for (int i = 0; i < prices.length; i++) {
      q += prices[i] * sizes[i];
    }
    return q;
  }
}
