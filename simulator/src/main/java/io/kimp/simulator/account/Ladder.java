package io.kimp.simulator.account;

/**
 * One market's book as the simulated venue shows it at this moment (best first per side), with its tick and lot: what
 * orders fill against. The accounts never change the book: the market model owns it, and an order's size is assumed
 * small next to the model's depth (each order walks the levels as they stand).
 */
public record Ladder(double[] bidPx, double[] bidQty, double[] askPx, double[] askQty, double tick, double step) {

  public double bestBid() {
    return bidPx.length > 0 ? bidPx[0] : 0;
  }

  public double bestAsk() {
    return askPx.length > 0 ? askPx[0] : 0;
  }

  /** Where the accounts read a coin's current book (null when the venue does not trade the coin). */
  @FunctionalInterface
  public interface Source {
    Ladder book(String coin);
  }
}
