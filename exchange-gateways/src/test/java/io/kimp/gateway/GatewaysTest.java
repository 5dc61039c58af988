package io.kimp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.core.market.Book;
import io.kimp.core.market.BookView;
import io.kimp.core.market.Venue;
import io.kimp.core.venue.Venues;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.paper.LedgerDatabases;
import io.kimp.gateway.paper.PaperLedger;
import io.kimp.gateway.paper.PaperVenue;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import javax.sql.DataSource;
import io.kimp.gateway.upbit.UpbitGateway;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaysTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final BookView noBooks =
      new BookView() {
        @Override
        public Optional<Book> book(Venue venue, String coin) {
          return Optional.empty();
        }

        @Override
        public OptionalDouble usdtKrw() {
          return OptionalDouble.empty();
        }
      };

  @TempDir Path dir;

  private static DataSource noLedger() {
    throw new AssertionError("live mode opens no paper ledger");
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private Config config(String overrides) {
    return ConfigFactory.load(ConfigFactory.parseString(overrides));
  }

  @Test
  void paperIsTheDefaultAndKeepsItsLedgerInTheDatabase() throws Exception {
    Config c = config("kimp.data-dir = \"" + dir.toString().replace("\\", "/") + "\"");
    assertThat(TradingMode.from(c)).isEqualTo(TradingMode.PAPER);
    try (HikariDataSource db = LedgerDatabases.h2(dir)) {
      Venues venues = Gateways.create(GatewaySettings.from(c), kit.system(), noBooks, () -> db);
      assertThat(venues.of(Venue.UPBIT)).isInstanceOf(PaperVenue.class);
      assertThat(venues.of(Venue.BINANCE)).isInstanceOf(PaperVenue.class);
      try (Connection conn = db.getConnection()) {
        assertThat(PaperLedger.started(conn)).isTrue();
      }
    }
    assertThat(dir.resolve("paper-ledger.json")).doesNotExist();
  }

  @Test
  void liveModeRefusesToStartWithoutKeysNamingTheSetting() {
    Config c = config("kimp.trading.mode = live\nkimp.exchanges.upbit.access-key = \"\"");
    assertThatThrownBy(() -> Gateways.create(GatewaySettings.from(c), kit.system(), noBooks, GatewaysTest::noLedger))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kimp.exchanges.upbit.access-key")
        .hasMessageContaining("UPBIT_ACCESS_KEY");
    Config upbitOnly =
        config("kimp.trading.mode = live\nkimp.exchanges.upbit.access-key = a\nkimp.exchanges.upbit.secret-key = b\n"
            + "kimp.exchanges.binance.api-key = \"\"");
    assertThatThrownBy(() -> Gateways.create(GatewaySettings.from(upbitOnly), kit.system(), noBooks, GatewaysTest::noLedger))
        .hasMessageContaining("kimp.exchanges.binance.api-key");
  }

  @Test
  void liveModeBuildsTheRealGatewaysAndNeverShowsTheSecrets() {
    Config c =
        config("kimp.trading.mode = LIVE\n"
            + "kimp.exchanges.upbit { access-key = UPBITACCESSKEY123, secret-key = UPBITSECRETVALUE999 }\n"
            + "kimp.exchanges.binance { api-key = BINANCEAPIKEY456, secret-key = BINANCESECRETVALUE777 }");
    Venues venues = Gateways.create(GatewaySettings.from(c), kit.system(), noBooks, GatewaysTest::noLedger);
    assertThat(venues.of(Venue.UPBIT)).isInstanceOf(UpbitGateway.class);
    assertThat(venues.of(Venue.BINANCE)).isInstanceOf(BinanceGateway.class);
    String dump = venues.of(Venue.UPBIT) + " " + venues.of(Venue.BINANCE) + " " + LiveSettings.upbit(c) + " "
        + LiveSettings.binance(c);
    assertThat(dump).doesNotContain("UPBITSECRETVALUE999", "BINANCESECRETVALUE777", "UPBITACCESSKEY123",
        "BINANCEAPIKEY456");
    assertThat(dump).contains("UPBI****", "BINA****");
  }

  @Test
  void badSettingsNameTheirKey() {
    assertThatThrownBy(() -> TradingMode.from(config("kimp.trading.mode = demo")))
        .hasMessageContaining("kimp.trading.mode");
    assertThatThrownBy(() -> io.kimp.gateway.paper.PaperSettings.from(config("kimp.paper.faults.unknown-outcome-rate = 2")))
        .hasMessageContaining("kimp.paper.faults.unknown-outcome-rate");
    assertThatThrownBy(() -> LiveSettings.binance(config("kimp.exchanges.binance { api-key = a, secret-key = b, "
        + "recv-window = 61s }"))).hasMessageContaining("kimp.exchanges.binance.recv-window");
    assertThatThrownBy(() -> LiveSettings.upbit(config("kimp.exchanges.upbit { access-key = a, secret-key = b, "
        + "base-url = \"ftp://x\" }"))).hasMessageContaining("kimp.exchanges.upbit.base-url");
  }

  @Test
  void thePerpetualVenueIsBuiltOnlyWithTheHedgeAndForTheMode() throws Exception {
    Config off = config("kimp.data-dir = \"" + dir.toString().replace("\\", "/") + "\"");
    assertThat(Gateways.perpetual(GatewaySettings.from(off), kit.system(), io.kimp.core.market.PerpView.none(),
        GatewaysTest::noLedger, io.kimp.gateway.limit.KeyLimits.standalone())).isEmpty();

    Config paper = config("kimp.hedge.enabled = on\nkimp.fees.binance-futures.taker = 0.0004\n"
        + "kimp.paper.balances.binance-futures.USDT = 1234");
    try (HikariDataSource db = LedgerDatabases.h2(dir)) {
      var venue = Gateways.perpetual(GatewaySettings.from(paper), kit.system(), io.kimp.core.market.PerpView.none(),
          () -> db, io.kimp.gateway.limit.KeyLimits.standalone()).orElseThrow();
      assertThat(venue).isInstanceOf(io.kimp.gateway.paper.PaperPerpVenue.class);
      assertThat(venue.availableMargin().toCompletableFuture().get()).isEqualByComparingTo("1234");
    }

    Config live = config("kimp.hedge.enabled = on\nkimp.trading.mode = live\n"
        + "kimp.exchanges.upbit { access-key = UPBITACCESSKEY123, secret-key = UPBITSECRETVALUE999 }\n"
        + "kimp.exchanges.binance { api-key = BINANCEAPIKEY456, secret-key = BINANCESECRETVALUE777, "
        + "futures-url = \"https://fapi.example.test/\" }");
    GatewaySettings settings = GatewaySettings.from(live);
    assertThat(settings.live().orElseThrow().futures().futuresUrl()).isEqualTo("https://fapi.example.test");
    assertThat(settings.live().orElseThrow().rateLimits().futuresOrdersPer10s()).isEqualTo(300);
    var venue = Gateways.perpetual(settings, kit.system(), io.kimp.core.market.PerpView.none(), GatewaysTest::noLedger,
        io.kimp.gateway.limit.KeyLimits.standalone()).orElseThrow();
    assertThat(venue).isInstanceOf(io.kimp.gateway.binance.BinanceFuturesGateway.class);
    assertThat(venue.toString()).doesNotContain("BINANCESECRETVALUE777").doesNotContain("BINANCEAPIKEY456");

    try (HikariDataSource db = LedgerDatabases.h2(dir.resolve("all"))) {
      Venues all = Gateways.create(GatewaySettings.from(paper), kit.system(), noBooks,
          io.kimp.core.market.PerpView.none(), () -> db);
      assertThat(all.of(Venue.BINANCE)).isInstanceOf(PaperVenue.class);
      assertThat(all.perpetual()).get().isInstanceOf(io.kimp.gateway.paper.PaperPerpVenue.class);
      Venues unhedged = Gateways.create(GatewaySettings.from(off), kit.system(), noBooks,
          io.kimp.core.market.PerpView.none(), () -> db);
      assertThat(unhedged.perpetual()).isEmpty();
    }
    Venues liveAll = Gateways.create(settings, kit.system(), noBooks, io.kimp.core.market.PerpView.none(),
        GatewaysTest::noLedger);
    assertThat(liveAll.perpetual()).get().isInstanceOf(io.kimp.gateway.binance.BinanceFuturesGateway.class);
    assertThat(((io.kimp.gateway.binance.BinanceFuturesGateway) liveAll.perpetual().get()).limits())
        .as("the futures gateway draws on the spot gateways' KeyLimits")
        .isSameAs(((BinanceGateway) liveAll.of(Venue.BINANCE)).limits());

    Config badFee = config("kimp.hedge.enabled = on\nkimp.fees.binance-futures.taker = 2");
    assertThatThrownBy(() -> GatewaySettings.from(badFee)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kimp.fees.binance-futures.taker");
  }
}
