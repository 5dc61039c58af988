package io.kimp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.simulator.SimHttpServer.Heartbeat;
import io.kimp.simulator.SimHttpServer.Reply;
import io.kimp.simulator.SimHttpServer.Respond;
import io.kimp.simulator.SimHttpServer.Upgrade;
import io.kimp.simulator.account.AccountsConfig;
import io.kimp.simulator.account.FuturesQuotes;
import io.kimp.simulator.account.Ladder;
import io.kimp.simulator.account.PrivateFaults;
import io.kimp.simulator.account.PrivateReply;
import io.kimp.simulator.account.PrivateRequest;
import io.kimp.simulator.account.RateLimit;
import io.kimp.simulator.account.SimAccounts;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upbit and Binance market data on loopback, speaking their public protocols as the venues document them: Upbit's
 * {@code /websocket/v1} and quotation REST ({@link UpbitVenue}), Binance's {@code /ws}, {@code /stream} and public REST
 * ({@link BinanceVenue}), both over plain or TLS sockets; and a USD/KRW endpoint ({@code {"rates":{"KRW":…}}}). Each
 * venue keeps one state per market ({@link CoinMarket}: book, trades, 24-hour figures, candles) that its streams and its
 * REST answers both read, so they agree at every moment. Driven by the {@link PriceModel}, by candle CSVs or by a kimp
 * recording (raw frames, REST then shows empty books).
 *
 * <p>Faults on demand: drop a venue's connections (clean close), cut them at the TCP level (the client sees 1006), send
 * garbage frames, stall a venue, announce a Binance server shutdown, answer a venue's REST with 429. {@code kimp run
 * --simulate} starts one with {@link #start} and points the feeds at its URLs; {@code kimp simulator} starts only it.
 */
public final class ExchangeSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExchangeSimulator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "127.0.0.1";
  private static final String JSON_TYPE = "application/json";

  private final ClassicActorSystemProvider system;
  private final SimulatorConfig config;
  private final EventLoopGroup io = SimHttpServer.group(Math.min(2, Runtime.getRuntime().availableProcessors()));
  private final Map<SimVenue, Set<SimConnection>> connections = new EnumMap<>(SimVenue.class);
  private final Map<SimVenue, AtomicLong> accepted = new EnumMap<>(SimVenue.class);
  private final Map<SimVenue, LongAdder> updatesSent = new EnumMap<>(SimVenue.class);
  private final Map<SimVenue, Long> stalledUntil = new ConcurrentHashMap<>();
  private final Map<SimVenue, Long> throttledUntil = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> restRequests = new ConcurrentHashMap<>();
  private final AtomicLong upbitSeq = new AtomicLong();
  private final AtomicLong binanceSeq = new AtomicLong(1_000_000);
  private final PriceModel model;
  private final UpdateSource source;
  private volatile Consumer<MarketUpdate> sentListener;
  private volatile String lastUpbitRequest;
  private volatile String usdKrwBody;
  private volatile boolean running = true;
  private final UpbitVenue upbitVenue;
  private final BinanceVenue binanceVenue;
  private final BinanceFuturesVenue futuresVenue;
  private final FuturesConfig futures;
  private SimHttpServer futuresHttp;
  private final SimTls tls;
  private final SslContext ssl;
  private final SimAccounts accounts;
  private SimHttpServer upbitHttp;
  private SimHttpServer binanceHttp;
  private TcpFaultProxy upbitProxy;
  private TcpFaultProxy binanceProxy;
  private Thread pump;

  private ExchangeSimulator(
      ClassicActorSystemProvider system, SimulatorConfig config, FuturesConfig futures, AccountsConfig accountsConfig) {
    this.system = system;
    this.config = config;
    this.futures = futures;
    for (SimVenue v : SimVenue.values()) {
      connections.put(v, ConcurrentHashMap.newKeySet());
      accepted.put(v, new AtomicLong());
      updatesSent.put(v, new LongAdder());
    }
    this.usdKrwBody = usdKrwJson(config.usdKrw());
    if (config.upbitCandles() != null && config.binanceCandles() != null) {
      this.model = null;
      this.source =
          new CandleSource(
              config.upbitCandles(), config.binanceCandles(), config.candleCoin(), config.usdtKrw(), upbitSeq,
              binanceSeq);
    } else {
      this.model = new PriceModel(config, upbitSeq, binanceSeq);
      this.source = model;
    }
    long now = System.currentTimeMillis();
    Map<String, Double> upbitCoins = new LinkedHashMap<>();
    Map<String, Double> binanceCoins = new LinkedHashMap<>();
    for (String coin : config.coins()) {
      upbitCoins.put(coin, source.referencePrice(SimVenue.UPBIT, coin));
      binanceCoins.put(coin, source.referencePrice(SimVenue.BINANCE, coin));
    }
    upbitCoins.putIfAbsent("USDT", source.referencePrice(SimVenue.UPBIT, "USDT"));
    this.upbitVenue =
        new UpbitVenue(upbitCoins,
            List.of(new String[] {"KRW-UPONLY", "UPONLY", "UPONLY"}, // listed on Upbit only: not a common market
                new String[] {"BTC-ETH", "이더리움", "Ethereum"}),
            connections.get(SimVenue.UPBIT), config.upbitRequestsPerSecond(),
            () -> throttledUntil.getOrDefault(SimVenue.UPBIT, 0L), now);
    Map<String, String> listed = new LinkedHashMap<>();
    listed.put("BNONLYUSDT", "TRADING");
    listed.put("UPONLYUSDT", "BREAK"); // halted on Binance: not common
    listed.put("ETHBTC", "TRADING");
    this.binanceVenue =
        new BinanceVenue(binanceCoins, listed, config.binanceDepthLevels(), connections.get(SimVenue.BINANCE),
            config.binanceWeightPerMinute(), () -> throttledUntil.getOrDefault(SimVenue.BINANCE, 0L), now);
    this.futuresVenue =
        new BinanceFuturesVenue(binanceCoins, futures.unlisted(), binanceVenue::market, config.seed(), now);
    this.tls = config.tls() == null ? null : SimTls.create(config.tls());
    this.ssl = tls == null ? null : tls.context();
    RateWindow weight = binanceVenue.weight();
    this.accounts =
        new SimAccounts(accountsConfig, binanceCoins, coin -> ladder(upbitVenue.market(coin)),
            coin -> ladder(binanceVenue.market(coin)), new RateLimit() {
              @Override
              public int add(long now, int w) {
                return weight.add(now, w);
              }

              @Override
              public int used(long now) {
                return weight.used(now);
              }

              @Override
              public int limit() {
                return weight.limit();
              }

              @Override
              public long secondsLeft(long now) {
                return weight.secondsLeft(now);
              }
            }, () -> throttledUntil.getOrDefault(SimVenue.UPBIT, 0L),
            () -> throttledUntil.getOrDefault(SimVenue.BINANCE, 0L));
    // Binance's private USDT-M futures: orders fill at the futures venue's book, weight counts on its public window
    accounts.openFutures(new FuturesQuotes() {
      @Override
      public Ladder book(String coin) {
        return futuresVenue.ladder(coin);
      }

      @Override
      public double mark(String coin) {
        return futuresVenue.mark(coin);
      }
    }, futuresVenue.weight(), () -> throttledUntil.getOrDefault(SimVenue.BINANCE, 0L));
  }

  /** The market's book as the accounts fill against it (null: no such market). */
  private static Ladder ladder(CoinMarket m) {
    if (m == null) {
      return null;
    }
    CoinMarket.Book b = m.book();
    return new Ladder(b.bidPx(), b.bidQty(), b.askPx(), b.askQty(), m.tick, m.step);
  }

  /** Binds both venues on loopback (ephemeral ports) and starts the market. */
  public static CompletionStage<ExchangeSimulator> start(ClassicActorSystemProvider system, SimulatorConfig config) {
    return start(system, config, FuturesConfig.defaults(), AccountsConfig.defaults());
  }

  /** As above, with the Binance USDT-M futures venue configured ({@link BinanceFuturesVenue}). */
  public static CompletionStage<ExchangeSimulator> start(
      ClassicActorSystemProvider system, SimulatorConfig config, FuturesConfig futures) {
    return start(system, config, futures, AccountsConfig.defaults());
  }

  /**
   * Binds both venues with their private REST on the accounts of {@code accounts} (keys, starting balances, transfer
   * delay).
   */
  public static CompletionStage<ExchangeSimulator> start(
      ClassicActorSystemProvider system, SimulatorConfig config, AccountsConfig accounts) {
    return start(system, config, FuturesConfig.defaults(), accounts);
  }

  /** Binds every venue: spot with its private REST on {@code accounts}, and the USDT-M futures of {@code futures}. */
  public static CompletionStage<ExchangeSimulator> start(
      ClassicActorSystemProvider system, SimulatorConfig config, FuturesConfig futures, AccountsConfig accounts) {
    ExchangeSimulator sim;
    try {
      sim = new ExchangeSimulator(system, config, futures, accounts);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletionStage<SimHttpServer> up =
        SimHttpServer.bind(sim.io, HOST, config.faultProxy() ? 0 : config.upbitPort(), sim.ssl,
            new Heartbeat(null, null, null, config.upbitIdleTimeout()), sim::upbit);
    CompletionStage<SimHttpServer> bn =
        SimHttpServer.bind(sim.io, HOST, config.faultProxy() ? 0 : config.binancePort(), sim.ssl,
            new Heartbeat(config.binancePingInterval(), config.binancePongTimeout(), config.binanceMaxConnectionAge(),
                null),
            sim::binance);
    return up.thenCombine(bn, Pair::create)
        .whenComplete((p, e) -> {
          if (e != null) {
            sim.io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
          }
        })
        .thenCompose(
            p -> {
              sim.upbitHttp = p.first();
              sim.binanceHttp = p.second();
              if (!config.faultProxy()) {
                return CompletableFuture.completedFuture(sim);
              }
              // the proxies take the configured ports: they are what clients connect to
              return TcpFaultProxy.start(system, HOST, config.upbitPort(), p.first().port())
                  .thenCombine(
                      TcpFaultProxy.start(system, HOST, config.binancePort(), p.second().port()), Pair::create)
                  .thenApply(
                      proxies -> {
                        sim.upbitProxy = proxies.first();
                        sim.binanceProxy = proxies.second();
                        return sim;
                      });
            })
        .thenCompose(
            s -> SimHttpServer.bind(s.io, HOST, s.futures.port(), s.ssl,
                    new Heartbeat(Duration.ofMinutes(3), Duration.ofMinutes(10), config.binanceMaxConnectionAge(), null),
                    s::binanceFutures)
                .thenApply(
                    f -> {
                      s.futuresHttp = f;
                      return s;
                    }))
        .thenApply(
            s -> {
              s.pump = new Thread(s.config.recording() != null ? s::playRecording : s::runModel, "exchange-simulator");
              s.pump.setDaemon(true);
              s.pump.start();
              log.info("exchange simulator: Upbit {}, Binance {}, Binance futures {}", s.upbitWebSocketUrl(),
                  s.binanceWebSocketUrl(), s.binanceFuturesWebSocketUrl());
              return s;
            });
  }

  // ---------------------------------------------------------------- URLs

  private int publicPort(SimVenue v) {
    TcpFaultProxy proxy = v == SimVenue.UPBIT ? upbitProxy : binanceProxy;
    return proxy != null ? proxy.port() : (v == SimVenue.UPBIT ? upbitHttp : binanceHttp).port();
  }

  private String ws() {
    return ssl != null ? "wss://" : "ws://";
  }

  private String http() {
    return ssl != null ? "https://" : "http://";
  }

  /** {@code kimp.feeds.upbit.websocket-url}. */
  public String upbitWebSocketUrl() {
    return ws() + HOST + ":" + publicPort(SimVenue.UPBIT) + "/websocket/v1";
  }

  /** {@code kimp.feeds.upbit.rest-url}. */
  public String upbitRestUrl() {
    return http() + HOST + ":" + publicPort(SimVenue.UPBIT);
  }

  /** {@code kimp.feeds.binance.websocket-url}. */
  public String binanceWebSocketUrl() {
    return ws() + HOST + ":" + publicPort(SimVenue.BINANCE);
  }

  /** {@code kimp.feeds.binance.rest-url}. */
  public String binanceRestUrl() {
    return http() + HOST + ":" + publicPort(SimVenue.BINANCE);
  }

  /** {@code kimp.feeds.binance-futures.websocket-url}: Binance USDT-M futures ({@code /ws}, {@code /stream}). */
  public String binanceFuturesWebSocketUrl() {
    return ws() + HOST + ":" + futuresHttp.port();
  }

  /** {@code kimp.feeds.binance-futures.rest-url}: Binance USDT-M futures' public REST ({@code /fapi/v1/…}). */
  public String binanceFuturesRestUrl() {
    return http() + HOST + ":" + futuresHttp.port();
  }

  /** The coins the futures venue lists a perpetual for. */
  public Set<String> perpetuals() {
    return futuresVenue.coins();
  }

  /** Closes every futures connection cleanly (close frame 1000); returns how many. */
  public int dropFuturesConnections() {
    return futuresVenue.dropConnections();
  }

  /** Cuts every futures connection without a close frame (the client sees 1006); returns how many. */
  public int abortFuturesConnections() {
    return futuresVenue.abortConnections();
  }

  /** Sends {@code n} malformed frames on every futures connection. */
  public void sendFuturesGarbage(int n) {
    futuresVenue.sendGarbage(n);
  }

  public int openFuturesConnections() {
    return futuresVenue.connections().size();
  }

  public long acceptedFuturesConnections() {
    return futuresVenue.acceptedConnections();
  }

  /** {@code kimp.feeds.fx.usd-krw-url} (answers {@code {"rates":{"KRW":…}}}). */
  public String usdKrwUrl() {
    return upbitRestUrl() + "/fx/usdkrw";
  }

  public SimulatorConfig config() {
    return config;
  }

  /** The venues' accounts behind their private REST: keys, balances, orders, transfers. */
  public SimAccounts accounts() {
    return accounts;
  }

  // ---------------------------------------------------------------- control and faults

  /** Changes the premium regime of the price model (no effect when playing candles or a recording). */
  public void setPremium(double percent, double swingPercent, Duration period) {
    if (model != null) {
      model.setPremium(percent, swingPercent, period.toMillis());
    }
  }

  public void setUsdKrw(double rate) {
    usdKrwBody = usdKrwJson(rate);
  }

  /** Closes every connection of {@code venue} cleanly (close frame 1000); returns how many. */
  public int dropConnections(SimVenue venue) {
    int n = 0;
    for (SimConnection c : connections.get(venue)) {
      c.close();
      n++;
    }
    return n;
  }

  /** Cuts every connection of {@code venue} at the TCP level, no close frame (the client sees 1006); returns how many. */
  public int abortConnections(SimVenue venue) {
    TcpFaultProxy proxy = venue == SimVenue.UPBIT ? upbitProxy : binanceProxy;
    if (proxy != null) {
      return proxy.abortAll();
    }
    int n = 0;
    for (SimConnection c : connections.get(venue)) {
      c.fail();
      n++;
    }
    return n;
  }

  /** Sends {@code n} malformed frames (bad JSON, truncated, bad numbers, crossed books, unknown symbols and types). */
  public void sendGarbage(SimVenue venue, int n) {
    List<String> garbage = garbage(venue, config.coins().get(0));
    for (SimConnection c : connections.get(venue)) {
      for (int i = 0; i < n; i++) {
        c.send(garbage.get(i % garbage.size()));
      }
    }
  }

  /** The venue sends nothing for {@code d} (its connections stay open). */
  public void stall(SimVenue venue, Duration d) {
    stalledUntil.put(venue, System.currentTimeMillis() + d.toMillis());
  }

  /** The venue's REST API answers every request with 429 (and its rate-limit headers) for {@code d}. */
  public void throttle(SimVenue venue, Duration d) {
    throttledUntil.put(venue, System.currentTimeMillis() + d.toMillis());
  }

  /** Ends a stall early. */
  public void resume(SimVenue venue) {
    stalledUntil.remove(venue);
  }

  /** Binance announces a server shutdown on every connection. */
  public void announceServerShutdown() {
    String notice = BinanceWire.serverShutdown(System.currentTimeMillis());
    for (SimConnection c : connections.get(SimVenue.BINANCE)) {
      c.send(notice);
    }
  }

  /**
   * Called on the pump thread with every update of the model just before it goes out to the clients (not for stalled
   * venues); tests and benchmarks use it to know what was sent. Keep it cheap.
   */
  public void onUpdate(Consumer<MarketUpdate> listener) {
    this.sentListener = listener;
  }

  public int openConnections(SimVenue venue) {
    return connections.get(venue).size();
  }

  public long acceptedConnections(SimVenue venue) {
    return accepted.get(venue).get();
  }

  public long updatesSent(SimVenue venue) {
    return updatesSent.get(venue).sum();
  }

  /** Frames the clients were too slow to take. */
  public long framesDropped(SimVenue venue) {
    long n = 0;
    for (SimConnection c : connections.get(venue)) {
      n += c.dropped.sum();
    }
    return n;
  }

  /** The newest Upbit subscription request received. */
  public Optional<String> lastUpbitRequest() {
    return Optional.ofNullable(lastUpbitRequest);
  }

  /** The streams of Binance's open connections (URL and live subscriptions). */
  public List<Set<String>> binanceSubscriptions() {
    List<Set<String>> out = new ArrayList<>();
    for (SimConnection c : connections.get(SimVenue.BINANCE)) {
      out.add(c.streams);
    }
    return out;
  }

  /** The simulator's TLS certificate (PEM), or empty when it serves plain sockets. */
  public Optional<String> certificatePem() {
    return tls == null ? Optional.empty() : Optional.of(tls.certificatePem());
  }

  @Override
  public void close() {
    running = false;
    if (pump != null) {
      pump.interrupt();
    }
    for (SimVenue v : SimVenue.values()) {
      dropConnections(v);
    }
    futuresVenue.dropConnections();
    List<CompletableFuture<?>> stops = new ArrayList<>();
    for (SimHttpServer b : Arrays.asList(upbitHttp, binanceHttp, futuresHttp)) {
      if (b != null) {
        CompletableFuture<Void> unbound = new CompletableFuture<>();
        b.unbind().addListener(f -> unbound.complete(null));
        stops.add(unbound);
      }
    }
    for (TcpFaultProxy p : Arrays.asList(upbitProxy, binanceProxy)) {
      if (p != null) {
        stops.add(p.stop().toCompletableFuture());
      }
    }
    try {
      CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("exchange simulator did not unbind cleanly", e);
    }
    io.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- HTTP

  private Reply upbit(FullHttpRequest req) {
    QueryStringDecoder uri = SimHttpServer.uri(req);
    String path = uri.path();
    if (path.equals("/websocket/v1")) {
      return new Upgrade(ch -> register(new SimConnection(SimVenue.UPBIT, ch, Set.of(), false, this::onUpbitRequest)));
    }
    if (path.equals("/fx/usdkrw")) {
      return new Respond(HttpResponseStatus.OK, JSON_TYPE, usdKrwBody);
    }
    Reply r = SimAccounts.upbitPrivate(path)
        ? respond(accounts.serveUpbit(privateRequest(req, uri), System.currentTimeMillis()))
        : upbitVenue.rest(uri, System.currentTimeMillis());
    count(SimVenue.UPBIT, req, r);
    return r != null ? r : notFound();
  }

  private Reply binance(FullHttpRequest req) {
    QueryStringDecoder uri = SimHttpServer.uri(req);
    Reply r = binanceVenue.upgrade(uri, this::register);
    if (r == null) {
      r = SimAccounts.binancePrivate(uri.path())
          ? respond(accounts.serveBinance(privateRequest(req, uri), System.currentTimeMillis()))
          : binanceVenue.rest(uri, System.currentTimeMillis() + accounts.binanceClockOffset());
      count(SimVenue.BINANCE, req, r);
    }
    return r != null ? r : notFound();
  }

  private Reply binanceFutures(FullHttpRequest req) {
    QueryStringDecoder uri = SimHttpServer.uri(req);
    Reply r = futuresVenue.upgrade(uri);
    if (r == null) {
      r = SimAccounts.binanceFuturesPrivate(uri.path())
          ? respond(accounts.serveBinanceFutures(privateRequest(req, uri), System.currentTimeMillis()))
          : futuresVenue.rest(uri, System.currentTimeMillis() + accounts.binanceClockOffset());
      if (r != null) {
        restRequests.computeIfAbsent("BINANCE_FUTURES " + req.uri(), k -> new LongAdder()).increment();
      }
    }
    return r != null ? r : notFound();
  }

  /** How many futures REST requests for exactly {@code pathAndQuery} (e.g. {@code /fapi/v1/exchangeInfo}). */
  public long futuresRestRequests(String pathAndQuery) {
    LongAdder n = restRequests.get("BINANCE_FUTURES " + pathAndQuery);
    return n == null ? 0 : n.sum();
  }

  private static PrivateRequest privateRequest(FullHttpRequest req, QueryStringDecoder uri) {
    Map<String, String> headers = new java.util.HashMap<>();
    req.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    String raw = uri.rawQuery();
    return new PrivateRequest(req.method().name(), uri.path(), raw, req.content().toString(StandardCharsets.UTF_8),
        headers);
  }

  private static Respond respond(PrivateReply p) {
    return new Respond(HttpResponseStatus.valueOf(p.status()), p.body().startsWith("<") ? "text/html; charset=UTF-8"
        : JSON_TYPE, p.body(), p.headers());
  }

  private static Reply respond(PrivateFaults.Outcome o) {
    return o.hold() == null ? respond(o.reply()) : new SimHttpServer.Held(o.hold(), respond(o.reply()));
  }

  private void count(SimVenue venue, FullHttpRequest req, Reply r) {
    if (r != null) {
      restRequests.computeIfAbsent(venue + " " + req.uri(), k -> new LongAdder()).increment();
    }
  }

  /** How many REST requests for exactly {@code pathAndQuery} (e.g. {@code /api/v3/depth?symbol=BTCUSDT&limit=1000}). */
  public long restRequests(SimVenue venue, String pathAndQuery) {
    LongAdder n = restRequests.get(venue + " " + pathAndQuery);
    return n == null ? 0 : n.sum();
  }

  private static Reply notFound() {
    return new Respond(HttpResponseStatus.NOT_FOUND, "text/html", "<html><body><h1>Not Found</h1></body></html>");
  }

  private void onUpbitRequest(SimConnection c, String text) {
    if (!text.trim().equals("PING")) {
      lastUpbitRequest = text;
    }
    upbitVenue.received(c, text, System.currentTimeMillis());
  }

  /** Counts the connection among the venue's open ones until its channel closes. */
  private SimConnection register(SimConnection c) {
    connections.get(c.venue).add(c);
    accepted.get(c.venue).incrementAndGet();
    c.closed().addListener(f -> connections.get(c.venue).remove(c));
    return c;
  }

  private static String usdKrwJson(double rate) {
    return "{\"base\":\"USD\",\"rates\":{\"KRW\":" + rate + "}}";
  }

  private static List<String> garbage(SimVenue venue, String coin) {
    if (venue == SimVenue.UPBIT) {
      String code = "KRW-" + coin;
      return List.of(
          "this is not json",
          "{\"ty\":\"ticker\",\"cd\":\"" + code + "\",\"tp\":",
          "{\"ty\":\"ticker\",\"cd\":\"" + code + "\",\"tp\":-1,\"tms\":1}",
          "{\"ty\":\"ticker\",\"cd\":\"" + code + "\",\"tp\":\"NaN\",\"tms\":1}",
          "{\"ty\":\"orderbook\",\"cd\":\"" + code + "\",\"tms\":1,\"obu\":[{\"ap\":100,\"bp\":200,\"as\":1,\"bs\":1}]}",
          "{\"ty\":\"ticker\",\"cd\":\"KRW-NOSUCHCOIN\",\"tp\":1,\"tms\":1}",
          "{\"ty\":\"mystery\",\"cd\":\"" + code + "\"}",
          "{\"ty\":\"trade\",\"tp\":1}");
    }
    String sym = coin.toLowerCase(Locale.ROOT) + "usdt";
    String up = coin + "USDT";
    return List.of(
        "<html>502 Bad Gateway</html>",
        "{\"stream\":\"" + sym + "@bookTicker\",\"data\":{\"u\":1,\"s\":\"" + up + "\",\"b\":",
        "{\"stream\":\"" + sym + "@bookTicker\",\"data\":{\"u\":1,\"s\":\"" + up
            + "\",\"b\":\"0\",\"B\":\"1\",\"a\":\"1\",\"A\":\"1\"}}",
        "{\"stream\":\"" + sym + "@bookTicker\",\"data\":{\"u\":1,\"s\":\"" + up
            + "\",\"b\":\"NaN\",\"B\":\"1\",\"a\":\"1\",\"A\":\"1\"}}",
        "{\"stream\":\"" + sym + "@bookTicker\",\"data\":{\"u\":1,\"s\":\"" + up
            + "\",\"b\":\"2\",\"B\":\"1\",\"a\":\"1\",\"A\":\"1\"}}",
        "{\"stream\":\"nosuchusdt@bookTicker\",\"data\":{\"u\":1,\"s\":\"NOSUCHUSDT\",\"b\":\"1\",\"B\":\"1\","
            + "\"a\":\"2\",\"A\":\"1\"}}",
        "{\"stream\":\"" + sym + "@kline_1m\",\"data\":{\"e\":\"kline\",\"s\":\"" + up + "\"}}",
        "{\"stream\":\"" + sym + "@trade\",\"data\":{\"e\":\"trade\",\"s\":\"" + up + "\",\"p\":\"1\"}}");
  }

  // ---------------------------------------------------------------- the pump

  private void runModel() {
    double rate = config.updatesPerSecond();
    long interval = rate > 0 ? (long) (1e9 / rate) : 0;
    long next = System.nanoTime();
    while (running) {
      long now = System.nanoTime();
      if (!stalled(SimVenue.BINANCE)) {
        binanceVenue.tick(System.currentTimeMillis(), this::deliver);
        futuresVenue.tick(System.currentTimeMillis(), ExchangeSimulator::deliverNoWait);
      }
      if (interval > 0) {
        if (now < next) {
          LockSupport.parkNanos(Math.min(next - now, 1_000_000));
          continue;
        }
        next += interval;
        if (now - next > 1_000_000_000L) {
          next = now; // fell behind by more than a second (paused, GC): do not burst
        }
      } else if (connections.get(SimVenue.UPBIT).isEmpty() && connections.get(SimVenue.BINANCE).isEmpty()) {
        LockSupport.parkNanos(1_000_000);
        continue;
      }
      MarketUpdate u = source.next(System.currentTimeMillis(), now);
      if (stalled(u.venue())) {
        continue;
      }
      broadcast(u, interval == 0);
    }
  }

  private boolean stalled(SimVenue v) {
    Long until = stalledUntil.get(v);
    if (until == null) {
      return false;
    }
    if (System.currentTimeMillis() >= until) {
      stalledUntil.remove(v);
      return false;
    }
    return true;
  }

  /** Applies the update to its market (onto the venue's grid), tells the listener, and sends it to the subscribers. */
  private void broadcast(MarketUpdate raw, boolean waitForSlowClients) {
    CoinMarket m = raw.venue() == SimVenue.UPBIT ? upbitVenue.market(raw.coin()) : binanceVenue.market(raw.coin());
    MarketUpdate u = m == null ? raw : m.apply(raw);
    Consumer<MarketUpdate> l = sentListener;
    if (l != null) {
      l.accept(u);
    }
    if (u.venue() == SimVenue.UPBIT) {
      upbitVenue.publish(u, waitForSlowClients, this::deliver);
    } else {
      binanceVenue.publish(u, waitForSlowClients, this::deliver);
      if (u.kind() == MarketUpdate.Kind.BOOK || u.kind() == MarketUpdate.Kind.DEPTH) {
        futuresVenue.onSpotBook(u.coin(), System.currentTimeMillis(), false, ExchangeSimulator::deliverNoWait);
      }
    }
    updatesSent.get(u.venue()).increment();
  }

  /** Sends one frame; with {@code waitForSlowClients} retried until the client takes it (or leaves). */
  private void deliver(SimConnection c, byte[] frame, boolean waitForSlowClients) {
    if (waitForSlowClients) {
      while (running && !c.send(frame) && connections.get(c.venue).contains(c)) {
        c.dropped.decrement(); // not dropped: retried until the client takes it
        LockSupport.parkNanos(20_000); // leave the CPU to the connections draining the queue
      }
    } else {
      c.send(frame);
    }
  }

  /** The futures venue's frames: a client too slow to take one loses it (counted), nobody waits for it. */
  private static void deliverNoWait(SimConnection c, byte[] frame, boolean waitForSlowClients) {
    c.send(frame);
  }

  /** Plays a kimp recording's frames to the clients at the recorded pace (× speed): Upbit binary, Binance text. */
  private void playRecording() {
    double speed = config.recordingSpeed() > 0 ? config.recordingSpeed() : 1.0;
    long firstT = -1;
    long start = System.nanoTime();
    try (BufferedReader r = Files.newBufferedReader(config.recording(), StandardCharsets.UTF_8)) {
      String line;
      while (running && (line = r.readLine()) != null) {
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (IOException e) {
          continue; // a damaged line of the recording: skipped
        }
        if (n == null || !n.has("t") || !n.has("venue") || !n.has("frame")) {
          continue;
        }
        long t = n.get("t").asLong();
        if (firstT < 0) {
          firstT = t;
        }
        long due = start + (long) ((t - firstT) * 1_000_000L / speed);
        long wait;
        while (running && (wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        String frame = n.get("frame").asText();
        switch (n.get("venue").asText()) {
          case "upbit":
            sendRaw(SimVenue.UPBIT, frame);
            break;
          case "binance":
            sendRaw(SimVenue.BINANCE, frame);
            break;
          case "fx":
            usdKrwBody = frame;
            break;
          case "binance_futures":
            for (SimConnection c : futuresVenue.connections()) {
              c.send(frame);
            }
            break;
          default:
            break;
        }
      }
    } catch (IOException e) {
      log.error("exchange simulator cannot read the recording {}", config.recording(), e);
    }
  }

  private void sendRaw(SimVenue v, String frame) {
    if (stalled(v)) {
      return;
    }
    byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
    for (SimConnection c : connections.get(v)) {
      if (c.ready()) {
        c.send(bytes);
      }
    }
    updatesSent.get(v).increment();
  }
}
