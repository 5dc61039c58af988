package io.kimp.simulator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kimp.simulator.SimVenue;
import io.kimp.simulator.SimulatorConfig;
import io.kimp.simulator.account.AccountsConfig;
import io.kimp.simulator.account.SimKeys;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code kimp simulator} scenario: the market (coins, seed, premium regime and drift, volatility, spread, depth), the
 * venues' rules (ports, TLS, keep-alive, rate limits) and the outages to play, read from a HOCON or JSON file (keys in
 * the README's "Exchange simulator" section) over the built-in defaults ({@code kimp-simulator-defaults.conf}).
 */
record Scenario(SimulatorConfig config, boolean tls, List<Outage> outages, AccountsConfig accounts) {

  /** What an outage does. */
  enum Kind {
    /** Close the venue's connections cleanly (close frame 1000). */
    DISCONNECT,
    /** Cut them at the TCP level (the client sees 1006). */
    CUT,
    /** Send nothing for {@code for}. */
    STALL,
    /** Send {@code count} malformed frames on every connection. */
    MALFORMED,
    /** Answer every REST request with 429 for {@code for}. */
    RATE_LIMIT,
    /** Binance's serverShutdown notice. */
    SERVER_SHUTDOWN,
    /** Refuse the venue's (valid) API key for {@code for}: a key revoked or an IP taken off its allow-list. */
    KEY_REFUSED,
    /** Answer the next {@code count} private requests of {@code endpoint} (e.g. {@code POST /v1/orders}) with a 503. */
    SERVER_ERROR,
    /** Suspend deposits and withdrawals of {@code coin} at the venue for {@code for}. */
    WALLET_SUSPENDED
  }

  /** One outage: {@code kind} on {@code venue} at {@code at} after start, again every {@code every} if set. */
  record Outage(Duration at, Duration every, SimVenue venue, Kind kind, Duration length, int count, String endpoint,
      String coin) {}

  /** The coins: a list, or a count (the 20 well-known ones, then {@code C021}, {@code C022}, … up to 500). */
  static List<String> coins(Config c) {
    if (c.getValue("coins").valueType() == com.typesafe.config.ConfigValueType.NUMBER) {
      int n = c.getInt("coins");
      if (n < 1 || n > 500) {
        throw new IllegalArgumentException("coins must be between 1 and 500, or a list");
      }
      List<String> out = new ArrayList<>(SimulatorConfig.DEFAULT_COINS.subList(0, Math.min(n, 20)));
      for (int i = 21; i <= n; i++) {
        out.add(String.format(Locale.ROOT, "C%03d", i));
      }
      return out;
    }
    return c.getStringList("coins").stream().map(s -> s.trim().toUpperCase(Locale.ROOT)).toList();
  }

  /** The {@code accounts} keys: the private REST's keys, starting balances and transfer delay. */
  static AccountsConfig accounts(Config a) {
    Config k = a.getConfig("keys");
    String[] keys = {k.getString("upbit-access-key"), k.getString("upbit-secret-key"), k.getString("binance-api-key"),
        k.getString("binance-secret-key")};
    long given = java.util.Arrays.stream(keys).filter(x -> !x.isBlank()).count();
    if (given != 0 && given != 4) {
      throw new IllegalArgumentException("accounts.keys: give all four keys, or none (generated at start)");
    }
    String file = a.getString("keys-file");
    return AccountsConfig.defaults()
        .withKeys(given == 4 ? new SimKeys(keys[0], keys[1], keys[2], keys[3]) : null)
        .withKeysFile(file.isBlank() ? null : Path.of(file))
        .withBalances(balances(a.getConfig("upbit")), balances(a.getConfig("binance")))
        .withTransferDelay(a.getDuration("transfer-delay"));
  }

  private static Map<String, BigDecimal> balances(Config c) {
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    for (String asset : c.root().keySet()) {
      try {
        out.put(asset.toUpperCase(Locale.ROOT), new BigDecimal(c.getString(asset)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("accounts: the balance of " + asset + " is not a number: "
            + c.getString(asset));
      }
    }
    return out;
  }

  /** Reads {@code file} (may be null) over the defaults, then {@code overrides} (from the command's options) over it. */
  static Scenario load(Path file, Config overrides) {
    Config defaults = ConfigFactory.parseResources(Scenario.class, "kimp-simulator-defaults.conf");
    Config c = overrides;
    if (file != null) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read the scenario file " + file);
      }
      c = c.withFallback(ConfigFactory.parseFile(file.toFile()));
    }
    c = c.withFallback(defaults).resolve();
    try {
      SimulatorConfig s = SimulatorConfig.defaults()
          .withCoins(coins(c))
          .withSeed(c.getLong("seed"))
          .withUpdatesPerSecond(c.getDouble("updates-per-second"))
          .withPremium(c.getDouble("premium.percent"), c.getDouble("premium.swing"), c.getDuration("premium.period"))
          .withPremiumDrift(c.getDouble("premium.drift-per-hour"))
          .withMarket(c.getDouble("market.volatility"), c.getDouble("market.spread"), c.getDouble("market.depth"))
          .withBinanceDepthLevels(c.getInt("market.binance-depth-levels"))
          .withRates(c.getDouble("usdt-krw"), c.getDouble("usd-krw"))
          .withPorts(c.getInt("ports.upbit"), c.getInt("ports.binance"))
          .withBinancePingInterval(c.getDuration("keep-alive.binance-ping"))
          .withBinanceKeepAlive(c.getDuration("keep-alive.binance-pong-timeout"),
              c.getDuration("keep-alive.binance-max-connection-age"))
          .withUpbitIdleTimeout(c.getDuration("keep-alive.upbit-idle"))
          .withRateLimits(c.getInt("rate-limits.binance-weight-per-minute"), c.getInt("rate-limits.upbit-per-second"));
      boolean tls = c.getBoolean("tls.enabled");
      if (tls) {
        String ks = c.getString("tls.key-store");
        s = s.withTls(new SimulatorConfig.Tls(ks.isBlank() ? null : Path.of(ks), c.getString("tls.password"),
            Path.of(c.getString("tls.certificate-out"))));
      }
      List<Outage> outages = new ArrayList<>();
      for (Config o : c.getConfigList("outages")) {
        Kind kind = Kind.valueOf(o.getString("kind").toUpperCase(Locale.ROOT).replace('-', '_'));
        SimVenue venue = SimVenue.valueOf(o.getString("venue").toUpperCase(Locale.ROOT));
        if (kind == Kind.SERVER_SHUTDOWN && venue != SimVenue.BINANCE) {
          throw new IllegalArgumentException("server-shutdown is Binance's notice: venue must be binance");
        }
        if (kind == Kind.SERVER_ERROR && !o.hasPath("endpoint")) {
          throw new IllegalArgumentException("server-error needs the endpoint, e.g. endpoint = \"POST /v1/orders\"");
        }
        if (kind == Kind.WALLET_SUSPENDED && !o.hasPath("coin")) {
          throw new IllegalArgumentException("wallet-suspended needs the coin, e.g. coin = XRP");
        }
        outages.add(new Outage(o.getDuration("at"), o.hasPath("every") ? o.getDuration("every") : null, venue, kind,
            o.hasPath("for") ? o.getDuration("for") : Duration.ofSeconds(10), o.hasPath("count") ? o.getInt("count") : 5,
            o.hasPath("endpoint") ? o.getString("endpoint") : null,
            o.hasPath("coin") ? o.getString("coin").toUpperCase(Locale.ROOT) : null));
      }
      return new Scenario(s, tls, outages, accounts(c.getConfig("accounts")));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
