package io.kimp.feeds.source;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.GraphStageWithMaterializedValue;
import scala.Tuple2;

/**
 * A source stage owning one WebSocket connection of a client library: what it connects to, what it sends, and the
 * materialized value that completes when the connection is open (or fails if it cannot be opened).
 */
abstract class WebSocketClientStage
    extends GraphStageWithMaterializedValue<SourceShape<Object>, CompletionStage<Boolean>> {
  /** The timer key of the keep-alive message. */
  static final Object KEEP_ALIVE = new Object();

  final URI uri;
  final String firstMessage;
  final String keepAliveText;
  final Duration keepAlive;
  final Outlet<Object> out = Outlet.create(getClass().getSimpleName() + ".out");
  final SourceShape<Object> shape = SourceShape.of(out);

  /**
   * @param firstMessage sent once the connection is open (a subscription), or null
   * @param keepAliveText sent every {@code keepAlive} (Upbit's {@code PING}), or null
   */
  WebSocketClientStage(URI uri, String firstMessage, String keepAliveText, Duration keepAlive) {
    this.uri = uri;
    this.firstMessage = firstMessage;
    this.keepAliveText = keepAliveText;
    this.keepAlive = keepAlive;
  }

  @Override
  public final SourceShape<Object> shape() {
    return shape;
  }

  @Override
  public final Tuple2<GraphStageLogic, CompletionStage<Boolean>> createLogicAndMaterializedValue(Attributes attrs) {
    CompletableFuture<Boolean> opened = new CompletableFuture<>();
    return Tuple2.apply(logic(opened), opened);
  }

  /** The connection's logic, completing {@code opened} when it is open. */
  abstract GraphStageLogic logic(CompletableFuture<Boolean> opened);
}
