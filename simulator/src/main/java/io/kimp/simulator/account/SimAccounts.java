package io.kimp.simulator.account;

import io.kimp.simulator.account.Transfers.Side;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
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
  private volatile SimKeys keys;
  private final Map<String, CoinWallet> wallets = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  /** Per venue, the starting balances, moved by {@link #setUpbitBalance}/{@link #setBinanceBalance} (for the audit). */
  private final Map<Side, Map<String, BigDecimal>> starts = new EnumMap<>(Side.class);
  private volatile BigDecimal upbitFee;
  private volatile BigDecimal binanceFee;
  private volatile BigDecimal upbitMinOrder = new BigDecimal("5000");
  private volatile BigDecimal binanceMinNotional = new BigDecimal("5");
  private volatile boolean upbitRateLimited = true;
  /** Makes the wallet of a coin that has none yet, or null (the coin is unknown at both venues). */
  private volatile java.util.function.Function<String, CoinWallet> newWallet = coin -> null;
  /** Upbit's registered withdrawal addresses {currency, net_type, address, tag}; null: Binance's deposit addresses. */
  private List<String[]> upbitWithdrawalAddresses;
  private final Ladder.Source upbitBooks;
  private final Ladder.Source binanceBooks;
  private final Map<Side, Ledger> ledgers = new EnumMap<>(Side.class);
  private final Transfers transfers;
  private final UpbitAccount upbit;
  private final BinanceAccount binance;
  private BinanceFuturesAccount futures; // null until the futures venue is opened (openFutures)
  private final long startedAt = System.currentTimeMillis();
  private final PrivateFaults upbitFaults = new PrivateFaults(status -> UpbitAccount.tooManyBody());
  private final PrivateFaults binanceFaults = new PrivateFaults(BinanceAccount::rateLimitBody);
  private final PrivateFaults futuresFaults = new PrivateFaults(BinanceAccount::rateLimitBody);
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
    this.upbitFee = config.upbitFee();
    this.binanceFee = config.binanceFee();
    starts.put(Side.UPBIT, new java.util.TreeMap<>(config.upbitBalances()));
    starts.put(Side.BINANCE, new java.util.TreeMap<>(config.binanceBalances()));
    ledgers.put(Side.UPBIT, new Ledger(config.upbitBalances()));
    ledgers.put(Side.BINANCE, new Ledger(config.binanceBalances()));
    this.transfers = new Transfers(config.transferDelay().toMillis());
    this.upbit = new UpbitAccount(this, ledgers.get(Side.UPBIT), upbitThrottled);
    this.binance = new BinanceAccount(this, ledgers.get(Side.BINANCE), binanceWeight, binanceThrottled);
  }

  /** Binance's JSON body of a 429 ({@code -1003}) or a 418 (the IP banned). */
  public static String binanceRateLimitBody(int status) {
    return BinanceAccount.rateLimitBody(status);
  }

  /** Upbit's JSON body of a 429 ({@code too_many_requests}). */
  public static String upbitRateLimitBody() {
    return UpbitAccount.tooManyBody();
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

  /** The same for Binance's USDT-M futures ({@link #binanceFuturesFaults}, then {@link #binanceFutures}). */
  public PrivateFaults.Outcome serveBinanceFutures(PrivateRequest r, long now) {
    return futuresFaults.serve(r, now, req -> binanceFutures(req, now));
  }

  /** Binance futures' private-REST fault injection and request counters. */
  public PrivateFaults binanceFuturesFaults() {
    return futuresFaults;
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
    // the universal transfer between the spot and the USDT-M futures wallets: on the spot API's /sapi limits, answered
    // by the futures account
    return binance.handle(r, now, futures == null ? null : futures::transfer);
  }

  /**
   * Opens Binance's USDT-M futures account ({@link BinanceFuturesAccount}): its orders fill against {@code quotes}, its
   * weight counts on {@code weight} (the futures venue's public one), its wallet starts with the configured USDT.
   */
  public synchronized void openFutures(FuturesQuotes quotes, RateLimit weight,
      LongSupplier throttledUntil) {
    futures = new BinanceFuturesAccount(ledgers.get(Side.BINANCE), quotes, this, weight, throttledUntil,
        config.futuresUsdt());
  }

  private BinanceFuturesAccount futures() {
    if (futures == null) {
      throw new IllegalStateException("the futures account is not open (openFutures)");
    }
    return futures;
  }

  /** The futures taker commission rate from now on (0.0005; {@code /fapi/v1/commissionRate} shows it). */
  public synchronized void setFuturesTakerFee(BigDecimal fee) {
    futures().setTaker(fee);
  }

  /** The perpetuals' LOT_SIZE minimum quantity ({@code -4004} below it; by default one step). */
  public synchronized void setFuturesMinQty(BigDecimal qty) {
    futures().setMinQty(qty);
  }

  /** The perpetuals' minimum notional in USDT ({@code -4164} below it unless reduce-only; 5). */
  public synchronized void setFuturesMinNotional(BigDecimal usdt) {
    futures().setMinNotional(usdt);
  }

  /**
   * A key without the futures permission (false gives it back): every signed {@code /fapi} request is answered
   * {@code -2015}; the spot API and the wallet transfer still accept the key.
   */
  public synchronized void disableFutures(boolean disabled) {
    futures().disable(disabled);
  }

  /** Hedge Mode on or off (One-way by default); refused while a position is open, as at Binance. */
  public synchronized void setFuturesHedgeMode(boolean on) {
    futures().setHedgeMode(on);
  }

  /** Futures limits: request weight per minute, orders per minute and per 10 s (2400, 1200, 300). */
  public synchronized void setFuturesLimits(int weightPerMinute, int ordersPerMinute, int ordersPer10s) {
    futures().limits(weightPerMinute, ordersPerMinute, ordersPer10s);
  }

  /** Sets the futures wallet's USDT (the audit counts the change as a deposit from outside). */
  public synchronized void setFuturesWallet(BigDecimal usdt) {
    futures().setWallet(usdt);
  }

  /** {@code coin}'s futures position: + long, − short, 0 flat. */
  public synchronized BigDecimal futuresPosition(String coin) {
    return futures == null ? BigDecimal.ZERO : futures.positionAmount(coin);
  }

  /** {@code coin}'s futures leverage (20 until set). */
  public synchronized int futuresLeverage(String coin) {
    return futures().leverage(coin);
  }

  /** Futures orders created per client order id. */
  public synchronized Map<String, Integer> futuresOrdersByClientId() {
    return futures == null ? Map.of() : futures.ordersByClientId();
  }

  /** Every futures order that executed, oldest first. */
  public synchronized List<FuturesFill> futuresFills() {
    return futures == null ? List.of() : futures.fills();
  }

  /** Executed transfers between the spot and the futures wallet: + into futures, − out. */
  public synchronized List<BigDecimal> futuresTransfers() {
    return futures == null ? List.of() : futures.transfers();
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
    audit("UPBIT", ledgers.get(Side.UPBIT).totals(), starts.get(Side.UPBIT), upbit.flows(), out);
    Map<String, BigDecimal> binanceFlows = new java.util.TreeMap<>(binance.flows());
    if (futures != null) {
      binanceFlows.merge("USDT", futures.spotFlow(), BigDecimal::add); // spot USDT moved to or from futures
      out.put("BINANCE_FUTURES:USDT", futures.audit());
    }
    audit("BINANCE", ledgers.get(Side.BINANCE).totals(), starts.get(Side.BINANCE), binanceFlows, out);
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
    return wallet(coin) != null ? binanceBooks.book(coin) : null;
  }

  Transfers transfers() {
    return transfers;
  }

  BigDecimal upbitFee() {
    return upbitFee;
  }

  BigDecimal binanceFee() {
    return binanceFee;
  }

  BigDecimal upbitMinOrder() {
    return upbitMinOrder;
  }

  BigDecimal binanceMinNotional() {
    return binanceMinNotional;
  }

  boolean upbitRateLimited() {
    return upbitRateLimited;
  }

  synchronized List<String[]> upbitWithdrawalAddresses() {
    return upbitWithdrawalAddresses == null ? null : List.copyOf(upbitWithdrawalAddresses);
  }

  // ---------------------------------------------------------------- settings a test (or a scenario) changes

  /** The keys the venues accept from now on. */
  public void setKeys(SimKeys keys) {
    this.keys = keys;
  }

  /** {@code coin}'s wallet, made on first use when {@link #walletsOnDemand} says how; null when the coin is unknown. */
  CoinWallet wallet(String coin) {
    CoinWallet w = wallets.get(coin);
    if (w == null && coin != null) {
      w = newWallet.apply(coin);
      if (w != null) {
        wallets.putIfAbsent(coin, w);
      }
    }
    return w;
  }

  /**
   * Venues that know every coin: a coin's wallet is made by {@code make} the first time a request names it (as the real
   * venues list hundreds of coins), where otherwise only the configured coins exist. A venue trades a coin only where it
   * has a book for it.
   */
  public void walletsOnDemand(java.util.function.Function<String, CoinWallet> make) {
    this.newWallet = make;
  }

  /** Adds (or replaces) a coin's wallet: from then on both venues trade and transfer it. */
  public void putWallet(CoinWallet wallet) {
    wallets.put(wallet.coin(), wallet);
  }

  /** Upbit's trading fee from now on (charged in KRW). */
  public void setUpbitFee(BigDecimal fee) {
    this.upbitFee = fee;
  }

  /** Binance's trading fee from now on (charged in the asset received). */
  public void setBinanceFee(BigDecimal fee) {
    this.binanceFee = fee;
  }

  /** Upbit's minimum order total in KRW (5000). */
  public void setUpbitMinOrder(BigDecimal krw) {
    this.upbitMinOrder = krw;
  }

  /** Binance's NOTIONAL filter minimum in USDT (5). */
  public void setBinanceMinNotional(BigDecimal usdt) {
    this.binanceMinNotional = usdt;
  }

  /** Whether Upbit refuses requests beyond its per-second budgets (they are counted and shown either way). */
  public void setUpbitRateLimited(boolean enforced) {
    this.upbitRateLimited = enforced;
  }

  /** Upbit's requests refused with 429 because a per-second budget was spent. */
  public synchronized int upbitTooManyRequests() {
    return upbit.tooManyRequests();
  }

  /**
   * Binance's limits: request weight per minute on {@code /api}, each IP-limited {@code /sapi} endpoint's weight per
   * minute (12000; the UID-limited ones keep 180000), orders per 10 s and per day. The {@code /api} weight is then
   * counted apart from the public endpoints'.
   */
  public synchronized void setBinanceLimits(int weightPerMinute, int sapiWeightPerMinute, int ordersPer10s,
      int ordersPerDay) {
    binance.limits(window(60_000, weightPerMinute), sapiWeightPerMinute, ordersPer10s, ordersPerDay);
  }

  /**
   * Binance's limits: request weight per minute on {@code /api}; each {@code /sapi} endpoint's own weight per minute,
   * 12000 per IP for the IP-limited ones and 180000 per UID for the UID-limited ones (withdraw history keeps its
   * documented 180000 per second); orders per 10 s and per day.
   */
  public synchronized void setBinanceLimits(int weightPerMinute, int sapiIpWeightPerMinute, int sapiUidWeightPerMinute,
      int ordersPer10s, int ordersPerDay) {
    binance.limits(window(60_000, weightPerMinute), sapiIpWeightPerMinute, sapiUidWeightPerMinute, ordersPer10s,
        ordersPerDay);
  }

  /**
   * Registers a withdrawal address at Upbit ({@code GET /v1/withdraws/coin_addresses} then lists the registered ones
   * only, not Binance's deposit addresses).
   */
  public synchronized void registerUpbitWithdrawalAddress(String coin, String netType, String address, String tag) {
    if (upbitWithdrawalAddresses == null) {
      upbitWithdrawalAddresses = new java.util.ArrayList<>();
    }
    upbitWithdrawalAddresses.add(new String[] {coin, netType, address, tag});
  }

  /** Removes every registered Upbit withdrawal address of {@code coin} (and lists registered addresses only). */
  public synchronized void unregisterUpbitWithdrawalAddresses(String coin) {
    if (upbitWithdrawalAddresses == null) {
      upbitWithdrawalAddresses = new java.util.ArrayList<>();
    }
    upbitWithdrawalAddresses.removeIf(a -> a[0].equals(coin));
  }

  /** Sets Upbit's free balance of {@code asset} (the audit counts the change as a deposit from outside). */
  public synchronized void setUpbitBalance(String asset, BigDecimal amount, long now) {
    setBalance(Side.UPBIT, asset, amount, now);
  }

  /** Sets Binance's free balance of {@code asset}. */
  public synchronized void setBinanceBalance(String asset, BigDecimal amount, long now) {
    setBalance(Side.BINANCE, asset, amount, now);
  }

  private void setBalance(Side side, String asset, BigDecimal amount, long now) {
    settle(now);
    Ledger l = ledgers.get(side);
    BigDecimal delta = amount.subtract(l.free(asset));
    l.credit(asset, delta);
    starts.get(side).merge(asset, delta, BigDecimal::add);
  }

  /** Upbit's free balance of {@code asset}, transfers that arrived by {@code now} credited. */
  public synchronized BigDecimal upbitFree(String asset, long now) {
    settle(now);
    return ledgers.get(Side.UPBIT).free(asset);
  }

  /** Binance's free balance of {@code asset}. */
  public synchronized BigDecimal binanceFree(String asset, long now) {
    settle(now);
    return ledgers.get(Side.BINANCE).free(asset);
  }

  /** How long a transfer takes from now on (transfers already sent keep their arrival). */
  public synchronized void setTransferDelay(java.time.Duration delay) {
    transfers.delay(delay.toMillis());
  }

  /** While held, new transfers never arrive (a stuck deposit); released, the ones sent later arrive again. */
  public synchronized void holdTransfers(boolean hold) {
    transfers.hold(hold);
  }

  /** Binance's orders per client order id; withdrawals per {@code withdrawOrderId}. */
  public synchronized Map<String, Integer> binanceOrdersByClientId() {
    return binance.ordersByClientId();
  }

  public synchronized Map<String, Integer> binanceWithdrawalsByClientId() {
    return binance.withdrawalsByClientId();
  }

  /** Upbit's orders per identifier, and its withdrawals' amounts (oldest first). */
  public synchronized Map<String, Integer> upbitOrdersByIdentifier() {
    return upbit.ordersByIdentifier();
  }

  public synchronized List<BigDecimal> upbitWithdrawalAmounts() {
    return upbit.withdrawalAmounts();
  }

  long startedAt() {
    return startedAt;
  }

  /** A fixed-window counter of {@code limit} per {@code windowMillis}, as the venues count. */
  public static RateLimit window(long windowMillis, int limit) {
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
