-- Read tables kept by the cycle projection. Portable SQL: the operators' queries run on H2 and PostgreSQL alike.

-- One row per arbitrage cycle.
--   status          one of STARTED, INITIAL_TRADE_COMPLETED, AWAITING_REBALANCE, REBALANCING_IN_PROGRESS,
--                   REBALANCE_TRADE_COMPLETED, COMPLETED, FAILED, AWAITING_RETRY, DEAD_LETTER
--   locked_at       when the cycle entered its current status (its single-writer entity has held it since)
--   retry_count     failures counted against the retry budget (reset by a DLQ recovery)
--   error_details   the last error seen (also for cycles that later completed)
--   failure_reason  why the cycle is dead-lettered or was closed without completing
CREATE TABLE arbitrage_cycles (
  id UUID PRIMARY KEY,
  symbol VARCHAR(20) NOT NULL,
  direction VARCHAR(16) NOT NULL,
  status VARCHAR(32) NOT NULL,
  start_time TIMESTAMP WITH TIME ZONE NOT NULL,
  end_time TIMESTAMP WITH TIME ZONE,
  initial_trade_id VARCHAR(64),
  rebalance_trade_id VARCHAR(64),
  rebalance_symbol VARCHAR(20),
  premium_percent NUMERIC(12, 6),
  total_net_profit_krw NUMERIC(24, 4),
  total_net_profit_percent NUMERIC(12, 6),
  initial_investment_krw NUMERIC(24, 4),
  error_details VARCHAR(4000),
  locked_at TIMESTAMP WITH TIME ZONE,
  retry_count INTEGER DEFAULT 0 NOT NULL,
  last_retry_at TIMESTAMP WITH TIME ZONE,
  next_retry_at TIMESTAMP WITH TIME ZONE,
  failure_reason VARCHAR(4000),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX idx_arbitrage_cycles_status ON arbitrage_cycles (status);
CREATE INDEX idx_arbitrage_cycles_symbol ON arbitrage_cycles (symbol);

-- One row per attempt of a step (id = the attempt's client id, as sent to the venue).
--   trade_type  INITIAL or REBALANCE (the leg)
--   side        BUY, SELL, WITHDRAW or DEPOSIT
--   status      PENDING, UNKNOWN (outcome being reconciled), FILLED, COMPLETED, FAILED, NOT_PLACED
--   price       average fill price in the venue's quote currency (orders)
--   quantity    coins filled / withdrawn / deposited
--   fee         fee charged, in fee_asset
--   net_profit_krw   on the cycle's last trade: the cycle's net result
--   investment_krw   on the cycle's first trade: the capital committed
CREATE TABLE trades (
  id VARCHAR(64) PRIMARY KEY,
  cycle_id UUID NOT NULL,
  trade_type VARCHAR(16) NOT NULL,
  symbol VARCHAR(20) NOT NULL,
  exchange VARCHAR(16) NOT NULL,
  side VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempt INTEGER NOT NULL,
  price NUMERIC(38, 12),
  quantity NUMERIC(38, 12),
  quote_amount NUMERIC(38, 12),
  fee NUMERIC(38, 12),
  fee_asset VARCHAR(16),
  net_profit_krw NUMERIC(24, 4),
  investment_krw NUMERIC(24, 4),
  details VARCHAR(4000),
  tx_id VARCHAR(200),
  error_message VARCHAR(4000),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX idx_trades_cycle_id ON trades (cycle_id);
