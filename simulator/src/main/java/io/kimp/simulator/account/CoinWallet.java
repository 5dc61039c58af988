package io.kimp.simulator.account;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Set;

/**
 * A coin's wallet on both simulated venues: the network it travels on, whether deposits need a tag (memo), the decimals
 * Upbit accepts, each venue's withdrawal fee and the minimum withdrawal. The fees are about 0.3 USDT worth at the coin's
 * reference price and the minimum twice Binance's fee, small enough that kimp's per-coin transfer rules are never below
 * them.
 */
public record CoinWallet(String coin, String network, boolean tagRequired, int decimals, BigDecimal upbitFee,
    BigDecimal binanceFee, BigDecimal minimum) {

  static final Set<String> TAG_COINS = Set.of("XRP", "XLM", "ATOM", "HBAR", "EOS");

  /** The defaults for {@code coin} at {@code usdtPrice} (networks as kimp's transfer rules name them). */
  static CoinWallet defaults(String coin, double usdtPrice) {
    String network = network(coin);
    int decimals = switch (coin) {
      case "XRP", "ADA", "TRX", "ATOM" -> 6;
      case "XLM" -> 7;
      default -> 8;
    };
    BigDecimal fee = BigDecimal.valueOf(0.3 / Math.max(usdtPrice, 1e-9)).round(new java.math.MathContext(2, RoundingMode.UP));
    fee = fee.setScale(Math.min(decimals, Math.max(0, fee.scale())), RoundingMode.UP).stripTrailingZeros();
    if (fee.signum() <= 0) {
      fee = BigDecimal.ONE.movePointLeft(decimals);
    }
    return new CoinWallet(coin, network, TAG_COINS.contains(coin), decimals, fee, fee, fee.multiply(BigDecimal.valueOf(2)));
  }

  /** {@code coin} on its usual network ({@link #network}), 8 decimals, no fees and no minimum (a test sets what it needs). */
  public static CoinWallet plain(String coin) {
    return new CoinWallet(
        coin, network(coin), TAG_COINS.contains(coin), 8, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);
  }

  /** The network {@code coin} travels on between the venues, as the venues and kimp's transfer rules name it. */
  static String network(String coin) {
    return switch (coin) {
      case "LINK", "SAND", "AAVE" -> "ETH"; // ERC-20 tokens
      case "AVAX" -> "AVAXC";
      default -> coin;
    };
  }

  public CoinWallet withNetwork(String n) {
    return new CoinWallet(coin, n, tagRequired, decimals, upbitFee, binanceFee, minimum);
  }

  public CoinWallet withUpbitFee(BigDecimal fee) {
    return new CoinWallet(coin, network, tagRequired, decimals, fee, binanceFee, minimum);
  }

  public CoinWallet withBinanceFee(BigDecimal fee) {
    return new CoinWallet(coin, network, tagRequired, decimals, upbitFee, fee, minimum);
  }
}
