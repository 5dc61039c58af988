package io.kimp.simulator.xchange;

import static org.assertj.core.api.Assertions.assertThat;

import info.bitrich.xchangestream.binance.BinanceStreamingExchange;
import info.bitrich.xchangestream.core.ProductSubscription;
import info.bitrich.xchangestream.core.StreamingExchangeFactory;
import io.kimp.simulator.ExchangeSimulator;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.SimulatorConfig;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.knowm.xchange.Exchange;
import org.knowm.xchange.ExchangeFactory;
import org.knowm.xchange.ExchangeSpecification;
import org.knowm.xchange.binance.BinanceExchange;
import org.knowm.xchange.currency.CurrencyPair;
import org.knowm.xchange.dto.marketdata.OrderBook;
import org.knowm.xchange.dto.marketdata.Ticker;
import org.knowm.xchange.dto.marketdata.Trade;
import org.knowm.xchange.dto.marketdata.Trades;
import org.knowm.xchange.binance.dto.marketdata.BinanceKline;
import org.knowm.xchange.binance.dto.marketdata.KlineInterval;
import org.knowm.xchange.binance.service.BinanceMarketDataService;
import org.knowm.xchange.instrument.Instrument;
import org.knowm.xchange.upbit.UpbitExchange;
import org.knowm.xchange.upbit.service.UpbitMarketDataServiceRaw;

