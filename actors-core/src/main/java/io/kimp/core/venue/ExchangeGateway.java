package io.kimp.core.venue;

import io.kimp.core.market.Venue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Port: one venue's trading and transfer API. Every call is asynchronous; failures complete the stage with a
 * {@link VenueException} whose {@link FailureClass} tells the caller what is safe to do next.
 *
 * <p>Idempotency is by client id: {@link #queryOrder} and {@link #queryWithdrawal} find an earlier request by the id it was
 * sent with, so that after a crash or an unknown outcome the caller learns the truth instead of acting twice.
 */
public interface ExchangeGateway {

  Venue venue();

  CompletionStage<OrderResult> placeOrder(OrderRequest request);

  /** The order sent with {@code clientId}, or empty when the venue has no such order. */
  CompletionStage<Optional<OrderResult>> queryOrder(String coin, String clientId);

  CompletionStage<OrderResult> cancelOrder(String coin, String clientId);

  CompletionStage<Map<String, Balance>> balances();

  CompletionStage<DepositAddress> depositAddress(String coin, String network);

  CompletionStage<WithdrawalResult> withdraw(WithdrawalRequest request);

  /** The withdrawal sent with {@code request}'s client id, or empty when the venue has none. */
  CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(WithdrawalRequest request);

  /**
   * {@link #queryWithdrawal(WithdrawalRequest)} with what the caller recorded about it. A venue whose withdrawals carry no
   * client id (Upbit) can only match by coin and amount when its gateway did not itself see the request accepted — after
   * a restart, or on another node after a failover — and several equal withdrawals make that a guess. The venue's own
   * id from the accepted {@link WithdrawalResult} ({@code withdrawalId}) removes the guess; the time the request was
   * sent ({@code requestedAt}) rules out every withdrawal made before it. Either may be null. Defaults to the lookup by
   * client id, which is exact for venues that have one.
   */
  default CompletionStage<Optional<WithdrawalResult>> queryWithdrawal(
      WithdrawalRequest request, String withdrawalId, Instant requestedAt) {
    return queryWithdrawal(request);
  }

  /**
   * A look at a withdrawal's status that may come back empty without asking the venue: while a transfer travels, the
   * deposit at the other venue is the truth and the sender's record only adds detail (the real fee, a refusal seen
   * early). A venue whose look counts against a rate limit (Binance's withdrawal history) answers empty rather than
   * wait for it. {@code withdrawalId}, the venue's id when known, may be null.
   * Defaults to {@link #queryWithdrawal(WithdrawalRequest, String, Instant)}.
   */
  default CompletionStage<Optional<WithdrawalResult>> peekWithdrawal(WithdrawalRequest request, String withdrawalId) {
    return queryWithdrawal(request, withdrawalId, null);
  }

  /** Deposits of {@code coin} created at or after {@code since}. */
  CompletionStage<List<Deposit>> deposits(String coin, Instant since);
}
