package io.kimp.gateway;

import io.kimp.core.market.BookView;
import io.kimp.core.market.Venue;
import io.kimp.core.strategy.TradingCosts;
import io.kimp.core.venue.Venues;
import io.kimp.core.market.PerpView;
import io.kimp.core.venue.PerpetualGateway;
import io.kimp.gateway.binance.BinanceFuturesGateway;
import io.kimp.gateway.binance.BinanceFuturesSettings;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.binance.BinanceSettings;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.paper.PaperLedger;
import io.kimp.gateway.paper.PaperPerpVenue;
import io.kimp.gateway.paper.PaperSettings;
import io.kimp.gateway.paper.PaperVenue;
import io.kimp.gateway.upbit.UpbitGateway;
import io.kimp.gateway.upbit.UpbitSettings;
import java.time.Clock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the venues' gateways for {@code kimp.trading.mode}. */
public final class Gateways {
  private static final Logger log = LoggerFactory.getLogger(Gateways.class);

  private Gateways() {}

  /**
   * Paper venues on the shared ledger in paper mode, the real Upbit and Binance in live mode. Fails (naming the key) on
   * bad settings, including missing API keys in live mode.
   */
  public static Venues create(
      GatewaySettings settings, ActorSystem<?> system, BookView books, Supplier<DataSource> ledgerDatabase) {
    if (settings.live().isPresent()) {
      GatewaySettings.Live live = settings.live().get();
      // both gateways draw on one KeyLimits: the node's share of the keys' limits, which the app keeps in step with
      // the cluster's membership (found through UpbitGateway#limits / BinanceGateway#limits)
      return live(live.upbit(), live.binance(), settings.costs(), system, Clock.systemUTC(),
          new KeyLimits(live.rateLimits()));
    }
    return paper(settings, books, Clock.systemUTC(), ledgerDatabase.get());
  }

  /**
   * As {@link #create(GatewaySettings, ActorSystem, BookView, Supplier)}, with the transfer hedge's perpetual venue when
   * {@code kimp.hedge.enabled} ({@link Venues#perpetual()} empty otherwise): the paper perpetual venue on the same
   * ledger and fault dice as the paper spot venues, filling against {@code perps}, or the live futures gateway on the
   * spot gateways' {@link KeyLimits}.
   */
  public static Venues create(GatewaySettings settings, ActorSystem<?> system, BookView books, PerpView perps,
      Supplier<DataSource> ledgerDatabase) {
    if (settings.live().isPresent()) {
      GatewaySettings.Live live = settings.live().get();
      KeyLimits limits = new KeyLimits(live.rateLimits());
      Venues venues = live(live.upbit(), live.binance(), settings.costs(), system, Clock.systemUTC(), limits);
      return perpetual(settings, system, perps, ledgerDatabase, limits).map(venues::withPerpetual).orElse(venues);
    }
    return paper(settings, books, perps, Clock.systemUTC(), ledgerDatabase.get());
  }

  /**
   * Paper mode: both paper venues on the database's one ledger ({@link PaperLedger}); a kimp 0.1
   * {@code kimp.paper.ledger-file} found there is imported once.
   */
  public static Venues paper(GatewaySettings gateways, BookView books, Clock clock, DataSource ledgerDatabase) {
    return paper(gateways, books, null, clock, ledgerDatabase);
  }

