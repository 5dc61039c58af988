package io.kimp.core.settings;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** What the singletons publish to every node: a topic, followed on this node by a subscriber. */
public final class ClusterTopics {
  private ClusterTopics() {}

  /**
   * Starts this node's actor of the cluster-wide topic {@code topicName} (as {@code kimp-<name>-topic}) and a subscriber
   * ({@code kimp-<name>-subscriber}) that hands every message to {@code onMessage}; returns the topic to publish on.
   */
  public static <T> ActorRef<Topic.Command<T>> follow(
      ActorSystem<?> system, Class<T> type, String topicName, String name, Consumer<T> onMessage) {
    ActorRef<Topic.Command<T>> topic =
        system.systemActorOf(Topic.create(type, topicName), "kimp-" + name + "-topic", Props.empty());
    ActorRef<T> subscriber =
        system.systemActorOf(
            Behaviors.receiveMessage(
                m -> {
                  onMessage.accept(m);
                  return Behaviors.same();
                }),
            "kimp-" + name + "-subscriber",
            Props.empty());
    topic.tell(Topic.subscribe(subscriber));
    return topic;
  }
}
