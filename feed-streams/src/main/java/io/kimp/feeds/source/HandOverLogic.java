package io.kimp.feeds.source;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * The stage side of a WebSocket client that runs on its own network thread: that thread hands whole messages (and the
 * end of the connection) over through a lock-free queue, and wakes the stage only when the stage waits for one, so a burst
 * costs one wake-up, not one per message. The client keeps the queue short through its own flow control, told of every
 * message pushed downstream ({@link #delivered}).
 */
abstract class HandOverLogic extends TimerGraphStageLogic {
  private final Outlet<Object> out;
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean waiting = new AtomicBoolean();
  private final AsyncCallback<Object> wake;

  /** The end of the stream, queued behind the messages that came before it. */
  private record End(Throwable error) {}

  HandOverLogic(SourceShape<Object> shape) {
    super(shape);
    this.out = shape.out();
    this.wake = createAsyncCallback(x -> deliver());
    setHandler(
        out,
        new AbstractOutHandler() {
          @Override
          public void onPull() {
            deliver();
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            completeStage();
          }
        });
  }

  /** Stage thread: a message went downstream (for the client's flow control). */
  protected abstract void delivered();

  /** Network thread: hand a message ({@code String} or {@code byte[]}) to the stage. */
  protected final void enqueue(Object message) {
    queue.add(message);
    if (waiting.compareAndSet(true, false)) {
      wake.invoke(null);
    }
  }

  /** Network thread: the connection ended, cleanly if {@code error} is null. */
  protected final void end(Throwable error) {
    enqueue(new End(error));
  }

  /** Stage thread: push what is queued while downstream wants it. */
  private void deliver() {
    while (isAvailable(out)) {
      Object m = queue.poll();
      if (m == null) {
        waiting.set(true);
        m = queue.poll(); // the network thread may have queued between the poll and the flag
        if (m == null) {
          return;
        }
        waiting.set(false);
      }
      if (m instanceof End end) {
        if (end.error() == null) {
          completeStage();
        } else {
          failStage(end.error());
        }
        return;
      }
      push(out, m);
      delivered();
    }
  }
}
