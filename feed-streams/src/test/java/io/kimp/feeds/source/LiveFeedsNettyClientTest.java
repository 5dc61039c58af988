package io.kimp.feeds.source;

/** The same live-feed behaviour through the Netty WebSocket client ({@code kimp.feeds.websocket-client = netty}). */
class LiveFeedsNettyClientTest extends LiveFeedsTest {
  @Override
  protected String client() {
    return "kimp.feeds.websocket-client = netty\n";
  }
}