/**
 * A widely used third-party client, XChange (org.knowm.xchange, from Maven Central; test scope only), against the
 * simulator: Binance's REST market data (xchange-binance) and streams (xchange-stream-binance, its Netty client: the
 * combined {@code /stream?streams=…} URL, 24hrTicker, trades, and the local order book it keeps from the REST snapshot
 * and {@code depthUpdate} diffs), and Upbit's REST market data (xchange-upbit; XChange has no Upbit streaming). Each
 * method must bring real data back. Only the base URLs are pointed at loopback (the streaming one by a subclass, as
 * XChange hard-codes it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XChangeAgainstSimulatorTest {
  private static final CurrencyPair BTC_USDT = new CurrencyPair("BTC", "USDT");
  private static final CurrencyPair XRP_KRW = new CurrencyPair("XRP", "KRW");

  /** XChange's Binance streaming exchange with its stream base URI on the simulator. */
  public static final class SimBinanceStreaming extends BinanceStreamingExchange {
    static volatile String base;

    @Override
    protected String getStreamingBaseUri() {
      return base;
    }
  }

  private final ActorTestKit kit = ActorTestKit.create();
  private ExchangeSimulator sim;
  private Exchange binance;
  private Exchange upbit;
  private SimBinanceStreaming streaming;

  private static ExchangeSpecification at(Class<? extends Exchange> type, String restUrl) {
    ExchangeSpecification spec = new ExchangeSpecification(type);
    URI u = URI.create(restUrl);
    spec.setSslUri(restUrl);
    spec.setHost(u.getHost());
    spec.setPort(u.getPort());
    return spec;
  }

  @BeforeAll
  void start() throws Exception {
    sim = ExchangeSimulator.start(kit.system(),
            SimulatorConfig.defaults().withCoins(List.of("BTC", "ETH", "XRP")).withUpdatesPerSecond(300))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    binance = ExchangeFactory.INSTANCE.createExchange(at(BinanceExchange.class, sim.binanceRestUrl()));
    upbit = ExchangeFactory.INSTANCE.createExchange(at(UpbitExchange.class, sim.upbitRestUrl()));
    SimBinanceStreaming.base = sim.binanceWebSocketUrl() + "/";
    streaming = (SimBinanceStreaming) StreamingExchangeFactory.INSTANCE.createExchange(
        at(SimBinanceStreaming.class, sim.binanceRestUrl()));
    streaming.connect(ProductSubscription.create().addTicker(BTC_USDT).addOrderbook(BTC_USDT).addTrades(BTC_USDT)
        .build()).blockingAwait(60, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    if (streaming != null) {
      streaming.disconnect().blockingAwait(30, TimeUnit.SECONDS);
    }
    sim.close();
    kit.shutdownTestKit();
  }

  private static void aRealTicker(Ticker t) {
    assertThat(t.getLast()).isPositive();
    assertThat(t.getAsk()).isGreaterThan(t.getBid());
    assertThat(t.getBid()).isPositive();
  }

  private static void aRealBook(OrderBook b) {
    assertThat(b.getBids()).isNotEmpty();
    assertThat(b.getAsks()).isNotEmpty();
    BigDecimal bid = b.getBids().get(0).getLimitPrice();
    BigDecimal ask = b.getAsks().get(0).getLimitPrice();
    assertThat(bid).isPositive();
    assertThat(ask).isGreaterThan(bid);
  }

  @Test
  void binanceRestMetaData() {
    assertThat(binance.getExchangeMetaData().getInstruments()).containsKey(BTC_USDT);
    assertThat(binance.getExchangeMetaData().getInstruments().get(BTC_USDT).getPriceScale()).isEqualTo(2);
  }

  @Test
  void binanceRestTicker() throws Exception {
    Ticker t = binance.getMarketDataService().getTicker(BTC_USDT);
    aRealTicker(t);
    assertThat(t.getQuoteVolume()).isPositive();
    assertThat(t.getHigh()).isGreaterThanOrEqualTo(t.getLow());
  }

  @Test
  void binanceRestOrderBook() throws Exception {
    aRealBook(binance.getMarketDataService().getOrderBook(BTC_USDT));
  }

  @Test
  void binanceRestTrades() throws Exception {
    // the Instrument overload (XChange's CurrencyPair one is not implemented for Binance): /api/v3/aggTrades
    Trades trades = binance.getMarketDataService().getTrades((Instrument) BTC_USDT);
    assertThat(trades.getTrades()).isNotEmpty();
    assertThat(trades.getTrades().get(0).getPrice()).isPositive();
  }

  @Test
  void binanceRestRawKlinesBookTickersTimeAndPing() throws Exception {
    BinanceMarketDataService raw = (BinanceMarketDataService) binance.getMarketDataService();
    List<BinanceKline> klines = raw.klines(BTC_USDT, KlineInterval.m1);
    assertThat(klines).isNotEmpty();
    assertThat(klines.get(0).getHigh()).isGreaterThanOrEqualTo(klines.get(0).getLow());
    assertThat(raw.tickerAllBookTickers()).isNotEmpty()
        .allSatisfy(b -> assertThat(b.getAskPrice()).isGreaterThan(b.getBidPrice()));
    assertThat(raw.binanceTime().getServerTime().getTime()).isPositive();
    raw.ping();
    assertThat(raw.ticker24hAllProducts(false)).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void binanceStreamTicker() {
    aRealTicker(streaming.getStreamingMarketDataService().getTicker(BTC_USDT).firstOrError()
        .timeout(60, TimeUnit.SECONDS).blockingGet());
  }

  @Test
  void binanceStreamOrderBookFromSnapshotAndDiffs() {
    // several books in a row: the local book XChange keeps from /api/v3/depth and the depthUpdate diffs stays sound
    List<OrderBook> books = streaming.getStreamingMarketDataService().getOrderBook(BTC_USDT).take(10).toList()
        .timeout(60, TimeUnit.SECONDS).blockingGet();
    assertThat(books).hasSize(10).allSatisfy(XChangeAgainstSimulatorTest::aRealBook);
    // one snapshot: XChange found every diff continuing the one before (a gap makes it fetch the snapshot again)
    assertThat(sim.restRequests(SimVenue.BINANCE, "/api/v3/depth?symbol=BTCUSDT&limit=1000")).isEqualTo(1);
  }

  @Test
  void binanceStreamTrades() {
    Trade t = streaming.getStreamingMarketDataService().getTrades(BTC_USDT).firstOrError()
        .timeout(60, TimeUnit.SECONDS).blockingGet();
    assertThat(t.getPrice()).isPositive();
    assertThat(t.getOriginalAmount()).isPositive();
  }

  @Test
  void upbitRestTicker() throws Exception {
    Ticker t = upbit.getMarketDataService().getTicker(XRP_KRW);
    assertThat(t.getLast()).isPositive();
    assertThat(t.getQuoteVolume()).isPositive();
  }

  @Test
  void upbitRestOrderBook() throws Exception {
    OrderBook b = upbit.getMarketDataService().getOrderBook(XRP_KRW);
    aRealBook(b);
    assertThat(b.getBids()).hasSize(15);
  }

  @Test
  void upbitRestRawMarketsAndTickers() throws Exception {
    UpbitMarketDataServiceRaw raw = (UpbitMarketDataServiceRaw) upbit.getMarketDataService();
    assertThat(raw.getMarketAll()).extracting(m -> m.getMarket()).contains("KRW-BTC", "KRW-XRP");
    assertThat(raw.getTickers(List.of(XRP_KRW, new CurrencyPair("BTC", "KRW"))).getTickers()).hasSize(2);
  }

  @Test
  void upbitRestTrades() throws Exception {
    Trades trades = upbit.getMarketDataService().getTrades(XRP_KRW);
    assertThat(trades.getTrades()).isNotEmpty();
    assertThat(trades.getTrades().get(0).getPrice()).isPositive();
  }
}
