package io.kimp.gateway.paper;

import io.kimp.core.market.Venue;
import io.kimp.core.venue.Balance;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The truth both paper venues share: balances, orders, withdrawals and the deposits they turn into, kept in the database
 * of the journal (tables {@code paper_*}, migration V4), so it is backed up with the journal, cannot diverge from it by a
 * file deletion, and is one ledger for the whole cluster. Every change is one transaction, committed before the caller
 * hears of it, so a node that dies between an intent and its reply finds the action after a restart, exactly as it would
 * at a real venue.
 *
 * <p>Nodes of one cluster write the same rows at the same time: a balance only moves through
 * {@code UPDATE … SET amount = amount + Δ WHERE … AND amount + Δ >= 0}, which takes the row's lock and re-checks the
 * condition on the newest committed value (H2 and PostgreSQL alike), and the table's {@code CHECK (amount >= 0)} backs
 * it up: two writers never spend the same balance twice. A client id is a primary key, so a venue never accepts one twice.
 *
 * <p>Transfers settle lazily: a deposit carries its arrival time and is credited by the first call that sees the time
 * has passed (one transaction per deposit, guarded by its {@code credited} flag), so no timer has to survive a restart.
 *
 * <p>Only {@code javax.sql} (in the JDK) is used here: the connection pool and the driver come from the node, the schema
 * from the persistence module's migrations, so this module stays free of a database dependency.
 */
public final class PaperLedger {
  private static final Logger log = LoggerFactory.getLogger(PaperLedger.class);
  private static final String NUM = "CAST(? AS NUMERIC(38, 18))";

  /** An executed paper order (market orders end at once; nothing rests on a paper book). */
  public record Order(
      String clientId,
      String orderId,
      String coin,
      OrderSide side,
      OrderStatus status,
      BigDecimal filledQuantity,
      BigDecimal quoteAmount,
      BigDecimal fee,
      String feeAsset,
      long updatedAtMs) {}

  /**
   * A paper withdrawal.
   *
   * @param amount taken from the sender's balance, fee included
   * @param received credited to the destination
   * @param arrivesAtMs when the deposit is credited; null for a transfer that never arrives (injected fault)
   */
  public record Withdrawal(
      String clientId,
      String withdrawalId,
      Venue from,
      Venue to,
      String coin,
      BigDecimal amount,
      BigDecimal fee,
      BigDecimal received,
      String address,
      String tag,
      String txId,
      long createdAtMs,
      Long arrivesAtMs) {}

  /** A deposit on its way to (or credited at) {@code venue}. */
  public record PaperDeposit(
      String depositId, Venue venue, String coin, BigDecimal amount, String txId, long createdAtMs, Long arrivesAtMs,
      boolean credited) {}

  /** Not enough of {@code asset}: the venue refuses the action. */
  public static final class InsufficientBalance extends RuntimeException {
    public InsufficientBalance(String message) {
      super(message, null, false, false);
    }
  }

  /** The ledger's database failed: nothing of the action was committed. */
  public static final class LedgerUnavailable extends RuntimeException {
    LedgerUnavailable(String message, SQLException cause) {
      super(message, cause);
    }

