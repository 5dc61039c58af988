package io.kimp.simulator.account;

import java.math.BigDecimal;

/**
 * A futures order that executed, as Binance booked it: side {@code BUY}/{@code SELL}, the quantity executed at its
 * average price, the commission (USDT) and the realised PnL of its trades.
 */
public record FuturesFill(String clientOrderId, String symbol, String side, boolean reduceOnly, BigDecimal quantity,
    BigDecimal avgPrice, BigDecimal commission, BigDecimal realizedPnl) {}
