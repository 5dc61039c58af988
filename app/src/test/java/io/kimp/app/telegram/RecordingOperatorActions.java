package io.kimp.app.telegram;

import io.kimp.app.operator.OperatorActions;
import io.kimp.core.cycle.CycleEffect.DeadLetterEntry;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.dlq.DeadLetterQueue;
import io.kimp.core.market.Direction;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Operator actions that record each call and answer with fixed, recognisable data: the notifier tests check the Telegram
 * adapter (parsing, calling, rendering), not the engine behind it.
 */
final class RecordingOperatorActions implements OperatorActions {

  static final UUID DEAD_CYCLE = UUID.fromString("0b7c6f3e-5a41-4f7e-9a55-3c2f8e1d9a01");
  static final UUID OPEN_CYCLE = UUID.fromString("7d1e2f30-1111-4a2b-8c3d-4e5f60718293");

  private final List<String> calls = new ArrayList<>();
  private volatile boolean paused;

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  private synchronized void record(String call) {
    calls.add(call);
  }

  @Override
  public CompletionStage<EngineStatus> status() {
    record("status");
    return done(
        new EngineStatus(Instant.now(), Health.DEGRADED, trading(), new BigDecimal("10250000"),
            new BigDecimal("250000"), new BigDecimal("10000000"), new BigDecimal("-12345.6"), 1, 1,
            List.of(new ComponentHealth("feeds", Health.DEGRADED, "binance stale 42s"),
                new ComponentHealth("journal", Health.UP, null))));
  }

  @Override
  public CompletionStage<List<PremiumRow>> premiums() {
    record("premiums");
    return done(
        List.of(
            new PremiumRow("XRP", 3.1415, new BigDecimal("3210.5"), new BigDecimal("2.2"), new BigDecimal("1400.25"),
                Instant.now()),
            new PremiumRow("BTC", -0.42, new BigDecimal("140000000"), new BigDecimal("98000.1"),
                new BigDecimal("1400.25"), Instant.now())));
  }

  @Override
  public CompletionStage<List<CycleRow>> cycles(CycleQuery query) {
    record("cycles open=" + query.openOnly());
    return done(
        List.of(
            new CycleRow(OPEN_CYCLE, "SOL", Direction.KIMCHI, CycleStatus.AWAITING_RETRY, Leg.INITIAL, Step.WITHDRAW, 2,
                new BigDecimal("250000"), null, Instant.now(), Instant.now(), false)));
  }

  @Override
  public CompletionStage<List<DeadLetterQueue.Entry>> deadLetters(boolean openOnly) {
    record("dlq open=" + openOnly);
    DeadLetterEntry d =
        new DeadLetterEntry(DEAD_CYCLE, "DOGE", CycleStatus.STARTED, Leg.INITIAL, Step.BUY, "PERMANENT",
            "insufficient balance (code -2010) [sic] *really*", 5, Instant.now());
    return done(
        List.of(new DeadLetterQueue.Entry(d, DeadLetterQueue.EntryStatus.OPEN, 1, null, null, Instant.now())));
  }

  @Override
  public CompletionStage<DeadLetterQueue.Outcome> recover(UUID cycleId, String by) {
    record("recover " + cycleId + " by " + by);
    if (!cycleId.equals(DEAD_CYCLE)) {
      return done(new DeadLetterQueue.Outcome(cycleId, "NOT_FOUND", "no dead-lettered cycle " + cycleId, null));
    }
    return done(new DeadLetterQueue.Outcome(cycleId, "OK", "resuming INITIAL BUY", null));
  }

  @Override
  public CompletionStage<TradingSwitch> pause(String by, String reason) {
    record("pause by " + by + " reason " + reason);
    paused = true;
    return done(new TradingSwitch(true, by, reason));
  }

  @Override
  public CompletionStage<TradingSwitch> resume(String by) {
    record("resume by " + by);
    paused = false;
    return done(new TradingSwitch(false, null, null));
  }

  @Override
  public CompletionStage<DailySummary> dailySummary(LocalDate day) {
    record("summary " + day);
    return done(
        new DailySummary(day, 7, 6, 1, new BigDecimal("81234.5"), new BigDecimal("10081234.5"), 0, 1, paused));
  }

  private TradingSwitch trading() {
    return paused ? new TradingSwitch(true, "telegram:@alice", "test") : new TradingSwitch(false, null, null);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
