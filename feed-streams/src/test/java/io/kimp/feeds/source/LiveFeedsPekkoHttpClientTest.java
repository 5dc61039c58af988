package io.kimp.feeds.source;

/** The same live-feed behaviour through Pekko HTTP's WebSocket client ({@code kimp.feeds.websocket-client = pekko-http}). */
class LiveFeedsPekkoHttpClientTest extends LiveFeedsTest {
  @Override
  protected String client() {
    return "kimp.feeds.websocket-client = pekko-http\n";
  }
}
