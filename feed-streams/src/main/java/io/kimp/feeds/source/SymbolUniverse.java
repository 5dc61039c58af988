package io.kimp.feeds.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kimp.core.net.ClientTls;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.Materializer;

/**
 * The coins listed on both venues ({@code kimp.feeds.symbols = auto}): Upbit's KRW markets ({@code GET /v1/market/all})
 * intersected with Binance's trading USDT markets ({@code GET /api/v3/exchangeInfo}), sorted. USDT itself, the rate market,
 * is not a coin to trade.
 */
public final class SymbolUniverse {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_MS = 30_000;
  private static final long MAX_BYTES = 64L << 20; // exchangeInfo lists every Binance symbol

  private SymbolUniverse() {}

  public static CompletionStage<List<String>> common(
      ClassicActorSystemProvider system, String upbitRestUrl, String binanceRestUrl) {
    CompletionStage<Set<String>> upbit = get(system, upbitRestUrl + "/v1/market/all").thenApply(SymbolUniverse::upbitKrw);
    CompletionStage<Set<String>> binance =
        get(system, binanceRestUrl + "/api/v3/exchangeInfo").thenApply(SymbolUniverse::binanceUsdt);
    return upbit.thenCombine(
        binance,
        (u, b) -> {
          Set<String> both = new TreeSet<>(u);
          both.retainAll(b);
          both.remove("USDT");
          if (both.isEmpty()) {
            throw new IllegalStateException("no coin is listed both on Upbit (KRW) and Binance (USDT)");
          }
          return List.copyOf(both);
        });
  }

  /**
   * The coins with a USDT-M perpetual trading on Binance futures ({@code GET /fapi/v1/exchangeInfo}): the transfer hedge
   * can short only those.
   */
  public static CompletionStage<Set<String>> perpetuals(ClassicActorSystemProvider system, String futuresRestUrl) {
    return get(system, futuresRestUrl + "/fapi/v1/exchangeInfo").thenApply(SymbolUniverse::usdtPerpetuals);
  }

  /**
   * Base assets of {@code {"symbols":[{"baseAsset":…,"quoteAsset":"USDT","contractType":"PERPETUAL","status":"TRADING"}]}}
   * whose symbol is the base asset and USDT (a {@code 1000SHIBUSDT} contract is no perpetual of SHIB's unit).
   */
  static Set<String> usdtPerpetuals(String body) {
    Set<String> out = new TreeSet<>();
    for (JsonNode s : read(body, "Binance futures exchangeInfo").path("symbols")) {
      String base = s.path("baseAsset").asText();
      if ("USDT".equals(s.path("quoteAsset").asText()) && "PERPETUAL".equals(s.path("contractType").asText())
          && "TRADING".equals(s.path("status").asText()) && (base + "USDT").equals(s.path("symbol").asText())) {
        out.add(base);
      }
    }
    return out;
  }

  /** Coins of {@code [{"market":"KRW-BTC",…},…]}. */
  static Set<String> upbitKrw(String body) {
    Set<String> out = new TreeSet<>();
    for (JsonNode m : read(body, "Upbit market list")) {
      String market = m.path("market").asText("");
      if (market.startsWith("KRW-") && market.length() > 4) {
        out.add(market.substring(4));
      }
    }
    return out;
  }

  /** Base assets of TRADING symbols quoted in USDT in {@code {"symbols":[{"baseAsset":…,"quoteAsset":…,"status":…}]}}. */
  static Set<String> binanceUsdt(String body) {
    Set<String> out = new TreeSet<>();
    for (JsonNode s : read(body, "Binance exchangeInfo").path("symbols")) {
      if ("USDT".equals(s.path("quoteAsset").asText()) && "TRADING".equals(s.path("status").asText())) {
        out.add(s.path("baseAsset").asText());
      }
    }
    return out;
  }

  private static JsonNode read(String body, String what) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new CompletionException(new IOException(what + " is not JSON: " + e.getMessage(), e));
    }
  }

  private static CompletionStage<String> get(ClassicActorSystemProvider system, String url) {
    Materializer mat = Materializer.matFromSystem(system);
    Http http = Http.get(system.classicSystem());
    return http
        .singleRequest(HttpRequest.GET(url), ClientTls.get(system).context()
            .map(org.apache.pekko.http.javadsl.ConnectionContext::httpsClient)
            .orElseGet(http::defaultClientHttpsContext))
        .thenCompose(
            r -> {
              if (!r.status().isSuccess()) {
                r.discardEntityBytes(mat);
                throw new CompletionException(new IOException("GET " + url + " answered " + r.status()));
              }
              return r.entity().toStrict(TIMEOUT_MS, MAX_BYTES, mat);
            })
        .thenApply(e -> e.getData().utf8String());
  }
}