  /**
   * Paper mode with the hedge's paper perpetual venue when {@code kimp.hedge.enabled} and {@code perps} is given: the
   * three paper venues share the ledger and the fault dice.
   */
  public static Venues paper(
      GatewaySettings gateways, BookView books, PerpView perps, Clock clock, DataSource ledgerDatabase) {
    PaperSettings settings = gateways.paper();
    TradingCosts costs = gateways.costs();
    PaperLedger ledger =
        PaperLedger.open(ledgerDatabase, settings.initialBalances(), clock, settings.ledgerFile());
    var dice = settings.faults().dice();
    if (settings.faults().any()) {
      log.warn("paper venues inject faults: {}", settings.faults());
    }
    log.info("trading mode PAPER: the paper ledger is in the database");
    Venues venues = new Venues(
        new PaperVenue(Venue.UPBIT, ledger, books, costs, gateways.transfers(), settings, dice, clock),
        new PaperVenue(Venue.BINANCE, ledger, books, costs, gateways.transfers(), settings, dice, clock));
    if (perps == null || !gateways.hedge().enabled()) {
      return venues;
    }
    log.info("hedge on: paper USDT-M futures in the database's ledger (taker fee {})",
        gateways.hedge().takerFee().toPlainString());
    return venues.withPerpetual(new PaperPerpVenue(ledger, perps, gateways.hedge().takerFee(), settings.maxBookAge(),
        settings.futuresMargin(), dice, clock));
  }

  /**
   * The transfer hedge's perpetual-futures venue for the trading mode, or empty when the hedge is off
   * ({@code kimp.hedge.enabled = false}): in paper mode a {@link PaperPerpVenue} on the database's ledger filling against
   * {@code perps} (the futures feed), in live mode a {@link BinanceFuturesGateway} on the Binance key drawing on
   * {@code limits}, the node's {@link KeyLimits} that its spot gateways use (found through
   * {@code BinanceGateway#limits()}), so that the futures API's budget and back-offs are shared across the cluster.
   * Pass the result to {@code Venues#withPerpetual}.
   */
  public static java.util.Optional<PerpetualGateway> perpetual(
      GatewaySettings settings, ActorSystem<?> system, PerpView perps, Supplier<DataSource> ledgerDatabase,
      KeyLimits limits) {
    if (!settings.hedge().enabled()) {
      return java.util.Optional.empty();
    }
    if (settings.live().isPresent()) {
      BinanceFuturesSettings futures = settings.live().get().futures();
      log.info("hedge on: live Binance USDT-M futures at {}", futures.futuresUrl());
      return java.util.Optional.of(new BinanceFuturesGateway(futures,
          new VenueHttp(system, Venue.BINANCE, futures.connectTimeout(), futures.requestTimeout()), Clock.systemUTC(),
          limits));
    }
    return java.util.Optional.of(paperPerpetual(settings, perps, Clock.systemUTC(), ledgerDatabase.get()));
  }

  /** Paper mode: the paper perpetual venue on the database's ledger (the one {@link #paper} opens). */
  public static PaperPerpVenue paperPerpetual(
      GatewaySettings gateways, PerpView perps, Clock clock, DataSource ledgerDatabase) {
    PaperSettings settings = gateways.paper();
    PaperLedger ledger = PaperLedger.open(ledgerDatabase, settings.initialBalances(), clock, null);
    log.info("hedge on: paper USDT-M futures in the database's ledger (taker fee {})",
        gateways.hedge().takerFee().toPlainString());
    return new PaperPerpVenue(ledger, perps, gateways.hedge().takerFee(), settings.maxBookAge(), settings.futuresMargin(),
        settings.faults().dice(), clock);
  }

  /** Live mode against the given endpoints (the real venues, or the fakes in tests). */
  public static Venues live(
      UpbitSettings upbit, BinanceSettings binance, TradingCosts costs, ActorSystem<?> system, Clock clock) {
    return live(upbit, binance, costs, system, clock, KeyLimits.standalone());
  }

  /** Live mode, the gateways drawing on the node's share of the keys' limits. */
  public static Venues live(
      UpbitSettings upbit, BinanceSettings binance, TradingCosts costs, ActorSystem<?> system, Clock clock,
      KeyLimits limits) {
    log.info("trading mode LIVE: {} / {}; rate limits {}", upbit, binance, limits.settings());
    return new Venues(
        new UpbitGateway(upbit, new VenueHttp(system, Venue.UPBIT, upbit.connectTimeout(), upbit.requestTimeout()), costs,
            clock, limits),
        new BinanceGateway(binance,
            new VenueHttp(system, Venue.BINANCE, binance.connectTimeout(), binance.requestTimeout()), costs, clock,
            limits));
  }
}
