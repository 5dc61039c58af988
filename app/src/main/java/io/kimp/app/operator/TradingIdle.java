package io.kimp.app.operator;

import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.portfolio.Portfolio;
import io.kimp.core.portfolio.PortfolioSettings;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * "Why is it not trading?": the first thing, in order, that keeps the engine from opening a cycle now. Operators' own
 * switch and the risk limits come before the market: a paused engine is paused whatever the premiums do.
 *
 * @param idle false when a new cycle could open now
 * @param code {@code PAUSED}, {@code KEY_REJECTED} (a venue rejected an API key), {@code DAILY_LOSS_LIMIT}, {@code SLOTS_HELD}, {@code EXPOSURE_HELD}, {@code STALE_FX},
 *     {@code STALE_FEEDS}, {@code NO_OPPORTUNITY} (the market: nothing to fix), or {@code TRADING}
 * @param market true when the reason is the market itself (no coin above the threshold), not something to act on
 * @param detail the figures behind the reason (who paused, slots held, best coin …)
 */
public record TradingIdle(boolean idle, String code, boolean market, String message, Map<String, Object> detail) {

  /** Who pauses when the realised loss of the day reaches the limit (the portfolio's own pause). */
  static final String LOSS_LIMIT = Portfolio.LOSS_LIMIT;

  /**
   * @param openDeadLetters the dead-letter queue's open entries (their cycles keep their reservations)
   * @param minSpreadPercent the net edge a coin needs (the cluster's current threshold)
   */
  public static TradingIdle of(
      Portfolio.Snapshot s, List<DeadLetterQueue.Entry> openDeadLetters, PremiumBoard board, double minSpreadPercent,
      long now) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (s.paused()) {
      d.put("by", s.pausedBy());
      d.put("reason", s.pauseReason());
      if (LOSS_LIMIT.equals(s.pausedBy())) {
        d.put("todayRealizedPnlKrw", s.todayRealizedPnlKrw());
        d.put("dailyLossLimitKrw", s.settings().dailyLossLimitKrw());
        return new TradingIdle(true, "DAILY_LOSS_LIMIT", false,
            "daily loss limit reached: " + s.pauseReason() + " (resume to trade again today)", d);
      }
      if (s.pauseKind() == Portfolio.PauseKind.KEY_REJECTED) {
        return new TradingIdle(true, "KEY_REJECTED", false, "an API key was rejected: " + s.pauseReason(), d);
      }
      return new TradingIdle(true, "PAUSED", false,
          "paused by " + s.pausedBy() + (s.pauseReason() == null || s.pauseReason().isBlank() ? ""
              : ": " + s.pauseReason()), d);
    }
    PortfolioSettings settings = s.settings();
    Set<UUID> deadLettered =
        openDeadLetters.stream().map(DeadLetterQueue.Entry::cycleId).collect(Collectors.toSet());
    long heldByDeadLetters =
        s.reservations().values().stream().filter(r -> deadLettered.contains(r.cycleId())).count();
    int held = s.reservations().size();
    if (held >= settings.maxConcurrentCycles()) {
      d.put("slots", settings.maxConcurrentCycles());
      d.put("held", held);
      d.put("heldByDeadLetters", heldByDeadLetters);
      return new TradingIdle(true, "SLOTS_HELD", false,
          "all " + settings.maxConcurrentCycles() + " cycle slots are held"
              + (heldByDeadLetters > 0
                  ? " (" + heldByDeadLetters + " by dead-lettered cycles: recover or discard them)"
                  : " by open cycles"), d);
    }
    BigDecimal size = BigDecimal.valueOf(PremiumBoard.sizeOf(settings));
    BigDecimal room = settings.maxExposureKrw().subtract(s.reservedKrw());
    if (room.compareTo(settings.minOrderKrw()) < 0 || s.freeKrw().compareTo(settings.minOrderKrw()) < 0) {
      d.put("reservedKrw", s.reservedKrw());
      d.put("maxExposureKrw", settings.maxExposureKrw());
      d.put("freeKrw", s.freeKrw());
      d.put("heldByDeadLetters", heldByDeadLetters);
      return new TradingIdle(true, "EXPOSURE_HELD", false,
          "the exposure limit is held: " + s.reservedKrw().toPlainString() + " of "
              + settings.maxExposureKrw().toPlainString() + " KRW reserved"
              + (heldByDeadLetters > 0 ? " (" + heldByDeadLetters + " dead-lettered cycles hold capital)" : ""), d);
    }
    d.put("sizeKrw", size);
    if (PremiumBoard.rateStale(board.market(), now, board.staleAfterMillis())) {
      return new TradingIdle(true, "STALE_FX", false, "the USDT/KRW rate is stale: no premium can be trusted", d);
    }
    List<PremiumBoard.Row> rows = board.rows(now);
    long fresh = rows.stream().filter(r -> !r.stale()).count();
    d.put("coins", rows.size());
    d.put("freshCoins", fresh);
    if (fresh == 0) {
      return new TradingIdle(true, "STALE_FEEDS", false,
          rows.isEmpty() ? "no market data yet" : "every coin's feed is stale (" + rows.size() + " coins)", d);
    }
    Optional<PremiumBoard.Row> best = board.best(now);
    d.put("minSpreadPercent", minSpreadPercent);
    best.ifPresent(b -> {
      d.put("bestCoin", b.coin());
      d.put("bestNetEdgePercent", b.netEdgePercent());
    });
    if (best.isEmpty() || best.get().netEdgePercent() < minSpreadPercent) {
      return new TradingIdle(true, "NO_OPPORTUNITY", true,
          String.format(Locale.ROOT, "no coin above the %.2f %% net-edge threshold%s", minSpreadPercent,
              best.map(b -> String.format(Locale.ROOT, " (best: %s %.2f %%)", b.coin(), b.netEdgePercent()))
                  .orElse("")), d);
    }
    return new TradingIdle(false, "TRADING", false,
        String.format(Locale.ROOT, "trading: %s at %.2f %% net edge is above the %.2f %% threshold",
            best.get().coin(), best.get().netEdgePercent(), minSpreadPercent), d);
  }
}
