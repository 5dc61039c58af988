package io.kimp.gateway.live;

import io.kimp.core.market.Venue;
import io.kimp.fixtures.venue.FakeBinanceFutures;
import io.kimp.fixtures.venue.FakeChain;
import io.kimp.gateway.binance.BinanceFuturesGateway;
import io.kimp.gateway.binance.BinanceFuturesSettings;
import io.kimp.gateway.http.ApiCredentials;
import io.kimp.gateway.http.VenueHttp;
import io.kimp.gateway.limit.KeyLimits;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** A fake USDT-M futures venue and live futures gateways pointed at it. */
final class FuturesVenue implements AutoCloseable {
  final FakeChain chain = new FakeChain(Duration.ofMillis(200));
  final FakeBinanceFutures fake =
      FakeBinanceFutures.start(chain, LiveVenues.BINANCE_KEY, LiveVenues.BINANCE_SECRET);

  BinanceFuturesSettings settings(String secret) {
    return new BinanceFuturesSettings(fake.baseUrl(), fake.baseUrl(), new ApiCredentials(LiveVenues.BINANCE_KEY, secret),
        Duration.ofSeconds(5), Duration.ofSeconds(1), LiveVenues.REQUEST_TIMEOUT, Duration.ofSeconds(1),
        Duration.ofHours(1), new BigDecimal("0.0005"));
  }

  BinanceFuturesGateway gateway(ActorTestKit kit, KeyLimits limits) {
    return gateway(kit, limits, LiveVenues.BINANCE_SECRET);
  }

  BinanceFuturesGateway gateway(ActorTestKit kit, KeyLimits limits, String secret) {
    BinanceFuturesSettings s = settings(secret);
    return new BinanceFuturesGateway(s, new VenueHttp(kit.system(), Venue.BINANCE, s.connectTimeout(),
        s.requestTimeout()), Clock.systemUTC(), limits);
  }

  @Override
  public void close() {
    fake.close();
  }
}
