package io.kimp.gateway.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.simulator.account.BinanceSignatures;
import org.junit.jupiter.api.Test;

/**
 * The fake futures venue's own signature check held against the example in Binance's USDT-M futures docs ("SIGNED
 * Endpoint Examples for POST /fapi/v1/order"), so that the gateway's signer is verified by code that shares nothing
 * with it.
 */
class FakeFuturesSignatureTest {
  private static final String DOCS_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
  private static final String DOCS_PARAMS =
      "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
  private static final String DOCS_SIGNATURE = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9";

  @Test
  void theDocsExampleVerifies() {
    assertThat(BinanceSignatures.signatureValid(DOCS_SECRET, DOCS_PARAMS, DOCS_SIGNATURE)).isTrue();
    assertThat(BinanceSignatures.signatureValid(DOCS_SECRET, DOCS_PARAMS, DOCS_SIGNATURE.toUpperCase()))
        .as("not case sensitive").isTrue();
  }

  @Test
  void anythingElseDoesNot() {
    assertThat(BinanceSignatures.signatureValid(DOCS_SECRET, DOCS_PARAMS.replace("9000", "9001"), DOCS_SIGNATURE))
        .isFalse();
    assertThat(BinanceSignatures.signatureValid(DOCS_SECRET + "0", DOCS_PARAMS, DOCS_SIGNATURE)).isFalse();
  }
}
