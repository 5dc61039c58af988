package io.kimp.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kimp.core.cycle.CycleEvent;
import io.kimp.core.cycle.CycleEvent.CycleCompleted;
import io.kimp.core.cycle.CycleEvent.CycleDeadLettered;
import io.kimp.core.cycle.CycleEvent.CycleDiscarded;
import io.kimp.core.cycle.CycleEvent.CycleRecovered;
import io.kimp.core.cycle.CycleEvent.CycleStarted;
import io.kimp.core.cycle.CycleEvent.RebalanceDeferred;
import io.kimp.core.cycle.CycleEvent.RebalanceStarted;
import io.kimp.core.cycle.CycleEvent.RetryScheduled;
import io.kimp.core.cycle.CycleEvent.RetryStarted;
import io.kimp.core.cycle.CycleEvent.StepCompleted;
import io.kimp.core.cycle.CycleEvent.StepFailed;
import io.kimp.core.cycle.CycleEvent.StepNotPlaced;
import io.kimp.core.cycle.CycleEvent.StepOutcomeUnknown;
import io.kimp.core.cycle.CycleEvent.StepRequested;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.cycle.Leg;
import io.kimp.core.cycle.Step;
import io.kimp.core.cycle.StepAttempt;
import io.kimp.core.cycle.StepRecord;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/**
 * Folds cycle events into the read tables {@code arbitrage_cycles} and {@code trades}, in the projection's transaction
 * (exactly once per event). Plain, portable SQL: it runs unchanged on H2 and PostgreSQL.
 */
public final class CycleReadModelHandler extends JdbcHandler<EventEnvelope<CycleEvent>, KimpJdbcSession> {

  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** The status of a cycle whose retry or recovery resumes its current leg. */
  private static final String RUNNING_STATUS =
      "CASE WHEN rebalance_symbol IS NULL THEN '" + CycleStatus.STARTED + "' ELSE '"
          + CycleStatus.REBALANCING_IN_PROGRESS + "' END";

  @Override
  public void process(KimpJdbcSession session, EventEnvelope<CycleEvent> envelope) throws Exception {
    CycleEvent event = envelope.event();
    session.withConnection(
        c -> {
          apply(c, event);
          return null;
        });
  }

  /** Applies one event (public for the rebuild tool and tests). */
  public static void apply(Connection c, CycleEvent event) throws SQLException {
    Instant at = event.at();
    UUID id = event.cycleId();
    if (event instanceof CycleStarted e) {
      exec(c,
          "INSERT INTO arbitrage_cycles (id, symbol, direction, status, start_time, premium_percent, "
              + "initial_investment_krw, locked_at, retry_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
          id, e.symbol(), e.opportunity().direction().name(), CycleStatus.STARTED.name(), ts(at),
          BigDecimal.valueOf(e.opportunity().premiumPercent()), e.investmentKrw(), ts(at), ts(at));
    } else if (event instanceof StepRequested e) {
      StepAttempt a = e.attempt();
      BigDecimal qty =
          a.order() != null ? a.order().quantity()
              : a.withdrawal() != null ? a.withdrawal().amount()
              : a.perp() != null ? a.perp().quantity() : null;
      BigDecimal quote = a.order() != null ? a.order().quoteAmount() : null;
      exec(c,
          "INSERT INTO trades (id, cycle_id, trade_type, symbol, exchange, side, status, attempt, quantity, "
              + "quote_amount, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)",
          a.clientId(), id, a.leg().name(), a.coin(), a.venue().name(), a.step().name(), a.attempt(), qty, quote,
          ts(at), ts(at));
      touch(c, id, at);
    } else if (event instanceof StepOutcomeUnknown e) {
      exec(c, "UPDATE trades SET status = 'UNKNOWN', error_message = ?, updated_at = ? WHERE id = ?",
          trim(e.reason()), ts(at), e.clientId());
      touch(c, id, at);
    } else if (event instanceof StepNotPlaced e) {
      exec(c, "UPDATE trades SET status = 'NOT_PLACED', updated_at = ? WHERE id = ?", ts(at), e.clientId());
      touch(c, id, at);
    } else if (event instanceof StepCompleted e) {
      completed(c, id, e.record(), at);
    } else if (event instanceof StepFailed e) {
      if (e.clientId() != null) {
        exec(c, "UPDATE trades SET status = ?, error_message = ?, updated_at = ? WHERE id = ?",
            e.attemptResolved() ? "FAILED" : "UNKNOWN", trim(e.reason()), ts(at), e.clientId());
      }
      exec(c, "UPDATE arbitrage_cycles SET error_details = ?, updated_at = ? WHERE id = ?",
          trim(e.leg() + " " + e.step() + " " + e.failureClass() + ": " + e.reason()), ts(at), id);
    } else if (event instanceof RetryScheduled e) {
      exec(c,
          "UPDATE arbitrage_cycles SET status = ?, retry_count = ?, next_retry_at = ?, locked_at = ?, updated_at = ? "
              + "WHERE id = ?",
          CycleStatus.AWAITING_RETRY.name(), e.retryCount(), ts(e.nextRetryAt()), ts(at), ts(at), id);
    } else if (event instanceof RetryStarted) {
      exec(c,
          "UPDATE arbitrage_cycles SET status = " + RUNNING_STATUS + ", last_retry_at = ?, next_retry_at = NULL, "
              + "locked_at = ?, updated_at = ? WHERE id = ?",
          ts(at), ts(at), ts(at), id);
    } else if (event instanceof CycleDeadLettered e) {
      exec(c,
          "UPDATE arbitrage_cycles SET status = ?, failure_reason = ?, retry_count = ?, next_retry_at = NULL, "
              + "locked_at = ?, updated_at = ? WHERE id = ?",
          CycleStatus.DEAD_LETTER.name(), trim(e.reason()), e.retryCount(), ts(at), ts(at), id);
    } else if (event instanceof RebalanceDeferred e) {
      exec(c, "UPDATE arbitrage_cycles SET status = ?, locked_at = ?, updated_at = ? WHERE id = ?",
          CycleStatus.AWAITING_REBALANCE.name(), ts(at), ts(at), id);
    } else if (event instanceof RebalanceStarted e) {
      exec(c,
          "UPDATE arbitrage_cycles SET status = ?, rebalance_symbol = ?, locked_at = ?, updated_at = ? WHERE id = ?",
          CycleStatus.REBALANCING_IN_PROGRESS.name(), e.plan().coin(), ts(at), ts(at), id);
    } else if (event instanceof CycleCompleted e) {
      exec(c,
          "UPDATE arbitrage_cycles SET status = ?, end_time = ?, total_net_profit_krw = ?, "
              + "total_net_profit_percent = ?, locked_at = ?, updated_at = ? WHERE id = ?",
          CycleStatus.COMPLETED.name(), ts(at), e.netProfitKrw(), e.netProfitPercent(), ts(at), ts(at), id);
      exec(c,
          "UPDATE trades SET net_profit_krw = ? WHERE cycle_id = ? AND trade_type = 'REBALANCE' AND side = 'SELL' "
              + "AND status = 'FILLED'",
          e.netProfitKrw(), id);
    } else if (event instanceof CycleRecovered) {
      exec(c,
          "UPDATE arbitrage_cycles SET status = " + RUNNING_STATUS + ", retry_count = 0, failure_reason = NULL, "
              + "last_retry_at = ?, next_retry_at = NULL, locked_at = ?, updated_at = ? WHERE id = ?",
          ts(at), ts(at), ts(at), id);
    } else if (event instanceof CycleEvent.DiscardStarted) {
      // a discarded cycle closing its open short runs its leg again until the short is closed
      exec(c,
          "UPDATE arbitrage_cycles SET status = " + RUNNING_STATUS + ", retry_count = 0, next_retry_at = NULL, "
              + "locked_at = ?, updated_at = ? WHERE id = ?",
          ts(at), ts(at), id);
    } else if (event instanceof CycleDiscarded e) {
      exec(c,
          "UPDATE arbitrage_cycles SET status = ?, end_time = ?, failure_reason = ?, locked_at = ?, updated_at = ? "
              + "WHERE id = ?",
          CycleStatus.FAILED.name(), ts(at), trim("discarded: " + e.reason()), ts(at), ts(at), id);
    } else {
      // DeadLetterRegistered, RebalanceOverdue, CapitalReleased, HedgeSkipped, HedgeMismatch: no column to change
      touch(c, id, at);
    }
  }

