package io.kimp.gateway.binance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BinanceSignerTest {

  /** The example from Binance's "SIGNED endpoint examples" (also in ../shared/ARCHITECTURE.md). */
  @Test
  void documentedVector() {
    String secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    String payload =
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    assertThat(BinanceSigner.sign(secret, payload))
        .isEqualTo("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  }

  /** Query string and body are one payload: splitting it differently must not change the signature. */
  @Test
  void queryAndBodyAreConcatenated() {
    String secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    String query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC";
    String body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    assertThat(BinanceSigner.sign(secret, query + body))
        .isEqualTo("0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77");
  }
}
