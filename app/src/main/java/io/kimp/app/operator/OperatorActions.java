package io.kimp.app.operator;

import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.Direction;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * What an operator can see and do, independent of the channel: the Telegram bot's commands call it, and the admin HTTP API
 * is meant to call the same methods. Implemented over the real actors (portfolio, dead-letter queue, cycles) and the read
 * tables; results are typed so that each channel renders them its own way (MarkdownV2 here, JSON there).
 *
 * <p>Every method completes (normally or exceptionally) without blocking the caller; {@code by} names who acted, e.g.
 * {@code telegram:@alice} or {@code api:admin}, and is recorded by the actor that carries the action out.
 */
public interface OperatorActions {

  CompletionStage<EngineStatus> status();

  /** Current premiums of the watched coins, highest first. */
  CompletionStage<List<PremiumRow>> premiums();

  CompletionStage<List<CycleRow>> cycles(CycleQuery query);

  CompletionStage<List<DeadLetterQueue.Entry>> deadLetters(boolean openOnly);

  /** Resume a dead-lettered cycle from its failed step (retry count reset). */
  CompletionStage<DeadLetterQueue.Outcome> recover(UUID cycleId, String by);

  /** No new cycles cluster-wide; running cycles finish. Idempotent. */
  CompletionStage<TradingSwitch> pause(String by, String reason);

  CompletionStage<TradingSwitch> resume(String by);

  /** The results of trading day {@code day} (in the trading-day zone). */
  CompletionStage<DailySummary> dailySummary(LocalDate day);

  // ---- results

  enum Health {
    UP,
    DEGRADED,
    DOWN
  }

  /** One dependency's health, e.g. {@code feeds}, {@code journal}, {@code cluster}. */
  record ComponentHealth(String name, Health health, String detail) {}

  record TradingSwitch(boolean paused, String by, String reason) {}

  /**
   * @param todayRealizedPnlKrw realised profit (negative: loss) of the current trading day
   */
  record EngineStatus(
      Instant at,
      Health health,
      TradingSwitch trading,
      BigDecimal equityKrw,
      BigDecimal reservedKrw,
      BigDecimal freeKrw,
      BigDecimal todayRealizedPnlKrw,
      int openCycles,
      int openDeadLetters,
      List<ComponentHealth> components) {}

  /**
   * @param premiumPercent Upbit over Binance at {@code usdtKrw}; negative when Upbit is cheaper
   */
  record PremiumRow(
      String symbol, double premiumPercent, BigDecimal upbitKrw, BigDecimal binanceUsdt, BigDecimal usdtKrw,
      Instant observedAt) {}

  /** Which cycles to list; nulls mean "any". */
  record CycleQuery(CycleStatus status, String symbol, boolean openOnly, int limit, int offset) {
    public CycleQuery {
      if (limit < 1 || offset < 0) {
        throw new IllegalArgumentException("limit must be ≥ 1 and offset ≥ 0");
      }
    }

    public static CycleQuery open(int limit) {
      return new CycleQuery(null, null, true, limit, 0);
    }
  }

  /**
   * @param step the step running or failed; null between steps
   * @param netProfitKrw known once the cycle completed
   * @param hedged a transfer hedge's short was opened on some leg
   */
  record CycleRow(
      UUID cycleId, String symbol, Direction direction, CycleStatus status, Leg leg, Step step, int retryCount,
      BigDecimal investmentKrw, BigDecimal netProfitKrw, Instant startedAt, Instant statusSince, boolean hedged) {}

  record DailySummary(
      LocalDate day,
      int cyclesStarted,
      int cyclesCompleted,
      int cyclesDeadLettered,
      BigDecimal realizedPnlKrw,
      BigDecimal equityKrw,
      int openCycles,
      int openDeadLetters,
      boolean tradingPaused) {}
}
