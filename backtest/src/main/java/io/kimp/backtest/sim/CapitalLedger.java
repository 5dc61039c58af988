package io.kimp.backtest.sim;

import io.kimp.core.portfolio.PortfolioSettings;
import io.kimp.core.portfolio.Sizing;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The replay's capital ledger: reservations sized by the live {@link Sizing} rule against equity (capital plus realised
 * result) and what open cycles hold, keyed by symbol as the live portfolio keys them; releases are idempotent per cycle.
 * Not modelled: the live portfolio's pause on a breached daily loss limit (that rule lives inside the Portfolio actor).
 */
public final class CapitalLedger {
  private record Reservation(UUID cycleId, BigDecimal amountKrw) {}

  private final PortfolioSettings settings;
  private final Map<String, Reservation> reservations = new LinkedHashMap<>();
  private final Set<UUID> released = new HashSet<>();
  private BigDecimal realizedPnlKrw = BigDecimal.ZERO;

  public CapitalLedger(PortfolioSettings settings) {
    this.settings = settings;
  }

  /** What a cycle of {@code symbol} would be granted now, before any opportunity limits it. */
  public Sizing.Result wouldGrant(String symbol) {
    return size(symbol, null);
  }

  /** Reserves capital for {@code cycleId}; {@code capKrw} is the opportunity's own size limit (nullable). */
  public Sizing.Result reserve(String symbol, UUID cycleId, BigDecimal capKrw) {
    Reservation existing = reservations.get(symbol);
    if (existing != null && existing.cycleId().equals(cycleId)) {
      return new Sizing.Result(existing.amountKrw(), null);
    }
    Sizing.Result r = size(symbol, capKrw);
    if (r.granted()) {
      reservations.put(symbol, new Reservation(cycleId, r.amountKrw()));
    }
    return r;
  }

  private Sizing.Result size(String symbol, BigDecimal capKrw) {
    // a reservation the symbol's entity replaces belonged to a cycle that never started
    Reservation existing = reservations.get(symbol);
    BigDecimal reserved = reserved().subtract(existing == null ? BigDecimal.ZERO : existing.amountKrw());
    int open = reservations.size() - (existing == null ? 0 : 1);
    return Sizing.size(settings, equityKrw(), reserved, open, capKrw);
  }

  /** Returns a cycle's capital with its realised result; false when it was released before. */
  public boolean release(String symbol, UUID cycleId, BigDecimal realizedPnlKrw) {
    if (!released.add(cycleId)) {
      return false;
    }
    Reservation r = reservations.get(symbol);
    if (r != null && r.cycleId().equals(cycleId)) {
      reservations.remove(symbol);
    }
    this.realizedPnlKrw = this.realizedPnlKrw.add(realizedPnlKrw == null ? BigDecimal.ZERO : realizedPnlKrw);
    return true;
  }

  public BigDecimal capitalKrw() {
    return settings.capitalKrw();
  }

  public BigDecimal realizedPnlKrw() {
    return realizedPnlKrw;
  }

  public BigDecimal equityKrw() {
    return settings.capitalKrw().add(realizedPnlKrw);
  }

  public BigDecimal reserved() {
    return reservations.values().stream().map(Reservation::amountKrw).reduce(BigDecimal.ZERO, BigDecimal::add);
  }
}
