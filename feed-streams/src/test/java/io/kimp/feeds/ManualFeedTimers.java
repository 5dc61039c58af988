package io.kimp.feeds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Test clock for the feeds' planned actions: nothing is due until the test {@link #advance}s the clock past it; then every
 * periodic element and every delayed action that fell due is fired, in time order, on the calling thread.
 */
public final class ManualFeedTimers implements FeedTimers {
  private final class Periodic {
    final long interval;
    final BoundedSourceQueue<String> queue;
    final String element;
    long nextDue;

    Periodic(long interval, BoundedSourceQueue<String> queue, String element, long nextDue) {
      this.interval = interval;
      this.queue = queue;
      this.element = element;
      this.nextDue = nextDue;
    }
  }

  private record Task(long due, Runnable action) {}

  private long now;
  private final List<Periodic> periodic = new ArrayList<>();
  private final List<Task> tasks = new ArrayList<>();
  private long periodicFired;

  @Override
  public Source<String, ?> every(Duration interval, String element) {
    return Source.<String>queue(16)
        .mapMaterializedValue(
            q -> {
              synchronized (this) {
                q.offer(element); // the first one at once
                periodic.add(new Periodic(interval.toNanos(), q, element, now + interval.toNanos()));
              }
              return q;
            });
  }

  @Override
  public synchronized void after(Duration delay, Runnable action) {
    tasks.add(new Task(now + delay.toNanos(), action));
  }

  /** Moves the clock forward by {@code d}, firing what falls due on the way. */
  public synchronized void advance(Duration d) {
    long target = now + d.toNanos();
    while (true) {
      long due = Long.MAX_VALUE;
      for (Periodic p : periodic) {
        due = Math.min(due, p.nextDue);
      }
      for (Task t : tasks) {
        due = Math.min(due, t.due());
      }
      if (due > target) {
        break;
      }
      now = due;
      for (Periodic p : periodic) {
        if (p.nextDue == due) {
          p.queue.offer(p.element);
          p.nextDue += p.interval;
          periodicFired++;
        }
      }
      for (Task t : List.copyOf(tasks)) {
        if (t.due() == due) {
          tasks.remove(t);
          t.action().run();
        }
      }
    }
    now = target;
  }

  /** Delayed actions registered and not yet due. */
  public synchronized int pendingActions() {
    return tasks.size();
  }

  /** Periodic elements fired by {@link #advance} (not counting the first of each, which comes at once). */
  public synchronized long periodicFired() {
    return periodicFired;
  }

  /** How far the clock has been advanced. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(now);
  }
}
