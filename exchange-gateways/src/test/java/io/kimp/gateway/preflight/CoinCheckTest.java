package io.kimp.gateway.preflight;

import static io.kimp.gateway.preflight.CoinCheck.Reason.ADDRESS_NOT_REGISTERED;
import static io.kimp.gateway.preflight.CoinCheck.Reason.BINANCE_DEPOSITS_SUSPENDED;
import static io.kimp.gateway.preflight.CoinCheck.Reason.BINANCE_WITHDRAWALS_SUSPENDED;
import static io.kimp.gateway.preflight.CoinCheck.Reason.LOW_BALANCE_BINANCE;
import static io.kimp.gateway.preflight.CoinCheck.Reason.LOW_BALANCE_UPBIT;
import static io.kimp.gateway.preflight.CoinCheck.Reason.UPBIT_DEPOSITS_SUSPENDED;
import static io.kimp.gateway.preflight.CoinCheck.Reason.UPBIT_WITHDRAWALS_SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.gateway.preflight.CoinCheck.Wallet;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CoinCheckTest {
  private static final Wallet OPEN = new Wallet(true, true);
  private static final BigDecimal USDT = new BigDecimal("5");
  private static final BigDecimal KRW = new BigDecimal("5000");

  @Test
  void aCoinWhoseWalletsAreOpenWithARegisteredAddressAndEnoughQuoteMayTrade() {
    assertThat(CoinCheck.evaluate(OPEN, OPEN, true, USDT, USDT, KRW, KRW)).isEmpty();
  }

  @Test
  void eachDirectionOfEachWalletCounts() {
    assertThat(CoinCheck.evaluate(new Wallet(true, false), OPEN, true, USDT, USDT, KRW, KRW))
        .containsExactly(BINANCE_WITHDRAWALS_SUSPENDED);
    assertThat(CoinCheck.evaluate(new Wallet(false, true), OPEN, true, USDT, USDT, KRW, KRW))
        .containsExactly(BINANCE_DEPOSITS_SUSPENDED);
    assertThat(CoinCheck.evaluate(OPEN, new Wallet(false, true), true, USDT, USDT, KRW, KRW))
        .containsExactly(UPBIT_DEPOSITS_SUSPENDED);
    assertThat(CoinCheck.evaluate(OPEN, new Wallet(true, false), true, USDT, USDT, KRW, KRW))
        .containsExactly(UPBIT_WITHDRAWALS_SUSPENDED);
  }

  @Test
  void anUnregisteredAddressAndLowBalancesAreReasonsToo() {
    assertThat(CoinCheck.evaluate(OPEN, OPEN, false, new BigDecimal("4.99"), USDT, new BigDecimal("4999"), KRW))
        .containsExactly(ADDRESS_NOT_REGISTERED, LOW_BALANCE_BINANCE, LOW_BALANCE_UPBIT);
  }

  @Test
  void anUnknownWalletIsSuspendedBothWays() {
    assertThat(CoinCheck.evaluate(Wallet.UNKNOWN, OPEN, true, USDT, USDT, KRW, KRW))
        .containsExactly(BINANCE_WITHDRAWALS_SUSPENDED, BINANCE_DEPOSITS_SUSPENDED);
  }
}
