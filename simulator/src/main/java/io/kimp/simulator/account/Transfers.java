package io.kimp.simulator.account;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "chain" between the two simulated venues: each venue has one deposit address per coin (and a tag for coins that
 * need one); a withdrawal to the other venue's address leaves at once and is credited there {@code delay} later, seen as
 * a pending deposit meanwhile. Arrival is evaluated when the accounts are next looked at ({@link #settle}), so nothing
 * depends on a timer. Guarded by {@link SimAccounts}' lock.
 */
final class Transfers {
  enum Side { UPBIT, BINANCE }

  /** One transfer; {@code credited} once its deposit reached the receiving account. */
  static final class Transfer {
    final long seq;
    final String txId;
    final String coin;
    final String network;
    final BigDecimal amount;
    final String address;
    final String tag;
    final Side from;
    final Side to;
    final long sentAt;
    final long arrivesAt;
    final String depositId;
    boolean credited;

    Transfer(long seq, String txId, String coin, String network, BigDecimal amount, String address, String tag, Side from,
        Side to, long sentAt, long arrivesAt, String depositId) {
      this.seq = seq;
      this.txId = txId;
      this.coin = coin;
      this.network = network;
      this.amount = amount;
      this.address = address;
      this.tag = tag;
      this.from = from;
      this.to = to;
      this.sentAt = sentAt;
      this.arrivesAt = arrivesAt;
      this.depositId = depositId;
    }

    boolean arrived(long now) {
      return now >= arrivesAt;
    }
  }

  private final Map<String, Side> owners = new HashMap<>();
  private final List<Transfer> transfers = new ArrayList<>();
  private final AtomicLong seq = new AtomicLong();
  private long delayMillis;
  private boolean held;

  Transfers(long delayMillis) {
    this.delayMillis = delayMillis;
  }

  void delay(long millis) {
    this.delayMillis = millis;
  }

  /** While held, transfers sent never arrive. */
  void hold(boolean hold) {
    this.held = hold;
  }

  long delayMillis() {
    return delayMillis;
  }

  /** The venue's deposit address for {@code coin} (stable: derived from the venue and the coin). */
  String address(Side venue, String coin) {
    String a = "sim" + venue.name().toLowerCase(Locale.ROOT) + coin.toLowerCase(Locale.ROOT) + hash(venue + coin, 16);
    owners.put(a, venue);
    return a;
  }

  /** The venue's deposit tag for {@code coin}, or null when the coin needs none. */
  String tag(Side venue, String coin) {
    if (!CoinWallet.TAG_COINS.contains(coin)) {
      return null;
    }
    return venue == Side.UPBIT ? "771204" : "482931";
  }

  /** The venue an address belongs to, or null. */
  Side owner(String address) {
    return owners.get(address);
  }

  /** Sends {@code amount} (what arrives) from {@code from} to the owner of {@code address}. */
  Transfer send(Side from, String coin, String network, BigDecimal amount, String address, String tag, long now) {
    long n = seq.incrementAndGet();
    Transfer t = new Transfer(n, hash("tx" + n + coin + address + now, 64), coin, network, amount, address, tag, from,
        owners.get(address), now, held ? Long.MAX_VALUE : now + delayMillis, java.util.UUID.nameUUIDFromBytes(("deposit" + n).getBytes()).toString());
    transfers.add(t);
    return t;
  }

  /** Credits every transfer that has arrived by {@code now} to its receiving ledger, where its deposits are open. */
  void settle(long now, Map<Side, Ledger> ledgers, java.util.function.BiPredicate<Side, String> depositOpen) {
    for (Transfer t : transfers) {
      if (!t.credited && t.arrived(now) && depositOpen.test(t.to, t.coin)) {
        t.credited = true;
        ledgers.get(t.to).credit(t.coin, t.amount);
      }
    }
  }

  /** Transfers arriving at {@code venue} (its deposits), oldest first. */
  List<Transfer> depositsTo(Side venue) {
    return transfers.stream().filter(t -> t.to == venue).toList();
  }

  /** Transfers in flight (sent, not yet credited). */
  List<Transfer> inFlight() {
    return transfers.stream().filter(t -> !t.credited).toList();
  }

  private static String hash(String s, int hexChars) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
