package io.kimp.backtest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.backtest.BacktestSettings;
import io.kimp.backtest.TestData;
import io.kimp.backtest.market.MarketMoment;
import io.kimp.core.cycle.CycleInput;
import io.kimp.core.cycle.CycleReply;
import io.kimp.core.cycle.CycleRules;
import io.kimp.core.cycle.CycleStatus;
import io.kimp.core.market.Direction;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.Opportunity;
import io.kimp.core.venue.Venues;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The effect interpreter answers a Start as the live entity does: once the capital ledger has. */
class CycleDriverTest {
  private static final Instant T = Instant.parse("2025-01-06T00:00:00Z");

  private static CycleDriver driver(BacktestSettings s) {
    SimClock clock = new SimClock(T);
    SimMarket market = new SimMarket("BTC", clock, s.staleAfter());
    market.update(new MarketMoment(T.toEpochMilli(),
        s.books().book(Venue.UPBIT, "BTC", 144_200_000, 10, T.toEpochMilli()),
        s.books().book(Venue.BINANCE, "BTC", 100_000, 10, T.toEpochMilli()), 1400, 0, 0));
    PaperVenue upbit = new PaperVenue(Venue.UPBIT, market, clock, s.staleAfter(), s.cycle().costs());
    PaperVenue binance = new PaperVenue(Venue.BINANCE, market, clock, s.staleAfter(), s.cycle().costs());
    PaperVenue.link(upbit, binance, s.transferDelay());
    binance.fund("USDT", new BigDecimal("100000"));
    long[] n = {0};
    return new CycleDriver("BTC", new CycleRules(s.cycle(), () -> new UUID(1, ++n[0])), new Venues(upbit, binance),
        new CapitalLedger(s.portfolio()), market, new SimTimers(), clock, new CycleTape());
  }

  private static Opportunity opportunity(String maxSizeKrw) {
    return new Opportunity("BTC", Direction.KIMCHI, 3.0, 2.5, new BigDecimal(maxSizeKrw), new BigDecimal("100010"),
        new BigDecimal("144185580"), new BigDecimal("1400"), T);
  }

  @Test
  void aStartIsAcceptedOnceTheLedgerGrantsAndTheFirstStepRuns() {
    CycleDriver d = driver(TestData.settings("BTC", Map.of("kimp.portfolio.fixed-amount-krw", "5000000")));
    CycleReply reply = d.send(new CycleInput.Start(opportunity("50000000")));
    assertThat(reply.accepted()).isTrue();
    assertThat(reply.message()).isEqualTo("cycle started");
    assertThat(d.state().cycle().investmentKrw()).isEqualByComparingTo("5000000");
    // the buy filled and the withdrawal went out at once: the cycle now waits for the deposit
    assertThat(d.state().status()).isEqualTo(CycleStatus.STARTED);
    assertThat(d.state().cycle().current().step().name()).isEqualTo("DEPOSIT");
  }

  @Test
  void aStartTheLedgerRefusesIsAnsweredWithTheLedgersReason() {
    CycleDriver d = driver(TestData.settings("BTC", Map.of()));
    CycleReply reply = d.send(new CycleInput.Start(opportunity("5000")));
    assertThat(reply.accepted()).isFalse();
    assertThat(reply.message()).contains("below minimum 10000");
    assertThat(d.state().cycle()).isNull();
  }

  @Test
  void aSecondStartWhileACycleRunsIsRefusedAsADuplicate() {
    CycleDriver d = driver(TestData.settings("BTC", Map.of()));
    assertThat(d.send(new CycleInput.Start(opportunity("50000000"))).accepted()).isTrue();
    CycleReply second = d.send(new CycleInput.Start(opportunity("50000000")));
    assertThat(second.accepted()).isFalse();
    assertThat(second.message()).startsWith("duplicate");
  }
}
