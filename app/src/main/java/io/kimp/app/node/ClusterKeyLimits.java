package io.kimp.app.node;

import io.kimp.core.CborSerializable;
import io.kimp.core.market.Venue;
import io.kimp.gateway.limit.KeyLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's {@link KeyLimits} in step with the cluster: the number of members drawing on the API keys (every member
 * that is not exiting, down or removed trades on the same keys; counting a joining, leaving or unreachable member too
 * errs on the safe side) is fed to the share on every membership event, and a 429/418 that one node draws is published on the
 * {@value #TOPIC} topic (Pekko's distributed pub-sub), so that every node pauses that venue for the {@code Retry-After}.
 */
public final class ClusterKeyLimits {
  private static final Logger log = LoggerFactory.getLogger(ClusterKeyLimits.class);
  public static final String TOPIC = "kimp-venue-backoff";
  /** Members that no longer trade: an Exiting member has handed its shards off already. */
  private static final Set<MemberStatus> GONE = Set.of(MemberStatus.exiting(), MemberStatus.down(), MemberStatus.removed());

  private ClusterKeyLimits() {}

  /** What the actor handles: the cluster's membership changes and the back-offs other nodes announce. */
  public sealed interface Command {}

  /** A venue asked a node to back off for {@code waitMs} (its {@code Retry-After}); {@code origin} is the node. */
  public record BackoffAnnounced(String venue, long waitMs, int status, String origin)
      implements Command, CborSerializable {}

  private record MembershipChanged() implements Command {}

  /**
   * How many members the configuration says the cluster will have: the seed nodes, Cluster Bootstrap's required contact
   * points, {@code pekko.cluster.min-nr-of-members}, the largest (at least 1). Until this node is Up, its share assumes at
   * least that many, so that nodes starting together do not each take the whole key's budget.
   */
  public static int expectedMembers(com.typesafe.config.Config c) {
    int n = Math.max(1, c.getStringList("pekko.cluster.seed-nodes").size());
    n = Math.max(n, c.getInt("pekko.cluster.min-nr-of-members"));
    String contactPoints = "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr";
    if (c.hasPath("kimp.cluster.bootstrap.enabled") && c.getBoolean("kimp.cluster.bootstrap.enabled")
        && c.hasPath(contactPoints)) {
      n = Math.max(n, c.getInt(contactPoints));
    }
    return n;
  }

  /**
   * Starts the actor on {@code system}; its counts show as {@code kimp_rate_limit_*} meters in {@code registry}.
   * {@code expected} members are assumed until this node is Up ({@link #expectedMembers}).
   */
  public static void start(ActorSystem<?> system, KeyLimits limits, MeterRegistry registry, int expected) {
    limits.share().membersUp(expected);
    Gauge.builder("kimp_rate_limit_members", limits.share(), s -> s.members())
        .description("cluster members sharing the API keys' rate limits (each node uses limit x (1 - margin) / members)")
        .register(registry);
    system.systemActorOf(behavior(limits, registry, expected), "key-limits", Props.empty());
  }

  static Behavior<Command> behavior(KeyLimits limits, MeterRegistry registry, int expected) {
    return Behaviors.setup(
        ctx -> {
          Cluster cluster = Cluster.get(ctx.getSystem());
          String self = cluster.selfMember().address().toString();
          ActorRef<ClusterEvent.MemberEvent> events =
              ctx.messageAdapter(ClusterEvent.MemberEvent.class, e -> new MembershipChanged());
          cluster.subscriptions().tell(Subscribe.create(events, ClusterEvent.MemberEvent.class));
          ActorRef<Topic.Command<BackoffAnnounced>> topic =
              ctx.spawn(Topic.create(BackoffAnnounced.class, TOPIC), "venue-backoff-topic");
          topic.tell(Topic.subscribe(ctx.getSelf().narrow()));
          limits.relayTo(
              (venue, wait, status) -> {
                counter(registry, venue.name(), "sent").increment();
                topic.tell(Topic.publish(new BackoffAnnounced(venue.name(), wait.toMillis(), status, self)));
              });
          recount(cluster, limits, expected);
          return Behaviors.receive(Command.class)
              .onMessage(MembershipChanged.class, m -> {
                recount(cluster, limits, expected);
                return Behaviors.same();
              })
              .onMessage(BackoffAnnounced.class, b -> {
                if (!b.origin().equals(self)) {
                  counter(registry, b.venue(), "received").increment();
                  log.warn("{} answered {} to node {}: pausing {} calls here too for {} ms", b.venue(), b.status(),
                      b.origin(), b.venue(), b.waitMs());
                  limits.backoffAnnounced(Venue.valueOf(b.venue()), Duration.ofMillis(b.waitMs()));
                }
                return Behaviors.same();
              })
              .build();
        });
  }

  private static Counter counter(MeterRegistry registry, String venue, String direction) {
    return Counter.builder("kimp_rate_limit_backoffs_total")
        .description("429/418 back-offs announced to the cluster (sent) or from other nodes (received)")
        .tag("venue", venue)
        .tag("direction", direction)
        .register(registry);
  }

  private static void recount(Cluster cluster, KeyLimits limits, int expected) {
    int n = 0;
    for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
      if (!GONE.contains(m.status())) {
        n++;
      }
    }
    if (cluster.selfMember().status() != MemberStatus.up()) {
      n = Math.max(n, expected); // still joining: the others may be starting too
    }
    int before = limits.share().members();
    limits.share().membersUp(n);
    if (before != limits.share().members()) {
      log.info("{} cluster members share the API keys' rate limits", limits.share().members());
    }
  }
}
