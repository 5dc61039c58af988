package io.kimp.gateway.paper;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.core.market.Venue;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code paper-ledger.json} of kimp 0.1 (one file per node, rewritten after every change), read once to be imported
 * into the database ledger ({@link PaperLedger#open}).
 */
public record LegacyLedgerFile(Path file, String sha256, Snapshot snapshot) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  static final int VERSION = 1;

  /** The file format. */
  public record Snapshot(
      int version,
      long sequence,
      Map<Venue, Map<String, BigDecimal>> balances,
      Map<Venue, Map<String, PaperLedger.Order>> orders,
      Map<Venue, Set<String>> usedClientIds,
      Map<Venue, Map<String, PaperLedger.Withdrawal>> withdrawals,
      List<PaperLedger.PaperDeposit> deposits) {

    public Snapshot {
      balances = balances == null ? Map.of() : balances;
      orders = orders == null ? Map.of() : orders;
      usedClientIds = usedClientIds == null ? Map.of() : usedClientIds;
      withdrawals = withdrawals == null ? Map.of() : withdrawals;
      deposits = deposits == null ? List.of() : deposits;
    }
  }

  /** A file that exists but cannot be read as a ledger. */
  public static final class Unreadable extends RuntimeException {
    public Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads {@code file}; {@link Unreadable} when it is not a version-1 ledger. */
  public static LegacyLedgerFile read(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Snapshot s = MAPPER.readValue(bytes, Snapshot.class);
      if (s.version() != VERSION) {
        throw new Unreadable("paper ledger " + file + " has version " + s.version() + ", expected " + VERSION);
      }
      return new LegacyLedgerFile(file, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), s);
    } catch (IOException e) {
      throw new Unreadable("paper ledger " + file + " cannot be read: " + firstLine(e.getMessage()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The client ids of the executed orders and withdrawals the file holds. */
  public Set<String> actionClientIds() {
    Set<String> ids = new TreeSet<>();
    snapshot.orders().values().forEach(m -> ids.addAll(m.keySet()));
    snapshot.withdrawals().values().forEach(m -> ids.addAll(m.keySet()));
    return ids;
  }

  public int orderCount() {
    return snapshot.orders().values().stream().mapToInt(Map::size).sum();
  }

  public int withdrawalCount() {
    return snapshot.withdrawals().values().stream().mapToInt(Map::size).sum();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
