package io.kimp.it;

import com.typesafe.config.Config;
import io.kimp.app.node.KimpNode;
import io.kimp.app.node.NodeComponents;
import io.kimp.core.alert.AlertSink;
import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.MarketView;
import io.kimp.core.market.Venue;
import io.kimp.core.market.PerpView;
import io.kimp.fixtures.venue.FakeBinance;
import io.kimp.fixtures.venue.FakeBinanceFutures;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.fixtures.venue.FakeUpbit;
import io.kimp.gateway.GatewaySettings;
import io.kimp.gateway.Gateways;
import io.kimp.persistence.DatabaseSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The fake Binance and Upbit on one fake chain, funded and priced for XRP cycles, and what a live node needs to trade at
 * them through the production gateway factory.
 */
final class LiveFakeVenues implements AutoCloseable {
  static final String BINANCE_KEY = "it-binance-api-key";
  static final String BINANCE_SECRET = "it-binance-secret-0123456789abcdef0123456789abcdef";
  static final String UPBIT_KEY = "it-upbit-access-key";
  static final String UPBIT_SECRET = "it-upbit-secret-0123456789abcdef0123456789abcdef0123456789ab";

  /** Live gateways trade at the venues' books, not at the node's: none needed. */
  static final BookView NO_BOOKS = new BookView() {
    @Override
    public Optional<Book> book(Venue venue, String coin) {
      return Optional.empty();
    }

    @Override
    public OptionalDouble usdtKrw() {
      return OptionalDouble.empty();
    }
  };

  final FakeChain chain;
  final FakeBinance binance;
  final FakeUpbit upbit;

  LiveFakeVenues(Duration transferDelay) {
    chain = new FakeChain(transferDelay);
    binance = FakeBinance.start(chain, BINANCE_KEY, BINANCE_SECRET);
    upbit = FakeUpbit.start(chain, UPBIT_KEY, UPBIT_SECRET);
    binance.setBalance("USDT", new BigDecimal("10000"))
        .setPrice("XRP", new BigDecimal("1.999"), new BigDecimal("2.0"))
        .setWithdrawFee("XRP", new BigDecimal("0.2"));
    upbit.setBalance("KRW", new BigDecimal("10000000"))
        .setPrice("XRP", new BigDecimal("2899"), new BigDecimal("2900"))
        .setWithdrawFee("XRP", BigDecimal.ONE);
  }

  /** Live-mode settings against these fakes with the given keys (config lines). */
  String liveSettings(String binanceKey, String binanceSecret, String upbitKey, String upbitSecret) {
    return String.join("\n",
        "kimp.trading.mode = live",
        "kimp.exchanges.binance.base-url = \"" + binance.baseUrl() + "\"",
        "kimp.exchanges.binance.api-key = \"" + binanceKey + "\"",
        "kimp.exchanges.binance.secret-key = \"" + binanceSecret + "\"",
        "kimp.exchanges.binance.request-timeout = 1500ms",
        "kimp.exchanges.upbit.base-url = \"" + upbit.baseUrl() + "\"",
        "kimp.exchanges.upbit.access-key = \"" + upbitKey + "\"",
        "kimp.exchanges.upbit.secret-key = \"" + upbitSecret + "\"",
        "kimp.exchanges.upbit.request-timeout = 1500ms",
        "kimp.execution.order-timeout = 5s",
        "kimp.execution.withdraw-timeout = 5s");
  }

  /** The same with the right keys. */
  String liveSettings() {
    return liveSettings(BINANCE_KEY, BINANCE_SECRET, UPBIT_KEY, UPBIT_SECRET);
  }

  /** A node trading through the production gateway factory (live mode: these fakes). */
  static KimpNode startNode(Config config, MarketView market, AlertSink alerts) {
    return KimpNode.start(config, system -> new NodeComponents(
        Gateways.create(io.kimp.gateway.GatewaySettings.from(config), system, NO_BOOKS, () -> KimpNode.paperLedgerDatabase(system, io.kimp.persistence.DatabaseSettings.fromConfig(config))), market, alerts,
        Clock.systemUTC()));
  }

  /**
   * The fake USDT-M futures beside the fake Binance, on the same key (its wallet transfers move the spot account's USDT),
   * with XRP's perpetual listed at {@code bid} / {@code ask} on a 0.1 step and {@code margin} USDT in the futures wallet.
   */
  FakeBinanceFutures startFutures(String bid, String ask, String margin) {
    return FakeBinanceFutures.start(chain, BINANCE_KEY, BINANCE_SECRET).linkSpot(binance)
        .setPrice("XRP", new BigDecimal(bid), new BigDecimal(ask))
        .setStepSize("XRP", new BigDecimal("0.1"))
        .setMinQty(new BigDecimal("0.1"))
        .setWallet(new BigDecimal(margin));
  }

  /** The transfer hedge on, its perpetual at {@code futures} (config lines). */
  static String hedgeSettings(FakeBinanceFutures futures) {
    return String.join("\n",
        "kimp.hedge.enabled = on",
        "kimp.exchanges.binance.futures-url = \"" + futures.baseUrl() + "\"");
  }

  /**
   * A node trading through the production gateway factory with the transfer hedge's perpetual ({@code kimp.hedge.*}):
   * live, the perpetual is the Binance futures gateway, which trades at the venue's book (no {@link PerpView} needed).
   */
  static KimpNode startHedgedNode(Config config, MarketView market, AlertSink alerts) {
    return KimpNode.start(config, system -> new NodeComponents(
        Gateways.create(GatewaySettings.from(config), system, NO_BOOKS, PerpView.none(),
            () -> KimpNode.paperLedgerDatabase(system, DatabaseSettings.fromConfig(config))),
        market, alerts, Clock.systemUTC()));
  }

  @Override
  public void close() {
    binance.close();
    upbit.close();
  }
}
