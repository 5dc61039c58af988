package io.kimp.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.core.market.Venue;
import io.kimp.core.venue.FailureClass;
import io.kimp.core.venue.OrderRequest;
import io.kimp.core.venue.VenueException;
import io.kimp.gateway.binance.BinanceGateway;
import io.kimp.gateway.binance.BinanceSettings;
import io.kimp.gateway.http.ApiCredentials;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.limit.KeyLimits;
import io.kimp.gateway.preflight.KeyRejection;
import io.kimp.gateway.upbit.UpbitGateway;
import io.kimp.gateway.upbit.UpbitSettings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each venue's key-rejection codes, as the fakes answer them: the gateway's failure names the key's setting and what to
 * check, and the {@link io.kimp.gateway.preflight.KeyWatch} hears of it (the app stops trading on it); other refusals are
 * not key rejections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRejectionTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private LiveVenues venues;
  private final List<KeyRejection> heard = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    venues = LiveVenues.start(Duration.ofMillis(200));
  }

  @BeforeEach
  void reset() {
    heard.clear();
    venues.upbit.refuseKey(null);
    venues.binance.refuseKey(false);
  }

  @AfterAll
  void stop() {
    venues.close();
    kit.shutdownTestKit();
  }

  private KeyLimits watched() {
    KeyLimits limits = KeyLimits.standalone();
    limits.keyWatch().listen(heard::add);
    return limits;
  }

  private UpbitGateway upbit(String key, String secret) {
    UpbitSettings s = new UpbitSettings(venues.upbit.baseUrl(), new ApiCredentials(key, secret), Duration.ofSeconds(1),
        LiveVenues.REQUEST_TIMEOUT, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofHours(1));
    return new UpbitGateway(s, new VenueHttp(kit.system(), Venue.UPBIT, s.connectTimeout(), s.requestTimeout()),
        venues.costs, Clock.systemUTC(), watched());
  }

  private BinanceGateway binance(String key, String secret) {
    BinanceSettings s = new BinanceSettings(venues.binance.baseUrl(), new ApiCredentials(key, secret),
        Duration.ofSeconds(5), Duration.ofSeconds(1), LiveVenues.REQUEST_TIMEOUT, Duration.ofSeconds(1),
        Duration.ofHours(1));
    return new BinanceGateway(s, new VenueHttp(kit.system(), Venue.BINANCE, s.connectTimeout(), s.requestTimeout()),
        venues.costs, Clock.systemUTC(), watched());
  }

  private void assertKeyRejected(VenueException e, Venue venue, String code, String setting) {
    // the venue refused before acting: retrying is safe and succeeds once the key is fixed
    assertThat(e.failureClass()).isEqualTo(FailureClass.TRANSIENT);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.getMessage()).contains("check your API key").contains(setting);
    assertThat(heard).singleElement().satisfies(r -> {
      assertThat(r.venue()).isEqualTo(venue);
      assertThat(r.code()).isEqualTo(code);
      assertThat(r.message()).contains(setting);
    });
    assertThat(KeyRejection.of(e)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwt_verification", "invalid_access_key", "no_authorization_ip", "expired_access_key"})
  void upbitKeyRejections(String code) {
    UpbitGateway g;
    switch (code) {
      case "jwt_verification" -> g = upbit(LiveVenues.UPBIT_KEY, LiveVenues.UPBIT_SECRET.replace('a', 'b'));
      case "invalid_access_key" -> g = upbit("some-other-access-key", LiveVenues.UPBIT_SECRET);
      default -> {
        venues.upbit.refuseKey(code);
        g = upbit(LiveVenues.UPBIT_KEY, LiveVenues.UPBIT_SECRET);
      }
    }
    assertKeyRejected(LiveVenues.failure(g.balances()), Venue.UPBIT, code, "kimp.exchanges.upbit.access-key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1022", "-2014", "-2015"})
  void binanceKeyRejections(String code) {
    BinanceGateway g;
    switch (code) {
      case "-1022" -> g = binance(LiveVenues.BINANCE_KEY, LiveVenues.BINANCE_SECRET.replace('a', 'b'));
      case "-2014" -> g = binance("not a key!", LiveVenues.BINANCE_SECRET);
      default -> {
        venues.binance.refuseKey(true);
        g = binance(LiveVenues.BINANCE_KEY, LiveVenues.BINANCE_SECRET);
      }
    }
    assertKeyRejected(LiveVenues.failure(g.balances()), Venue.BINANCE, code, "kimp.exchanges.binance.api-key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"upbit", "binance"})
  void otherRefusalsAreNotKeyRejections(String venue) {
    venues.binance.setBalance("USDT", BigDecimal.ZERO).setPrice("XRP", new BigDecimal("0.499"), new BigDecimal("0.5"));
    venues.upbit.setBalance("KRW", BigDecimal.ZERO).setPrice("XRP", new BigDecimal("699"), new BigDecimal("700"));
    VenueException e = venue.equals("upbit")
        ? LiveVenues.failure(upbit(LiveVenues.UPBIT_KEY, LiveVenues.UPBIT_SECRET)
            .placeOrder(OrderRequest.marketBuy("kr-" + venue, "XRP", new BigDecimal("10000"))))
        : LiveVenues.failure(binance(LiveVenues.BINANCE_KEY, LiveVenues.BINANCE_SECRET)
            .placeOrder(OrderRequest.marketBuy("kr-" + venue, "XRP", new BigDecimal("20"))));
    assertThat(e.failureClass()).isEqualTo(FailureClass.PERMANENT);
    assertThat(KeyRejection.of(e)).isEmpty();
    assertThat(heard).isEmpty();
  }
}
