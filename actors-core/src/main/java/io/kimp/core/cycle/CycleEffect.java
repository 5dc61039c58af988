package io.kimp.core.cycle;

import io.kimp.core.alert.Alert;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.PerpOrderRequest;
import io.kimp.core.venue.WithdrawalRequest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * What the transition function asks the world to do, after its events are persisted. The entity interprets these with
 * real venues, timers and actors; the backtester with a simulated venue and clock.
 */
public sealed interface CycleEffect {

  /**
   * Ask the portfolio for the cycle's capital, at most {@code capKrw} (the prepared size, else the opportunity's own
   * limit; null: none). {@code resumed}: asked again after a restart.
   */
  record ReserveCapital(UUID cycleId, Opportunity opportunity, BigDecimal capKrw, boolean resumed)
      implements CycleEffect {}

  record ReleaseCapital(UUID cycleId, BigDecimal realizedPnlKrw) implements CycleEffect {}

  record ResolveAddress(UUID cycleId, Leg leg, Venue venue, String coin, String network) implements CycleEffect {}

  record PlaceOrder(Venue venue, OrderRequest request) implements CycleEffect {}

  record Withdraw(Venue venue, WithdrawalRequest request) implements CycleEffect {}

  record ReconcileOrder(Venue venue, String coin, String clientId) implements CycleEffect {}

  record ReconcileWithdrawal(Venue venue, WithdrawalRequest request) implements CycleEffect {}

  record CancelOrder(Venue venue, String coin, String clientId) implements CycleEffect {}

  /** Query the sending venue's withdrawal and the receiving venue's deposits since {@code since}. */
  record PollTransfer(String clientId, Venue from, WithdrawalRequest withdrawal, Venue to, String coin, Instant since)
      implements CycleEffect {}

  /**
   * Place a hedge order at the futures venue; the answer comes back as {@link CycleInput.VenueReplied}.
   *
   * @param leverage set on the perpetual first when the order opens a short (0: leave it)
   */
  record PlacePerpOrder(PerpOrderRequest request, int leverage) implements CycleEffect {}

  /** Query the futures venue for the hedge order sent as {@code clientId}; answered with {@link CycleInput.Reconciled}. */
  record ReconcilePerpOrder(String coin, String clientId) implements CycleEffect {}

  /** Read the futures venue's position in {@code coin}; answered with {@link CycleInput.PositionSeen}. */
  record CheckPosition(String coin) implements CycleEffect {}

  record ScheduleTimer(CycleInput.TimerKind kind, String ref, Duration delay) implements CycleEffect {}

  record CancelTimer(CycleInput.TimerKind kind) implements CycleEffect {}

  /** Read the market view and feed a {@link CycleInput.MarketSnapshot} back. */
  record FetchMarket() implements CycleEffect {}

  record RegisterDeadLetter(DeadLetterEntry entry) implements CycleEffect {}

  record PublishAlert(Alert alert) implements CycleEffect {}

  /** A dead-lettered cycle, as the dead-letter queue records it. */
  record DeadLetterEntry(
      UUID cycleId,
      String symbol,
      CycleStatus failedIn,
      Leg leg,
      Step step,
      String failureClass,
      String reason,
      int retryCount,
      Instant at)
      implements io.kimp.core.CborSerializable {}
}