    boolean duplicateKey() {
      return getCause() instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23");
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final DataSource db;
  private final Clock clock;
  /** Balance rows known to exist (rows are never deleted), so that a change is a plain conditional UPDATE. */
  private final Set<String> balanceRows = ConcurrentHashMap.newKeySet();

  private PaperLedger(DataSource db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * The database's ledger, started with {@code initialBalances} if this database has none yet (by whichever node of the
   * cluster comes first). A {@code legacyFile} (the {@code paper-ledger.json} of kimp 0.1) that exists is imported once
   * (see {@link #importFile}) and renamed.
   */
  public static PaperLedger open(
      DataSource db, Map<Venue, Map<String, BigDecimal>> initialBalances, Clock clock, Path legacyFile) {
    PaperLedger ledger = new PaperLedger(db, clock);
    boolean started = ledger.start(initialBalances);
    if (legacyFile != null && Files.exists(legacyFile)) {
      ledger.importFile(LegacyLedgerFile.read(legacyFile), initialBalances);
    } else if (started) {
      log.info("paper ledger started in the database with {}", initialBalances);
    }
    return ledger;
  }

  private boolean start(Map<Venue, Map<String, BigDecimal>> initialBalances) {
    try {
      return tx(c -> {
        if (started(c)) {
          return false;
        }
        update(c, "INSERT INTO paper_ledger (id, next_id, created_at_ms) VALUES (1, 0, ?)", clock.millis());
        for (var v : new TreeMap<>(initialBalances).entrySet()) {
          for (var a : new TreeMap<>(v.getValue()).entrySet()) {
            update(c, "INSERT INTO paper_balances (venue, asset, amount) VALUES (?, ?, " + NUM + ")", v.getKey().name(),
                a.getKey(), a.getValue());
          }
        }
        return true;
      });
    } catch (LedgerUnavailable e) {
      if (e.duplicateKey()) {
        return false; // another node started it at the same moment
      }
      throw e;
    }
  }

  /**
   * Imports a kimp 0.1 ledger file once: its orders, withdrawals, deposits and used client ids are added (those already
   * present are kept as they are), and each balance moves by what the file's ledger gained or lost against the initial
   * balances, so a cluster's per-node files add up to one ledger without counting the starting capital twice. The file's
   * hash is recorded in the same transaction; the file is then renamed {@code <name>.imported-<UTC time>}.
   */
  void importFile(LegacyLedgerFile file, Map<Venue, Map<String, BigDecimal>> initialBalances) {
    LegacyLedgerFile.Snapshot s = file.snapshot();
    Map<String, Withdrawal> byTx = new HashMap<>();
    s.withdrawals().values().forEach(m -> m.values().forEach(w -> byTx.put(w.txId(), w)));
    Map<Venue, Map<String, BigDecimal>> deltas = new EnumMap<>(Venue.class);
    for (Venue v : Venue.values()) {
      Map<String, BigDecimal> d = new TreeMap<>();
      s.balances().getOrDefault(v, Map.of()).forEach((asset, amount) -> d.merge(asset, amount, BigDecimal::add));
      initialBalances.getOrDefault(v, Map.of()).forEach((asset, amount) -> d.merge(asset, amount.negate(), BigDecimal::add));
      d.values().removeIf(x -> x.signum() == 0);
      deltas.put(v, d);
      ensureBalanceRows(v, d.keySet());
    }
    boolean imported = tx(c -> {
      if (exists(c, "SELECT 1 FROM paper_ledger_imports WHERE sha256 = ?", file.sha256())) {
        return false;
      }
      for (var v : deltas.entrySet()) {
        for (var d : v.getValue().entrySet()) {
          move(c, v.getKey(), d.getKey(), d.getValue());
        }
      }
      for (var v : s.usedClientIds().entrySet()) {
        for (String id : new TreeSet<>(v.getValue())) {
          if (!exists(c, "SELECT 1 FROM paper_client_ids WHERE venue = ? AND client_id = ?", v.getKey().name(), id)) {
            update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", v.getKey().name(), id);
          }
        }
      }
      for (var v : s.orders().entrySet()) {
        for (Order o : v.getValue().values()) {
          if (!exists(c, "SELECT 1 FROM paper_orders WHERE venue = ? AND client_id = ?", v.getKey().name(), o.clientId())) {
            insertOrder(c, v.getKey(), o);
          }
          if (!exists(c, "SELECT 1 FROM paper_client_ids WHERE venue = ? AND client_id = ?", v.getKey().name(),
              o.clientId())) {
            update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", v.getKey().name(), o.clientId());
          }
        }
      }
      for (var v : s.withdrawals().values()) {
        for (Withdrawal w : v.values()) {
          if (!exists(c, "SELECT 1 FROM paper_withdrawals WHERE venue = ? AND client_id = ?", w.from().name(),
              w.clientId())) {
            insertWithdrawal(c, w);
          }
        }
      }
      for (PaperDeposit d : s.deposits()) {
        Withdrawal w = byTx.get(d.txId());
        insertDeposit(c, d, w == null ? null : w.from(), w == null ? null : w.clientId());
      }
      update(c, "UPDATE paper_ledger SET next_id = ? WHERE id = 1 AND next_id < ?", s.sequence(), s.sequence());
      update(c, "INSERT INTO paper_ledger_imports (sha256, file, imported_at_ms, orders, withdrawals) VALUES (?, ?, ?, ?, ?)",
          file.sha256(), file.file().toAbsolutePath().toString(), clock.millis(), file.orderCount(),
          file.withdrawalCount());
      return true;
    });
    Path renamed =
        file.file().resolveSibling(file.file().getFileName() + ".imported-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(clock.instant()));
    try {
      Files.move(file.file(), renamed);
    } catch (IOException e) {
      log.warn("paper ledger file {} could not be renamed ({}); it will not be imported again", file.file(), e.toString());
      renamed = file.file();
    }
    if (imported) {
      log.info("paper ledger {} imported into the database ({} orders, {} withdrawals, {} deposits); the file is now {}",
          file.file(), file.orderCount(), file.withdrawalCount(), s.deposits().size(), renamed);
    } else {
      log.info("paper ledger {} was imported into the database before; the file is now {}", file.file(), renamed);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // what the start-up checks ask

  /** Whether the database's ledger has started (its row exists). */
  public static boolean started(Connection c) throws SQLException {
    return exists(c, "SELECT 1 FROM paper_ledger WHERE id = 1");
  }

  /** The client ids of every executed order and withdrawal in the database's ledger. */
  public static Set<String> actionClientIds(Connection c) throws SQLException {
    Set<String> ids = new TreeSet<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT client_id FROM paper_orders UNION SELECT client_id FROM paper_withdrawals");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // reads

  public Map<String, Balance> balances(Venue venue) {
    settle();
    Map<String, Balance> out = new LinkedHashMap<>();
    tx(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT asset, amount FROM paper_balances WHERE venue = ? ORDER BY asset")) {
        ps.setString(1, venue.name());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), new Balance(rs.getString(1), plain(rs.getBigDecimal(2)), BigDecimal.ZERO));
          }
        }
      }
      return null;
    });
    return out;
  }

  public BigDecimal free(Venue venue, String asset) {
    settle();
    return tx(c -> amount(c, venue, asset)).orElse(BigDecimal.ZERO);
  }

  public Optional<Order> order(Venue venue, String clientId) {
    return order(venue.name(), clientId);
  }

  private Optional<Order> order(String account, String clientId) {
    return tx(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT client_id, order_id, coin, side, status, filled_quantity, quote_amount, fee, fee_asset, "
                  + "updated_at_ms FROM paper_orders WHERE venue = ? AND client_id = ?")) {
        ps.setString(1, account);
        ps.setString(2, clientId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new Order(rs.getString(1), rs.getString(2), rs.getString(3),
              OrderSide.valueOf(rs.getString(4)), OrderStatus.valueOf(rs.getString(5)), plain(rs.getBigDecimal(6)),
              plain(rs.getBigDecimal(7)), plain(rs.getBigDecimal(8)), rs.getString(9), rs.getLong(10)));
        }
      }
    });
  }

  /** Whether {@code clientId} was ever sent to {@code venue} (an order, a refused order, a withdrawal). */
  public boolean clientIdUsed(Venue venue, String clientId) {
    return tx(c -> exists(c, "SELECT 1 FROM paper_client_ids WHERE venue = ? AND client_id = ?", venue.name(), clientId));
  }

  public Optional<Withdrawal> withdrawal(Venue venue, String clientId) {
    settle();
    return tx(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT client_id, withdrawal_id, venue, to_venue, coin, amount, fee, received, address, tag, tx_id, "
                  + "created_at_ms, arrives_at_ms FROM paper_withdrawals WHERE venue = ? AND client_id = ?")) {
        ps.setString(1, venue.name());
        ps.setString(2, clientId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          long arrives = rs.getLong(13);
          Long arrivesAt = rs.wasNull() ? null : arrives;
          return Optional.of(new Withdrawal(rs.getString(1), rs.getString(2), Venue.valueOf(rs.getString(3)),
              Venue.valueOf(rs.getString(4)), rs.getString(5), plain(rs.getBigDecimal(6)), plain(rs.getBigDecimal(7)),
              plain(rs.getBigDecimal(8)), rs.getString(9), rs.getString(10), rs.getString(11), rs.getLong(12),
              arrivesAt));
        }
      }
    });
  }

  /** Whether the deposit of {@code w} has been credited at its destination. */
  public boolean arrived(Withdrawal w) {
    settle();
    return tx(c -> exists(c,
        "SELECT 1 FROM paper_deposits WHERE withdrawal_venue = ? AND withdrawal_client_id = ? AND credited = TRUE",
        w.from().name(), w.clientId()));
  }

  public List<PaperDeposit> deposits(Venue venue, String coin, Instant since) {
    settle();
    return tx(c -> {
      List<PaperDeposit> out = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT deposit_id, amount, tx_id, created_at_ms, arrives_at_ms, credited FROM paper_deposits "
                  + "WHERE venue = ? AND coin = ? AND created_at_ms >= ? ORDER BY id")) {
        ps.setString(1, venue.name());
        ps.setString(2, coin);
        ps.setLong(3, since.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long arrives = rs.getLong(5);
            Long arrivesAt = rs.wasNull() ? null : arrives;
            out.add(new PaperDeposit(rs.getString(1), venue, coin, plain(rs.getBigDecimal(2)), rs.getString(3),
                rs.getLong(4), arrivesAt, rs.getBoolean(6)));
          }
        }
      }
      return out;
    });
  }

  /** For tests and the CLI: a copy of the balances of every venue. */
  public Map<Venue, Map<String, BigDecimal>> allBalances() {
    Map<Venue, Map<String, BigDecimal>> out = new EnumMap<>(Venue.class);
    for (Venue v : Venue.values()) {
      Map<String, BigDecimal> m = new HashMap<>();
      balances(v).forEach((asset, b) -> m.put(asset, b.free()));
      out.put(v, m);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // changes

  public String nextId(String prefix) {
    return prefix + "-" + tx(PaperLedger::nextNumber);
  }

  /** Marks {@code clientId} as seen at {@code venue} without an order (a refused order still burns its id). */
  public void burnClientId(Venue venue, String clientId) {
    try {
      tx(c -> {
        if (!exists(c, "SELECT 1 FROM paper_client_ids WHERE venue = ? AND client_id = ?", venue.name(), clientId)) {
          update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", venue.name(), clientId);
        }
        return null;
      });
    } catch (LedgerUnavailable e) {
      if (!e.duplicateKey()) {
        throw e;
      }
    }
  }

  /**
   * Records an executed order and moves its balances, all or nothing: when any asset would go negative nothing changes
   * and {@link InsufficientBalance} is thrown.
   */
  public void recordOrder(Venue venue, Order order, Map<String, BigDecimal> deltas) {
    settle();
    ensureBalanceRows(venue, deltas.keySet());
    tx(c -> {
      for (var d : new TreeMap<>(deltas).entrySet()) {
        move(c, venue, d.getKey(), d.getValue());
      }
      update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", venue.name(), order.clientId());
      insertOrder(c, venue, order);
      return null;
    });
  }

  /** Takes {@code w.amount()} from the sender and puts a deposit of {@code w.received()} on its way to the receiver. */
  public void recordWithdrawal(Withdrawal w) {
    settle();
    ensureBalanceRows(w.from(), Set.of(w.coin()));
    tx(c -> {
      move(c, w.from(), w.coin(), w.amount().negate());
      update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", w.from().name(), w.clientId());
      insertWithdrawal(c, w);
      insertDeposit(c,
          new PaperDeposit("paper-deposit-" + nextNumber(c), w.to(), w.coin(), w.received(), w.txId(), w.createdAtMs(),
              w.arrivesAtMs(), false),
          w.from(), w.clientId());
      return null;
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the paper perpetual-futures account (PaperPerpVenue)

  /**
   * The paper futures account's name in {@code paper_balances} (its USDT margin), {@code paper_orders},
   * {@code paper_client_ids} and {@code paper_positions} (migration V5): apart from the spot venues' rows.
   */
  public static final String FUTURES = "BINANCE_USDM";

  /** A perpetual position as the ledger keeps it (signed quantity, average entry, leverage, realised PnL so far). */
  public record PerpRow(String coin, BigDecimal quantity, BigDecimal entryPrice, int leverage, BigDecimal realizedPnl) {
    static PerpRow flat(String coin, int leverage) {
      return new PerpRow(coin, BigDecimal.ZERO, BigDecimal.ZERO, leverage, BigDecimal.ZERO);
    }
  }

  /**
   * What an order does to its position, decided on the position as committed (the row locked): the order to record, the
   * position after it, and the futures wallet's USDT change (realised PnL less the fee).
   */
  public record PerpTrade(Order order, PerpRow after, BigDecimal walletDelta) {}

  /** The futures wallet's USDT margin is started with {@code usdt} once, by whichever node opens the account first. */
  public void startFutures(BigDecimal usdt) {
    try {
      tx(c -> {
        if (!exists(c, "SELECT 1 FROM paper_balances WHERE venue = ?", FUTURES)) {
          update(c, "INSERT INTO paper_balances (venue, asset, amount) VALUES (?, 'USDT', " + NUM + ")", FUTURES, usdt);
          log.info("paper futures wallet started with {} USDT", usdt.toPlainString());
        }
        return null;
      });
    } catch (LedgerUnavailable e) {
      if (!e.duplicateKey()) {
        throw e;
      }
    }
    balanceRows.add(FUTURES + "/USDT");
  }

  /** The futures wallet's USDT (realised PnL and fees included, margin of open positions not deducted). */
  public BigDecimal futuresWallet() {
    return tx(c -> amount(c, FUTURES, "USDT")).orElse(BigDecimal.ZERO);
  }

  /** Every open or closed position of the futures account. */
  public List<PerpRow> perpPositions() {
    return tx(c -> {
      List<PerpRow> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT coin, quantity, entry_price, leverage, realized_pnl "
          + "FROM paper_positions WHERE account = ? ORDER BY coin")) {
        ps.setString(1, FUTURES);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(perpRow(rs));
          }
        }
      }
      return out;
    });
  }

  public Optional<PerpRow> perpPosition(String coin) {
    return tx(c -> readPosition(c, coin, false));
  }

  public Optional<Order> perpOrder(String clientId) {
    return order(FUTURES, clientId);
  }

  public boolean perpClientIdUsed(String clientId) {
    return tx(c -> exists(c, "SELECT 1 FROM paper_client_ids WHERE venue = ? AND client_id = ?", FUTURES, clientId));
  }

  /** Marks a refused futures order's client id as seen (a venue never takes an id twice). */
  public void burnPerpClientId(String clientId) {
    try {
      tx(c -> {
        if (!exists(c, "SELECT 1 FROM paper_client_ids WHERE venue = ? AND client_id = ?", FUTURES, clientId)) {
          update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", FUTURES, clientId);
        }
        return null;
      });
    } catch (LedgerUnavailable e) {
      if (!e.duplicateKey()) {
        throw e;
      }
    }
  }

  /**
   * One futures order in one transaction: {@code decide} sees the position as committed, its row locked until the end
   * (so that two nodes never reduce one position twice), and either refuses (its exception rolls everything back) or
   * says what the order does; the order, its client id, the position and the wallet then change together. A wallet
   * that would go negative refuses the order with {@link InsufficientBalance}.
   */
  public PerpTrade recordPerpOrder(String coin, int defaultLeverage, java.util.function.Function<PerpRow, PerpTrade> decide) {
    ensurePositionRow(coin, defaultLeverage);
    return tx(c -> {
      PerpRow before = readPosition(c, coin, true).orElseThrow(() -> new SQLException("no position row for " + coin));
      PerpTrade t = decide.apply(before);
      move(c, FUTURES, "USDT", t.walletDelta());
      writePosition(c, t.after());
      update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", FUTURES, t.order().clientId());
      insertOrder(c, FUTURES, t.order());
      return t;
    });
  }

  /** Sets the leverage of {@code coin}'s position row. */
  public void setPerpLeverage(String coin, int leverage) {
    ensurePositionRow(coin, leverage);
    tx(c -> update(c, "UPDATE paper_positions SET leverage = ?, updated_at_ms = ? WHERE account = ? AND coin = ?",
        leverage, clock.millis(), FUTURES, coin));
  }

  /**
   * Moves {@code usdt} between the Binance spot balance and the futures wallet in one transaction; a {@code clientId}
   * seen before makes it a no-op (the paper venue supports the retry the real one cannot).
   *
   * @return false when {@code clientId} had already moved it
   */
  public boolean transferMargin(boolean toFutures, BigDecimal usdt, String clientId) {
    ensureBalanceRows(Venue.BINANCE, Set.of("USDT"));
    balanceRows.add(FUTURES + "/USDT");
    return tx(c -> {
      if (exists(c, "SELECT 1 FROM paper_client_ids WHERE venue = ? AND client_id = ?", FUTURES, clientId)) {
        return false;
      }
      if (toFutures) {
        move(c, Venue.BINANCE.name(), "USDT", usdt.negate());
        move(c, FUTURES, "USDT", usdt);
      } else {
        move(c, FUTURES, "USDT", usdt.negate());
        move(c, Venue.BINANCE.name(), "USDT", usdt);
      }
      update(c, "INSERT INTO paper_client_ids (venue, client_id) VALUES (?, ?)", FUTURES, clientId);
      return true;
    });
  }

  private void ensurePositionRow(String coin, int leverage) {
    try {
      tx(c -> {
        if (!exists(c, "SELECT 1 FROM paper_positions WHERE account = ? AND coin = ?", FUTURES, coin)) {
          update(c, "INSERT INTO paper_positions (account, coin, quantity, entry_price, leverage, realized_pnl, "
              + "updated_at_ms) VALUES (?, ?, 0, 0, ?, 0, ?)", FUTURES, coin, leverage, clock.millis());
        }
        return null;
      });
    } catch (LedgerUnavailable e) {
      if (!e.duplicateKey()) {
        throw e;
      }
    }
  }

  private static Optional<PerpRow> readPosition(Connection c, String coin, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT coin, quantity, entry_price, leverage, realized_pnl "
        + "FROM paper_positions WHERE account = ? AND coin = ?" + (lock ? " FOR UPDATE" : ""))) {
      ps.setString(1, FUTURES);
      ps.setString(2, coin);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(perpRow(rs)) : Optional.empty();
      }
    }
  }

  private static PerpRow perpRow(ResultSet rs) throws SQLException {
    return new PerpRow(rs.getString(1), rs.getBigDecimal(2).stripTrailingZeros(), rs.getBigDecimal(3).stripTrailingZeros(),
        rs.getInt(4), rs.getBigDecimal(5).stripTrailingZeros());
  }

  private void writePosition(Connection c, PerpRow p) throws SQLException {
    update(c, "UPDATE paper_positions SET quantity = " + NUM + ", entry_price = " + NUM + ", leverage = ?, realized_pnl = "
        + NUM + ", updated_at_ms = ? WHERE account = ? AND coin = ?", p.quantity(), p.entryPrice(), p.leverage(),
        p.realizedPnl(), clock.millis(), FUTURES, p.coin());
  }

  /** Credits every deposit whose arrival time has passed, each in its own transaction, exactly once. */
  private void settle() {
    record Due(long id, Venue venue, String coin, BigDecimal amount) {}
    List<Due> due = tx(c -> {
      List<Due> out = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT id, venue, coin, amount FROM paper_deposits WHERE credited = FALSE AND arrives_at_ms <= ? "
                  + "ORDER BY id")) {
        ps.setLong(1, clock.millis());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Due(rs.getLong(1), Venue.valueOf(rs.getString(2)), rs.getString(3), rs.getBigDecimal(4)));
          }
        }
      }
      return out;
    });
    for (Due d : due) {
      ensureBalanceRows(d.venue(), Set.of(d.coin()));
      boolean credited = tx(c -> {
        if (update(c, "UPDATE paper_deposits SET credited = TRUE WHERE id = ? AND credited = FALSE", d.id()) == 0) {
          return false; // another node credited it
        }
        move(c, d.venue(), d.coin(), d.amount());
        return true;
      });
      if (credited) {
        log.info("paper deposit {} {} credited at {}", plain(d.amount()).toPlainString(), d.coin(), d.venue());
      }
    }
  }

  /** Moves a balance by {@code delta} under the row's lock; refuses (rolling back the transaction) below zero. */
  private static void move(Connection c, Venue venue, String asset, BigDecimal delta) throws SQLException {
    move(c, venue.name(), asset, delta);
  }

  private static void move(Connection c, String venue, String asset, BigDecimal delta) throws SQLException {
    if (delta.signum() == 0) {
      return;
    }
    int n = update(c, "UPDATE paper_balances SET amount = amount + " + NUM + " WHERE venue = ? AND asset = ? AND amount + "
        + NUM + " >= 0", delta, venue, asset, delta);
    if (n == 1) {
      return;
    }
    BigDecimal has = amount(c, venue, asset).orElse(BigDecimal.ZERO);
    throw new InsufficientBalance(
        venue + " has " + has.toPlainString() + " " + asset + ", needs " + delta.negate().toPlainString());
  }

  private void ensureBalanceRows(Venue venue, Set<String> assets) {
    for (String asset : assets) {
      String key = venue.name() + "/" + asset;
      if (balanceRows.contains(key)) {
        continue;
      }
      try {
        tx(c -> {
          if (!exists(c, "SELECT 1 FROM paper_balances WHERE venue = ? AND asset = ?", venue.name(), asset)) {
            update(c, "INSERT INTO paper_balances (venue, asset, amount) VALUES (?, ?, 0)", venue.name(), asset);
          }
          return null;
        });
      } catch (LedgerUnavailable e) {
        if (!e.duplicateKey()) {
          throw e;
        }
      }
      balanceRows.add(key);
    }
  }

  private static long nextNumber(Connection c) throws SQLException {
    if (update(c, "UPDATE paper_ledger SET next_id = next_id + 1 WHERE id = 1") != 1) {
      throw new SQLException("the paper ledger has not started (no row in paper_ledger)");
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT next_id FROM paper_ledger WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void insertOrder(Connection c, Venue venue, Order o) throws SQLException {
    insertOrder(c, venue.name(), o);
  }

  private static void insertOrder(Connection c, String venue, Order o) throws SQLException {
    update(c, "INSERT INTO paper_orders (venue, client_id, order_id, coin, side, status, filled_quantity, quote_amount, "
            + "fee, fee_asset, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, " + NUM + ", " + NUM + ", " + NUM + ", ?, ?)",
        venue, o.clientId(), o.orderId(), o.coin(), o.side().name(), o.status().name(), o.filledQuantity(),
        o.quoteAmount(), o.fee(), o.feeAsset(), o.updatedAtMs());
  }

  private static void insertWithdrawal(Connection c, Withdrawal w) throws SQLException {
    update(c, "INSERT INTO paper_withdrawals (venue, client_id, withdrawal_id, to_venue, coin, amount, fee, received, "
            + "address, tag, tx_id, created_at_ms, arrives_at_ms) VALUES (?, ?, ?, ?, ?, " + NUM + ", " + NUM + ", " + NUM
            + ", ?, ?, ?, ?, ?)",
        w.from().name(), w.clientId(), w.withdrawalId(), w.to().name(), w.coin(), w.amount(), w.fee(), w.received(),
        w.address(), w.tag(), w.txId(), w.createdAtMs(), w.arrivesAtMs());
  }

  private static void insertDeposit(Connection c, PaperDeposit d, Venue fromVenue, String withdrawalClientId)
      throws SQLException {
    update(c, "INSERT INTO paper_deposits (deposit_id, venue, coin, amount, tx_id, withdrawal_venue, withdrawal_client_id, "
            + "created_at_ms, arrives_at_ms, credited) VALUES (?, ?, ?, " + NUM + ", ?, ?, ?, ?, ?, ?)",
        d.depositId(), d.venue().name(), d.coin(), d.amount(), d.txId(), fromVenue == null ? null : fromVenue.name(),
        withdrawalClientId, d.createdAtMs(), d.arrivesAtMs(), d.credited());
  }

  private static Optional<BigDecimal> amount(Connection c, Venue venue, String asset) throws SQLException {
    return amount(c, venue.name(), asset);
  }

  private static Optional<BigDecimal> amount(Connection c, String venue, String asset) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM paper_balances WHERE venue = ? AND asset = ?")) {
      ps.setString(1, venue);
      ps.setString(2, asset);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(plain(rs.getBigDecimal(1))) : Optional.empty();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // JDBC

  private <T> T tx(Work<T> work) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new LedgerUnavailable("paper ledger: " + e.getMessage(), e);
    }
  }

  private static boolean exists(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (a instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else if (a instanceof Boolean b) {
        ps.setBoolean(i + 1, b);
      } else if (a instanceof BigDecimal d) {
        ps.setBigDecimal(i + 1, d);
      } else {
        ps.setString(i + 1, a.toString());
      }
    }
  }

  /**
   * A NUMERIC(38, 18) at the paper venues' scale of 8 decimals (more only where the value has them), so that an action
   * read back equals the one the venue answered when it was made.
   */
  private static BigDecimal plain(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 8 ? s.setScale(8) : s;
  }

  @Override
  public String toString() {
    return "PaperLedger[database]";
  }
}
