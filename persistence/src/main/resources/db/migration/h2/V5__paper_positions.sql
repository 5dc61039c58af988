-- The paper perpetual-futures venue's positions (paper trading with the transfer hedge only), in the paper ledger's
-- database beside paper_balances (whose account 'BINANCE_USDM' is the futures wallet's USDT margin). Portable SQL: H2 and
-- PostgreSQL alike. Written by io.kimp.gateway.paper.PaperLedger, one transaction per order, the row locked while an
-- order reads and moves it, so two nodes never reduce the same position twice.

-- One signed position per futures account and coin (negative: short), One-way Mode as the hedge trades it.
CREATE TABLE paper_positions (
  account VARCHAR(16) NOT NULL,
  coin VARCHAR(32) NOT NULL,
  quantity NUMERIC(38, 18) NOT NULL,
  entry_price NUMERIC(38, 18) NOT NULL,
  leverage INTEGER NOT NULL,
  realized_pnl NUMERIC(38, 18) NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account, coin),
  CONSTRAINT paper_positions_leverage_positive CHECK (leverage >= 1)
);
