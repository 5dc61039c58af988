package io.kimp.simulator.account;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The simulated accounts: the API keys the venues accept, each venue's starting balances, how long a withdrawal takes to
 * arrive at the other venue, and the taker fees. A separate record from {@code SimulatorConfig} so that the market's
 * settings and the accounts' can change apart.
 *
 * @param keys the keys, or null to generate them at start
 * @param keysFile where the keys are written (0600) for a node to read, or null
 * @param upbitBalances Upbit's starting balances (KRW and coins)
 * @param binanceBalances Binance's starting balances (USDT and coins)
 * @param transferDelay from a withdrawal to its deposit being credited at the other venue
 * @param upbitFee Upbit's trading fee (0.05 %), charged in KRW on top
 * @param binanceFee Binance's trading fee (0.1 %), charged in the asset received
 * @param futuresUsdt the USDT in Binance's USDT-M futures wallet at the start (apart from the spot balances)
 */
public record AccountsConfig(SimKeys keys, Path keysFile, Map<String, BigDecimal> upbitBalances,
    Map<String, BigDecimal> binanceBalances, Duration transferDelay, BigDecimal upbitFee, BigDecimal binanceFee,
    BigDecimal futuresUsdt) {

  /** With an empty futures wallet. */
  public AccountsConfig(SimKeys keys, Path keysFile, Map<String, BigDecimal> upbitBalances,
      Map<String, BigDecimal> binanceBalances, Duration transferDelay, BigDecimal upbitFee, BigDecimal binanceFee) {
    this(keys, keysFile, upbitBalances, binanceBalances, transferDelay, upbitFee, binanceFee, BigDecimal.ZERO);
  }

  public AccountsConfig {
    upbitBalances = Map.copyOf(upbitBalances);
    binanceBalances = Map.copyOf(binanceBalances);
    for (BigDecimal b : upbitBalances.values()) {
      requireNotNegative(b);
    }
    for (BigDecimal b : binanceBalances.values()) {
      requireNotNegative(b);
    }
    if (futuresUsdt == null) {
      futuresUsdt = BigDecimal.ZERO;
    }
    requireNotNegative(futuresUsdt);
    if (transferDelay == null || transferDelay.isNegative()) {
      throw new IllegalArgumentException("the transfer delay must not be negative");
    }
    if (upbitFee.signum() < 0 || binanceFee.signum() < 0 || upbitFee.compareTo(BigDecimal.ONE) >= 0
        || binanceFee.compareTo(BigDecimal.ONE) >= 0) {
      throw new IllegalArgumentException("fees must be at least 0 and below 1");
    }
  }

  private static void requireNotNegative(BigDecimal b) {
    if (b.signum() < 0) {
      throw new IllegalArgumentException("a starting balance must not be negative: " + b.toPlainString());
    }
  }

  /**
   * Generated keys, 10,000,000 KRW at Upbit, 10,000 USDT at Binance and 5,000 USDT in its futures wallet, transfers in
   * 3 s, the venues' base fees.
   */
  public static AccountsConfig defaults() {
    return new AccountsConfig(null, null, Map.of("KRW", new BigDecimal("10000000")),
        Map.of("USDT", new BigDecimal("10000")), Duration.ofSeconds(3), new BigDecimal("0.0005"),
        new BigDecimal("0.001"), new BigDecimal("5000"));
  }

  public AccountsConfig withKeys(SimKeys k) {
    return new AccountsConfig(k, keysFile, upbitBalances, binanceBalances, transferDelay, upbitFee, binanceFee,
        futuresUsdt);
  }

  public AccountsConfig withKeysFile(Path f) {
    return new AccountsConfig(keys, f, upbitBalances, binanceBalances, transferDelay, upbitFee, binanceFee,
        futuresUsdt);
  }

  public AccountsConfig withBalances(Map<String, BigDecimal> upbit, Map<String, BigDecimal> binance) {
    return new AccountsConfig(keys, keysFile, upbit, binance, transferDelay, upbitFee, binanceFee,
        futuresUsdt);
  }

  public AccountsConfig withTransferDelay(Duration d) {
    return new AccountsConfig(keys, keysFile, upbitBalances, binanceBalances, d, upbitFee, binanceFee,
        futuresUsdt);
  }

  /** Binance's USDT-M futures wallet at the start. */
  public AccountsConfig withFuturesUsdt(BigDecimal usdt) {
    return new AccountsConfig(keys, keysFile, upbitBalances, binanceBalances, transferDelay, upbitFee, binanceFee,
        usdt);
  }
}
