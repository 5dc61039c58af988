package io.kimp.simulator.account;

import io.kimp.simulator.account.Transfers.Side;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The simulator's private side: one account at Upbit and one at Binance, their API keys, their orders filled against the
 * simulated books, and the transfers between them. What makes the simulator one complete offline venue pair: kimp's
 * live gateways trade here as at the real venues.
 *
 * <p>Every private request is handled under this object's lock (the two venues share the chain and a request is short),
 * after the resting limit orders were matched against the books as they now stand and the transfers that arrived were
 * credited.
 */
public final class SimAccounts {
  private final AccountsConfig config;
  private final SimKeys keys;
  private final Map<String, CoinWallet> wallets = new LinkedHashMap<>();
  private final Ladder.Source upbitBooks;
  private final Ladder.Source binanceBooks;
  private final Map<Side, Ledger> ledgers = new EnumMap<>(Side.class);
  private final Transfers transfers;
  private final UpbitAccount upbit;
  private final BinanceAccount binance;
  private BinanceFuturesAccount futures; // null until the futures venue is opened (openFutures)
  private final long startedAt = System.currentTimeMillis();

  /**
   * @param usdtPrices the coins both venues trade and withdraw, each with a reference USDT price (for fees and minimums)
   * @param binanceWeight the request weight per minute that Binance's public endpoints count on too
   * @param upbitThrottled until when Upbit answers 429 to everything (a fault), in ms
   * @param binanceThrottled the same for Binance
   */
  public SimAccounts(AccountsConfig config, Map<String, Double> usdtPrices, Ladder.Source upbitBooks,
      Ladder.Source binanceBooks, RateLimit binanceWeight, LongSupplier upbitThrottled, LongSupplier binanceThrottled) {
    this.config = config;
    this.keys = config.keys() != null ? config.keys() : SimKeys.generate();
    if (config.keysFile() != null) {
      keys.writeTo(config.keysFile());
    }
    usdtPrices.forEach((coin, px) -> {
      if (!coin.equals("USDT")) {
        wallets.put(coin, CoinWallet.defaults(coin, px));
      }
    });
    this.upbitBooks = upbitBooks;
    this.binanceBooks = binanceBooks;
    ledgers.put(Side.UPBIT, new Ledger(config.upbitBalances()));
    ledgers.put(Side.BINANCE, new Ledger(config.binanceBalances()));
    this.transfers = new Transfers(config.transferDelay().toMillis());
    this.upbit = new UpbitAccount(this, ledgers.get(Side.UPBIT), upbitThrottled);
    this.binance = new BinanceAccount(this, ledgers.get(Side.BINANCE), binanceWeight, binanceThrottled);
  }

  /** Whether {@code path} is one of Upbit's private endpoints (answered by {@link #upbit}). */
  public static boolean upbitPrivate(String path) {
    return UpbitAccount.isPrivate(path);
  }

  /** Whether {@code path} is one of Binance's private endpoints (answered by {@link #binance}). */
  public static boolean binancePrivate(String path) {
    return BinanceAccount.isPrivate(path);
  }

  public synchronized PrivateReply upbit(PrivateRequest r, long now) {
    settle(now);
    return upbit.handle(r, now);
  }

  public synchronized PrivateReply binance(PrivateRequest r, long now) {
    settle(now);
    if (futures != null && r.path().equals(BinanceFuturesAccount.TRANSFER)) {
      return futures.transfer(r, now); // the universal transfer between the spot and the USDT-M futures wallets
    }
    return binance.handle(r, now);
  }

  /**
   * Opens Binance's USDT-M futures account ({@link BinanceFuturesAccount}): its orders fill against {@code quotes}, its
   * weight counts on {@code weight} (the futures venue's public one), its wallet starts with the configured USDT.
   */
  public synchronized void openFutures(FuturesQuotes quotes, RateLimit weight,
      LongSupplier throttledUntil) {
    futures = new BinanceFuturesAccount(ledgers.get(Side.BINANCE), quotes, keys, weight, throttledUntil,
        config.futuresUsdt());
  }

  /** Whether {@code path} is one of Binance futures' private endpoints (answered by {@link #binanceFutures}). */
  public static boolean binanceFuturesPrivate(String path) {
    return BinanceFuturesAccount.isPrivate(path);
  }

  public synchronized PrivateReply binanceFutures(PrivateRequest r, long now) {
    settle(now);
    if (futures == null) {
      return BinanceAccount.error(404, -1000, "The simulator's futures account is not open.");
    }
    return futures.handle(r, now);
  }

  /** Binance's USDT-M futures positions that are not flat, per coin (+ long, − short). */
  public synchronized Map<String, BigDecimal> futuresPositions() {
    return futures == null ? Map.of() : futures.openPositions();
  }

  /** Binance's USDT-M futures wallet balance (transfers, realised PnL, commissions; no unrealised PnL). */
  public synchronized BigDecimal futuresWallet() {
    return futures == null ? BigDecimal.ZERO : futures.wallet();
  }

  /** Futures orders created (refused ones are not). */
  public synchronized int futuresOrders() {
    return futures == null ? 0 : futures.orderCount();
  }

