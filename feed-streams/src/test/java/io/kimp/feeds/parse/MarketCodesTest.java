package io.kimp.feeds.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Codes are remembered by their first word, length and (past eight bytes) the rest: each code, wherever it sits in a frame
 * (mid-frame, or at the very end where no whole word can be read), resolves as the resolver says, and codes sharing their
 * first eight bytes are kept apart.
 */
class MarketCodesTest {
  private static final CoinResolver COINS = CoinResolver.of(List.of("BTC", "DOGE", "MATIC", "MATICX", "A"));

  private static String lookUp(MarketCodes codes, String code, boolean atEnd) {
    String frame = atEnd ? "{\"cd\":\"" + code : "{\"cd\":\"" + code + "\",\"more\":1234567890}";
    byte[] b = frame.getBytes(StandardCharsets.ISO_8859_1);
    int from = 7;
    return codes.coin(b, from, from + code.length());
  }

  @Test
  void everyCodeResolvesAsTheResolverSaysWhereverItIs() {
    for (boolean upbit : new boolean[] {true, false}) {
      MarketCodes codes = upbit ? MarketCodes.upbit(COINS) : MarketCodes.binance(COINS);
      List<String> all =
          List.of("KRW-BTC", "KRW-DOGE", "KRW-MATIC", "KRW-MATICX", "KRW-MATICY", "KRW-A", "KRW-", "", "BTCUSDT",
              "DOGEUSDT", "MATICUSDT", "MATICXUSDT", "maticxusdt", "MATICYUSDT", "AUSDT", "KRW-BTD", "BTCUSDC");
      for (int round = 0; round < 3; round++) { // first resolved, then remembered
        for (String code : all) {
          String expected = upbit ? COINS.upbit(code) : COINS.binance(code);
          assertThat(lookUp(codes, code, false)).as(code).isEqualTo(expected);
          assertThat(lookUp(codes, code, true)).as(code + " at the end").isEqualTo(expected);
        }
      }
    }
  }
}
