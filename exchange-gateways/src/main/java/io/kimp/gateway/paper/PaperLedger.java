package io.kimp.gateway.paper;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.Balance;
import io.kimp.core.venue.OrderSide;
import io.kimp.core.venue.OrderStatus;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The truth both paper venues share: balances, orders, withdrawals and the deposits they turn into. Every change is
 * written to a JSON file (temp file, fsync, atomic rename) before the caller hears of it, so a node that dies between an
 * intent and its reply finds the action after a restart, exactly as it would at a real venue.
 *
 * <p>Transfers settle lazily: a deposit carries its arrival time and is credited by the first call that sees the time
 * has passed, so no timer has to survive a restart.
 */
public final class PaperLedger {
  private static final Logger log = LoggerFactory.getLogger(PaperLedger.class);
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final int VERSION = 1;

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
      boolean credited) {

    boolean due(long nowMs) {
      return !credited && arrivesAtMs != null && arrivesAtMs <= nowMs;
    }
  }

  /** The file format. */
  record Snapshot(
      int version,
      long sequence,
      Map<Venue, Map<String, BigDecimal>> balances,
      Map<Venue, Map<String, Order>> orders,
      Map<Venue, Set<String>> usedClientIds,
      Map<Venue, Map<String, Withdrawal>> withdrawals,
      List<PaperDeposit> deposits) {}

  /** Not enough of {@code asset}: the venue refuses the action. */
  public static final class InsufficientBalance extends RuntimeException {
    public InsufficientBalance(String message) {
      super(message, null, false, false);
    }
  }

  private final Path file;
  private final Clock clock;
  private long sequence;
  private final Map<Venue, Map<String, BigDecimal>> balances = new EnumMap<>(Venue.class);
  private final Map<Venue, Map<String, Order>> orders = new EnumMap<>(Venue.class);
  private final Map<Venue, Set<String>> usedClientIds = new EnumMap<>(Venue.class);
  private final Map<Venue, Map<String, Withdrawal>> withdrawals = new EnumMap<>(Venue.class);
  private final List<PaperDeposit> deposits = new ArrayList<>();

  private PaperLedger(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    for (Venue v : Venue.values()) {
      balances.put(v, new TreeMap<>());
      orders.put(v, new LinkedHashMap<>());
      usedClientIds.put(v, new HashSet<>());
      withdrawals.put(v, new LinkedHashMap<>());
    }
  }

  /**
   * Loads the ledger from {@code file}, or starts one with {@code initialBalances} when the file does not exist yet.
   * A file that exists but cannot be read is an error: starting afresh would forget executed actions.
   */
  public static PaperLedger open(Path file, Map<Venue, Map<String, BigDecimal>> initialBalances, Clock clock) {
    PaperLedger ledger = new PaperLedger(file, clock);
    if (Files.exists(file)) {
      try {
        Snapshot s = MAPPER.readValue(file.toFile(), Snapshot.class);
        ledger.restore(s);
        log.info("paper ledger loaded from {} ({} orders, {} withdrawals)", file,
            s.orders().values().stream().mapToInt(Map::size).sum(),
            s.withdrawals().values().stream().mapToInt(Map::size).sum());
      } catch (IOException e) {
        throw new UncheckedIOException("paper ledger " + file + " exists but cannot be read", e);
      }
    } else {
      initialBalances.forEach((venue, assets) -> ledger.balances.get(venue).putAll(assets));
      ledger.persist();
      log.info("paper ledger started at {} with {}", file, initialBalances);
    }
    return ledger;
  }

  private void restore(Snapshot s) {
    if (s.version() != VERSION) {
      throw new IllegalStateException("paper ledger " + file + " has version " + s.version() + ", expected " + VERSION);
    }
    sequence = s.sequence();
    s.balances().forEach((v, m) -> balances.get(v).putAll(m));
    s.orders().forEach((v, m) -> orders.get(v).putAll(m));
    s.usedClientIds().forEach((v, ids) -> usedClientIds.get(v).addAll(ids));
    s.withdrawals().forEach((v, m) -> withdrawals.get(v).putAll(m));
    deposits.addAll(s.deposits());
  }

  public Path file() {
    return file;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // reads

  public synchronized Map<String, Balance> balances(Venue venue) {
    settle();
    Map<String, Balance> out = new LinkedHashMap<>();
    balances.get(venue).forEach((asset, free) -> out.put(asset, new Balance(asset, free, BigDecimal.ZERO)));
    return out;
  }

  public synchronized BigDecimal free(Venue venue, String asset) {
    settle();
    return balances.get(venue).getOrDefault(asset, BigDecimal.ZERO);
  }

  public synchronized Optional<Order> order(Venue venue, String clientId) {
    return Optional.ofNullable(orders.get(venue).get(clientId));
  }

  /** Whether {@code clientId} was ever sent to {@code venue} (an order, a refused order, a withdrawal). */
  public synchronized boolean clientIdUsed(Venue venue, String clientId) {
    return usedClientIds.get(venue).contains(clientId);
  }

  public synchronized Optional<Withdrawal> withdrawal(Venue venue, String clientId) {
    settle();
    return Optional.ofNullable(withdrawals.get(venue).get(clientId));
  }

  /** Whether the deposit of {@code w} has been credited at its destination. */
  public synchronized boolean arrived(Withdrawal w) {
    settle();
    return deposits.stream().anyMatch(d -> d.txId().equals(w.txId()) && d.credited());
  }

  public synchronized List<PaperDeposit> deposits(Venue venue, String coin, Instant since) {
    settle();
    List<PaperDeposit> out = new ArrayList<>();
    for (PaperDeposit d : deposits) {
      if (d.venue() == venue && d.coin().equals(coin) && d.createdAtMs() >= since.toEpochMilli()) {
        out.add(d);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // changes

  public synchronized String nextId(String prefix) {
    sequence++;
    return prefix + "-" + sequence;
  }

  /** Marks {@code clientId} as seen at {@code venue} without an order (a refused order still burns its id). */
  public synchronized void burnClientId(Venue venue, String clientId) {
    if (usedClientIds.get(venue).add(clientId)) {
      persist();
    }
  }

  /**
   * Records an executed order and moves its balances, all or nothing: when any asset would go negative nothing changes
   * and {@link InsufficientBalance} is thrown.
   */
  public synchronized void recordOrder(Venue venue, Order order, Map<String, BigDecimal> deltas) {
    settle();
    apply(venue, deltas);
    usedClientIds.get(venue).add(order.clientId());
    orders.get(venue).put(order.clientId(), order);
    persist();
  }

  /** Takes {@code w.amount()} from the sender and puts a deposit of {@code w.received()} on its way to the receiver. */
  public synchronized void recordWithdrawal(Withdrawal w) {
    settle();
    apply(w.from(), Map.of(w.coin(), w.amount().negate()));
    usedClientIds.get(w.from()).add(w.clientId());
    withdrawals.get(w.from()).put(w.clientId(), w);
    deposits.add(
        new PaperDeposit(nextId("paper-deposit"), w.to(), w.coin(), w.received(), w.txId(), w.createdAtMs(),
            w.arrivesAtMs(), false));
    persist();
  }

  private void apply(Venue venue, Map<String, BigDecimal> deltas) {
    Map<String, BigDecimal> book = balances.get(venue);
    for (Map.Entry<String, BigDecimal> d : deltas.entrySet()) {
      BigDecimal after = book.getOrDefault(d.getKey(), BigDecimal.ZERO).add(d.getValue());
      if (after.signum() < 0) {
        throw new InsufficientBalance(
            venue + " has " + book.getOrDefault(d.getKey(), BigDecimal.ZERO).toPlainString() + " " + d.getKey()
                + ", needs " + d.getValue().negate().toPlainString());
      }
    }
    deltas.forEach((asset, delta) -> book.merge(asset, delta, BigDecimal::add));
  }

  /** Credits every deposit whose arrival time has passed. */
  private void settle() {
    long now = clock.millis();
    boolean changed = false;
    for (int i = 0; i < deposits.size(); i++) {
      PaperDeposit d = deposits.get(i);
      if (d.due(now)) {
        balances.get(d.venue()).merge(d.coin(), d.amount(), BigDecimal::add);
        deposits.set(
            i, new PaperDeposit(d.depositId(), d.venue(), d.coin(), d.amount(), d.txId(), d.createdAtMs(),
                d.arrivesAtMs(), true));
        changed = true;
        log.info("paper deposit {} {} credited at {}", d.amount().toPlainString(), d.coin(), d.venue());
      }
    }
    if (changed) {
      persist();
    }
  }

  private void persist() {
    Map<Venue, Map<String, BigDecimal>> b = new EnumMap<>(Venue.class);
    balances.forEach((v, m) -> b.put(v, new TreeMap<>(m)));
    Map<Venue, Map<String, Order>> o = new EnumMap<>(Venue.class);
    orders.forEach((v, m) -> o.put(v, new LinkedHashMap<>(m)));
    Map<Venue, Set<String>> ids = new EnumMap<>(Venue.class);
    usedClientIds.forEach((v, s) -> ids.put(v, new HashSet<>(s)));
    Map<Venue, Map<String, Withdrawal>> w = new EnumMap<>(Venue.class);
    withdrawals.forEach((v, m) -> w.put(v, new LinkedHashMap<>(m)));
    Snapshot s = new Snapshot(VERSION, sequence, b, o, ids, w, new ArrayList<>(deposits));
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
        out.write(MAPPER.writeValueAsBytes(s));
        out.getFD().sync();
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the paper ledger " + file, e);
    }
  }

  /** For tests and the CLI: a copy of the balances of every venue. */
  public synchronized Map<Venue, Map<String, BigDecimal>> allBalances() {
    settle();
    Map<Venue, Map<String, BigDecimal>> out = new EnumMap<>(Venue.class);
    balances.forEach((v, m) -> out.put(v, new HashMap<>(m)));
    return out;
  }
}