  private void settle(long now) {
    transfers.settle(now, ledgers);
    upbit.matchResting(now);
    binance.matchResting(now);
  }

  public SimKeys keys() {
    return keys;
  }

  /** Upbit's balances (free plus locked) per asset, transfers that arrived by now credited. */
  public synchronized Map<String, BigDecimal> upbitBalances(long now) {
    settle(now);
    return ledgers.get(Side.UPBIT).totals();
  }

  /** Binance's balances (free plus locked) per asset, transfers that arrived by now credited. */
  public synchronized Map<String, BigDecimal> binanceBalances(long now) {
    settle(now);
    return ledgers.get(Side.BINANCE).totals();
  }

  /**
   * The bookkeeping check: per venue and asset, the ledger's total (free plus locked) less the starting balance less
   * what the venue's trades (net of fees), withdrawals (with their fees) and credited deposits add up to; every value is
   * zero when nothing was lost or made up. Keys are {@code UPBIT:KRW}, {@code BINANCE:XRP}, …
   */
  public synchronized Map<String, BigDecimal> audit(long now) {
    settle(now);
    Map<String, BigDecimal> out = new java.util.TreeMap<>();
    audit("UPBIT", ledgers.get(Side.UPBIT).totals(), config.upbitBalances(), upbit.flows(), out);
    Map<String, BigDecimal> binanceFlows = new java.util.TreeMap<>(binance.flows());
    if (futures != null) {
      binanceFlows.merge("USDT", futures.spotFlow(), BigDecimal::add); // spot USDT moved to or from futures
      out.put("BINANCE_FUTURES:USDT", futures.audit());
    }
    audit("BINANCE", ledgers.get(Side.BINANCE).totals(), config.binanceBalances(), binanceFlows, out);
    return out;
  }

  private static void audit(String venue, Map<String, BigDecimal> totals, Map<String, BigDecimal> start,
      Map<String, BigDecimal> flows, Map<String, BigDecimal> out) {
    java.util.Set<String> assets = new java.util.TreeSet<>(totals.keySet());
    assets.addAll(start.keySet());
    assets.addAll(flows.keySet());
    for (String a : assets) {
      out.put(venue + ":" + a, totals.getOrDefault(a, BigDecimal.ZERO).subtract(start.getOrDefault(a, BigDecimal.ZERO))
          .subtract(flows.getOrDefault(a, BigDecimal.ZERO)));
    }
  }

  /** Coins sent and not yet credited, per coin. */
  public synchronized Map<String, BigDecimal> inFlight() {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    for (Transfers.Transfer t : transfers.inFlight()) {
      out.merge(t.coin, t.amount, BigDecimal::add);
    }
    return out;
  }

  /** Orders created at Upbit / Binance (refused ones are not). */
  public synchronized int upbitOrders() {
    return upbit.orderCount();
  }

  public synchronized int binanceOrders() {
    return binance.orderCount();
  }

  public synchronized int upbitWithdrawals() {
    return upbit.withdrawalCount();
  }

  public synchronized int binanceWithdrawals() {
    return binance.withdrawalCount();
  }

  /** The coins' wallets (network, tag, fees, minimum), by coin. */
  public Map<String, CoinWallet> wallets() {
    return wallets;
  }

  /** Upbit's deposit address of {@code coin} (and its tag, or null). */
  public synchronized String[] upbitDepositAddress(String coin) {
    return new String[] {transfers.address(Side.UPBIT, coin), transfers.tag(Side.UPBIT, coin)};
  }

  /** Binance's deposit address of {@code coin} (and its tag, or null). */
  public synchronized String[] binanceDepositAddress(String coin) {
    return new String[] {transfers.address(Side.BINANCE, coin), transfers.tag(Side.BINANCE, coin)};
  }

  Ladder upbitBook(String coin) {
    return upbitBooks.book(coin);
  }

  Ladder binanceBook(String coin) {
    return wallets.containsKey(coin) ? binanceBooks.book(coin) : null;
  }

  Transfers transfers() {
    return transfers;
  }

  BigDecimal upbitFee() {
    return config.upbitFee();
  }

  BigDecimal binanceFee() {
    return config.binanceFee();
  }

  long startedAt() {
    return startedAt;
  }

  /** A fixed-window counter of {@code limit} per {@code windowMillis}, as the venues count. */
  static RateLimit window(long windowMillis, int limit) {
    return new RateLimit() {
      private long start;
      private int used;

      @Override
      public synchronized int add(long now, int weight) {
        long s = now - Math.floorMod(now, windowMillis);
        if (s != start) {
          start = s;
          used = 0;
        }
        used += weight;
        return used > limit ? -1 : used;
      }

      @Override
      public synchronized int used(long now) {
        return now - start >= windowMillis ? 0 : used;
      }

      @Override
      public int limit() {
        return limit;
      }

      @Override
      public long secondsLeft(long now) {
        return Math.max(1, (windowMillis - Math.floorMod(now, windowMillis) + 999) / 1000);
      }
    };
  }
}
