package io.kimp.gateway.preflight;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether one coin can go round a whole cycle now, from what the venues' wallet endpoints say: the forward leg buys at
 * Binance and sends the coin to Upbit, the rebalance leg buys at Upbit and sends it back, so both venues' withdrawals and
 * deposits must be open on the coin's network, the Binance deposit address must be an allowed withdrawal address at
 * Upbit (Upbit withdraws only to registered addresses and lists them; Binance's API has no such list: its whitelist,
 * when the account turns it on, is not checked), and each leg's starting venue must hold at least one order's worth of
 * its quote currency.
 */
public final class CoinCheck {
  private CoinCheck() {}

  /** A coin's wallet on one venue and network: deposits and withdrawals open or suspended (unknown counts as suspended). */
  public record Wallet(boolean depositOpen, boolean withdrawOpen) {
    public static final Wallet UNKNOWN = new Wallet(false, false);
  }

  /** Why a coin is excluded; each comes back by itself when the check passes. */
  public enum Reason {
    BINANCE_WITHDRAWALS_SUSPENDED("Binance withdrawals of the coin are suspended on its network"),
    UPBIT_DEPOSITS_SUSPENDED("Upbit deposits of the coin are suspended"),
    UPBIT_WITHDRAWALS_SUSPENDED("Upbit withdrawals of the coin are suspended"),
    BINANCE_DEPOSITS_SUSPENDED("Binance deposits of the coin are suspended on its network"),
    ADDRESS_NOT_REGISTERED("the Binance deposit address is not an allowed withdrawal address at Upbit: register it"),
    LOW_BALANCE_BINANCE("free USDT at Binance is below one order (kimp.exchanges.preflight.min-free-usdt)"),
    LOW_BALANCE_UPBIT("free KRW at Upbit is below one order (kimp.exchanges.preflight.min-free-krw)");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    public String message() {
      return message;
    }
  }

  /** The reasons to exclude a coin (empty: it may trade). */
  public static List<Reason> evaluate(Wallet binance, Wallet upbit, boolean addressRegistered, BigDecimal freeUsdt,
      BigDecimal minUsdt, BigDecimal freeKrw, BigDecimal minKrw) {
    List<Reason> out = new ArrayList<>();
    if (!binance.withdrawOpen()) {
      out.add(Reason.BINANCE_WITHDRAWALS_SUSPENDED);
    }
    if (!upbit.depositOpen()) {
      out.add(Reason.UPBIT_DEPOSITS_SUSPENDED);
    }
    if (!upbit.withdrawOpen()) {
      out.add(Reason.UPBIT_WITHDRAWALS_SUSPENDED);
    }
    if (!binance.depositOpen()) {
      out.add(Reason.BINANCE_DEPOSITS_SUSPENDED);
    }
    if (!addressRegistered) {
      out.add(Reason.ADDRESS_NOT_REGISTERED);
    }
    if (freeUsdt.compareTo(minUsdt) < 0) {
      out.add(Reason.LOW_BALANCE_BINANCE);
    }
    if (freeKrw.compareTo(minKrw) < 0) {
      out.add(Reason.LOW_BALANCE_UPBIT);
    }
    return out;
  }
}
