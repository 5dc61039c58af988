package io.kimp.simulator.account;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * How an order meets the simulated book: it walks the opposite side level by level, best first, taking each level's
 * quantity (in whole lots) until its quantity or its quote amount is used up, or the next level is past its limit price.
 * The book itself is not changed: the market model owns it, and an account's orders are taken to be small beside it.
 */
final class Matching {
  private Matching() {}

  record Fill(BigDecimal price, BigDecimal qty) {
    BigDecimal quote() {
      return price.multiply(qty);
    }
  }

  /**
   * @param buy true to take the asks, false the bids
   * @param limit the worst price to take, or null (a market order)
   * @param maxQty the quantity to fill, or null when {@code maxQuote} bounds the order
   * @param maxQuote the quote amount to spend (market buy by quote), or null
   * @param step the lot: every fill's quantity is a multiple of it
   */
  static List<Fill> walk(Ladder book, boolean buy, BigDecimal limit, BigDecimal maxQty, BigDecimal maxQuote,
      BigDecimal step) {
    double[] px = buy ? book.askPx() : book.bidPx();
    double[] qty = buy ? book.askQty() : book.bidQty();
    List<Fill> out = new ArrayList<>();
    BigDecimal qtyLeft = maxQty;
    BigDecimal quoteLeft = maxQuote;
    for (int i = 0; i < px.length; i++) {
      if (px[i] <= 0 || qty[i] <= 0) {
        continue;
      }
      BigDecimal p = BigDecimal.valueOf(px[i]);
      if (limit != null && (buy ? p.compareTo(limit) > 0 : p.compareTo(limit) < 0)) {
        break;
      }
      BigDecimal take = BigDecimal.valueOf(qty[i]);
      if (qtyLeft != null) {
        take = take.min(qtyLeft);
      }
      if (quoteLeft != null) {
        take = take.min(quoteLeft.divide(p, 16, RoundingMode.DOWN));
      }
      take = lots(take, step);
      if (take.signum() <= 0) {
        break;
      }
      out.add(new Fill(p, take));
      if (qtyLeft != null) {
        qtyLeft = qtyLeft.subtract(take);
        if (qtyLeft.signum() <= 0) {
          break;
        }
      }
      if (quoteLeft != null) {
        quoteLeft = quoteLeft.subtract(p.multiply(take));
      }
    }
    return out;
  }

  /** {@code q} cut down to whole lots of {@code step} (unchanged when step is zero). */
  static BigDecimal lots(BigDecimal q, BigDecimal step) {
    if (step.signum() <= 0) {
      return q.stripTrailingZeros();
    }
    return q.divide(step, 0, RoundingMode.DOWN).multiply(step).stripTrailingZeros();
  }

  static BigDecimal qty(List<Fill> fills) {
    BigDecimal s = BigDecimal.ZERO;
    for (Fill f : fills) {
      s = s.add(f.qty());
    }
    return s;
  }

  static BigDecimal quote(List<Fill> fills) {
    BigDecimal s = BigDecimal.ZERO;
    for (Fill f : fills) {
      s = s.add(f.quote());
    }
    return s;
  }
}
