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
  private final long startedAt = System.currentTimeMillis();
  private final PrivateFaults upbitFaults = new PrivateFaults(status -> UpbitAccount.tooManyBody());
  private final PrivateFaults binanceFaults = new PrivateFaults(BinanceAccount::rateLimitBody);
  private volatile String upbitKeyRefusal;
  private volatile boolean binanceKeyRefused;
  private volatile long binanceClockOffset;
  /** Per venue and coin: {deposits open, withdrawals open}; a coin not set has both open. */
  private final Map<Side, Map<String, boolean[]>> walletStates = new EnumMap<>(Side.class);

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

  /**
   * Serves one of Upbit's private requests through its fault injection ({@link #upbitFaults}): counted, answered by an
   * injected fault or executed by {@link #upbit}.
   */
  public PrivateFaults.Outcome serveUpbit(PrivateRequest r, long now) {
    return upbitFaults.serve(r, now, req -> upbit(req, now));
  }

  /** The same for Binance ({@link #binanceFaults}, then {@link #binance}). */
  public PrivateFaults.Outcome serveBinance(PrivateRequest r, long now) {
    return binanceFaults.serve(r, now, req -> binance(req, now));
  }

  /** Upbit's private-REST fault injection and request counters. */
  public PrivateFaults upbitFaults() {
    return upbitFaults;
  }

  /** Binance's private-REST fault injection and request counters. */
  public PrivateFaults binanceFaults() {
    return binanceFaults;
  }

  /**
   * From now on Upbit refuses its (valid) access key with the error {@code name} ({@code invalid_access_key},
   * {@code expired_access_key}, {@code no_authorization_ip}, {@code out_of_scope}): a key revoked, expired or this IP
   * taken off its allow-list while the client runs. Null accepts it again.
   */
  public void refuseUpbitKey(String name) {
    this.upbitKeyRefusal = name;
  }

  String upbitKeyRefusal() {
    return upbitKeyRefusal;
  }

  /** From now on Binance answers every signed request {@code -2015} (key deleted, IP off the list); false accepts it. */
  public void refuseBinanceKey(boolean refused) {
    this.binanceKeyRefused = refused;
  }

  boolean binanceKeyRefused() {
    return binanceKeyRefused;
  }

  /**
   * Binance's clock runs {@code offset} ahead (positive) or behind of this machine's: {@code /api/v3/time} and the
   * {@code timestamp}/{@code recvWindow} check ({@code -1021}) use it.
   */
  public void setBinanceClockOffset(java.time.Duration offset) {
    this.binanceClockOffset = offset.toMillis();
  }

  /** Binance's clock offset in ms ({@link #setBinanceClockOffset}). */
  public long binanceClockOffset() {
    return binanceClockOffset;
  }

  /**
   * Opens or suspends deposits and withdrawals of {@code coin} at Upbit ({@code wallet_state} {@code working},
   * {@code withdraw_only}, {@code deposit_only} or {@code paused}). A suspended withdrawal is refused; a deposit that
   * arrives while deposits are suspended stays pending until they open again.
   */
  public synchronized void setUpbitWallet(String coin, boolean depositEnable, boolean withdrawEnable) {
    walletStates.computeIfAbsent(Side.UPBIT, s -> new java.util.HashMap<>())
        .put(coin, new boolean[] {depositEnable, withdrawEnable});
  }

  /** The same at Binance ({@code depositEnable}/{@code withdrawEnable} of {@code /sapi/v1/capital/config/getall}). */
  public synchronized void setBinanceWallet(String coin, boolean depositEnable, boolean withdrawEnable) {
    walletStates.computeIfAbsent(Side.BINANCE, s -> new java.util.HashMap<>())
        .put(coin, new boolean[] {depositEnable, withdrawEnable});
  }

  boolean depositOpen(Side venue, String coin) {
    return walletState(venue, coin)[0];
  }

  boolean withdrawOpen(Side venue, String coin) {
    return walletState(venue, coin)[1];
  }

  private boolean[] walletState(Side venue, String coin) {
    Map<String, boolean[]> m = walletStates.get(venue);
    boolean[] s = m == null ? null : m.get(coin);
    return s == null ? new boolean[] {true, true} : s;
  }

  public synchronized PrivateReply upbit(PrivateRequest r, long now) {
    settle(now);
    return upbit.handle(r, now);
  }

  public synchronized PrivateReply binance(PrivateRequest r, long now) {
    settle(now);
    return binance.handle(r, now);
  }

  private void settle(long now) {
    transfers.settle(now, ledgers, this::depositOpen);
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
    audit("BINANCE", ledgers.get(Side.BINANCE).totals(), config.binanceBalances(), binance.flows(), out);
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
