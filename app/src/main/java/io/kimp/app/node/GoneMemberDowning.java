package io.kimp.app.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downs a member whose process is gone, without waiting for the failure detector and the split brain resolver.
 *
 * <p>A heartbeat-based detector cannot tell a dead process from a starved one, so it waits (pause + {@code stable-after},
 * ~8 s in kimp-node.conf) before the SBR downs anyone. But a killed or crashed JVM leaves a sign a stalled one never
 * does: its remoting port refuses connections, because the kernel closed its listening socket. A live JVM's port
 * accepts connections even when the JVM is frozen (the kernel completes the handshake into the listen backlog; a full
 * backlog drops the SYN, which is a timeout, not a refusal). So every {@code probe-interval} this actor opens (and at
 * once closes) a TCP connection to each other member's remoting address; a member refused {@code refusals} times in a
 * row is downed — but only by a node that, without that member, still reaches a strict majority of the members, so that
 * even a network that answers with refusals (a firewall's REJECT) between two sides of a partition cannot make both
 * sides down each other. Anything else (a timeout, no route, a member this node cannot reach the majority without)
 * leaves the decision to the SBR, unchanged. A member that comes back on the same port is a new incarnation; downing
 * the old one is what Pekko does then anyway.
 */
public final class GoneMemberDowning {
  private static final Logger log = LoggerFactory.getLogger(GoneMemberDowning.class);

  /** The line the failover harness counts downings by; keep it in step with its log scan. */
  static final String LOG_PREFIX = "member gone: downing [";

  /** {@code kimp.cluster.down-when-process-gone}. */
  public record Settings(boolean enabled, Duration probeInterval, Duration connectTimeout, int refusals) {
    public Settings {
      if (refusals < 1) {
        throw new ConfigException.BadValue("kimp.cluster.down-when-process-gone.refusals", "must be at least 1");
      }
      if (probeInterval.isNegative() || probeInterval.isZero()) {
        throw new ConfigException.BadValue("kimp.cluster.down-when-process-gone.probe-interval", "must be positive");
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new ConfigException.BadValue("kimp.cluster.down-when-process-gone.connect-timeout", "must be positive");
      }
    }

    public static Settings fromConfig(Config c) {
      Config g = c.getConfig("kimp.cluster.down-when-process-gone");
      return new Settings(g.getBoolean("enabled"), g.getDuration("probe-interval"), g.getDuration("connect-timeout"),
          g.getInt("refusals"));
    }
  }

  /** What one connection attempt to a member's remoting port found. */
  public enum Probe {
    /** Something listens: the process is there (perhaps slow; not this class's business). */
    LISTENING,
    /** The connection was refused: nothing listens on that port. */
    REFUSED,
    /** No answer in time, no route, a name that does not resolve: nothing can be concluded. */
    UNKNOWN
  }

  /** Opens and closes one TCP connection to {@code host:port}. */
  public static Probe probe(String host, int port, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      return Probe.LISTENING;
    } catch (ConnectException e) {
      // "Connection refused" is the kernel's RST; "No route to host"/"Network is unreachable" say nothing of the process
      String m = e.getMessage();
      return m != null && m.contains("refused") ? Probe.REFUSED : Probe.UNKNOWN;
    } catch (SocketTimeoutException e) {
      return Probe.UNKNOWN;
    } catch (IOException | IllegalArgumentException | SecurityException e) {
      return Probe.UNKNOWN;
    }
  }

  /**
   * The pure rule: may this node down {@code suspect}, refused {@code refusedInARow} times in a row?
   *
   * @param members the members that count (status Up, WeaklyUp or Leaving), self and the suspect included
   * @param unreachable the members this node's failure detector (or gossip) marks unreachable
   */
  public static boolean mayDown(
      Address suspect, int refusedInARow, int refusalsNeeded, Set<Address> members, Set<Address> unreachable) {
    if (refusedInARow < refusalsNeeded || !members.contains(suspect)) {
      return false;
    }
    long reachableWithout = members.stream().filter(a -> !a.equals(suspect) && !unreachable.contains(a)).count();
    return reachableWithout * 2 > members.size();
  }

  private GoneMemberDowning() {}

  sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Probed(UniqueAddress member, Probe result) implements Command {}

  /** Starts the prober as a system actor, when enabled. */
  public static void start(ActorSystem<?> system, Settings settings) {
    if (!settings.enabled()) {
      log.info("downing members whose process is gone is off (kimp.cluster.down-when-process-gone.enabled)");
      return;
    }
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    system.systemActorOf(create(settings, blocking), "gone-member-downing",
        org.apache.pekko.actor.typed.Props.empty());
  }

  static Behavior<Command> create(Settings settings, Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.probeInterval());
      Cluster cluster = Cluster.get(ctx.getSystem());
      Map<UniqueAddress, Integer> refusedInARow = new HashMap<>();
      Set<UniqueAddress> inFlight = new HashSet<>();
      Set<UniqueAddress> downed = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            UniqueAddress self = cluster.selfMember().uniqueAddress();
            for (Member m : counted(cluster.state())) {
              if (m.status() == MemberStatus.leaving()) {
                continue; // a member leaving on purpose closes its port when it is done: never a downing
              }
              UniqueAddress who = m.uniqueAddress();
              Address a = who.address();
              if (who.equals(self) || inFlight.contains(who) || downed.contains(who)
                  || a.getHost().isEmpty() || a.getPort().isEmpty()) {
                continue;
              }
              inFlight.add(who);
              String host = a.getHost().get();
              int port = (Integer) a.getPort().get();
              ctx.pipeToSelf(
                  CompletableFuture.supplyAsync(() -> probe(host, port, settings.connectTimeout()), blocking),
                  (result, failure) -> new Probed(who, failure != null ? Probe.UNKNOWN : result));
            }
            return Behaviors.same();
          })
          .onMessage(Probed.class, p -> {
            inFlight.remove(p.member());
            if (p.result() != Probe.REFUSED) {
              refusedInARow.remove(p.member());
              return Behaviors.same();
            }
            int n = refusedInARow.merge(p.member(), 1, Integer::sum);
            CurrentClusterState state = cluster.state();
            Set<Address> members = new HashSet<>();
            counted(state).forEach(m -> members.add(m.address()));
            Set<Address> unreachable = new HashSet<>();
            state.getUnreachable().forEach(m -> unreachable.add(m.address()));
            boolean stillThatIncarnation = counted(state).stream().anyMatch(m -> m.uniqueAddress().equals(p.member()));
            if (stillThatIncarnation
                && mayDown(p.member().address(), n, settings.refusals(), members, unreachable)) {
              downed.add(p.member());
              log.warn("{}{}], its remoting port refused {} connections in a row ({} apart): the process is gone, so it"
                      + " is downed now instead of after the failure detector and the split brain resolver"
                      + " (kimp.cluster.down-when-process-gone)",
                  LOG_PREFIX, p.member().address(), n, settings.probeInterval());
              cluster.manager().tell(new Down(p.member().address()));
            } else if (n == settings.refusals()) {
              log.info("{}'s remoting port refuses connections, but without it this node does not reach a majority of"
                  + " {} members: the split brain resolver decides", p.member().address(), members.size());
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static List<Member> counted(CurrentClusterState state) {
    return StreamSupport.stream(state.getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()
            || m.status() == MemberStatus.leaving())
        .toList();
  }
}