  private static void completed(Connection c, UUID id, StepRecord r, Instant at) throws SQLException {
    BigDecimal price = null;
    BigDecimal qty;
    BigDecimal quote = null;
    BigDecimal fee = null;
    String feeAsset = null;
    String txId = null;
    Object details;
    String status;
    if (r.order() != null) {
      price = r.order().averagePrice();
      qty = r.order().filledQuantity();
      quote = r.order().quoteAmount();
      fee = r.order().fee();
      feeAsset = r.order().feeAsset();
      details = r.order();
      status = "FILLED";
    } else if (r.withdrawal() != null) {
      qty = r.withdrawal().amount();
      fee = r.withdrawal().fee();
      feeAsset = r.withdrawal().coin();
      txId = r.withdrawal().txId();
      details = r.withdrawal();
      status = "COMPLETED";
    } else {
      qty = r.deposit().amount();
      txId = r.deposit().txId();
      details = r.deposit();
      status = "COMPLETED";
    }
    exec(c,
        "UPDATE trades SET status = ?, price = ?, quantity = ?, quote_amount = ?, fee = ?, fee_asset = ?, tx_id = ?, "
            + "details = ?, error_message = NULL, updated_at = ? WHERE id = ?",
        status, price, qty, quote, fee, feeAsset, txId, trim(json(details)), ts(at), r.clientId());
    if (r.step() == Step.BUY) {
      String column = r.leg() == Leg.INITIAL ? "initial_trade_id" : "rebalance_trade_id";
      exec(c, "UPDATE arbitrage_cycles SET " + column + " = ?, updated_at = ? WHERE id = ?", r.clientId(), ts(at), id);
      if (r.leg() == Leg.INITIAL) {
        exec(c,
            "UPDATE trades SET investment_krw = (SELECT initial_investment_krw FROM arbitrage_cycles WHERE id = ?) "
                + "WHERE id = ?",
            id, r.clientId());
      }
    } else if (r.step() == Step.SELL) {
      CycleStatus s =
          r.leg() == Leg.INITIAL ? CycleStatus.INITIAL_TRADE_COMPLETED : CycleStatus.REBALANCE_TRADE_COMPLETED;
      exec(c, "UPDATE arbitrage_cycles SET status = ?, locked_at = ?, updated_at = ? WHERE id = ?",
          s.name(), ts(at), ts(at), id);
    } else {
      touch(c, id, at);
    }
  }

  private static void touch(Connection c, UUID id, Instant at) throws SQLException {
    exec(c, "UPDATE arbitrage_cycles SET updated_at = ? WHERE id = ?", ts(at), id);
  }

  private static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  private static OffsetDateTime ts(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static String trim(String s) {
    return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (Exception e) {
      return String.valueOf(o);
    }
  }
}
