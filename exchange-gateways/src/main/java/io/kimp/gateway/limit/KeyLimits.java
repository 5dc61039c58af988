package io.kimp.gateway.limit;

import io.kimp.core.market.Venue;
import io.kimp.gateway.http.VenueBackoff;
import io.kimp.gateway.preflight.KeyWatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one node's gateways share about their API keys: the node's {@link ClusterShare} of each key's limits, the
 * documented limits, the back-off pauses that travel between nodes, and the {@link KeyWatch} that hears of a key the
 * venue rejected. Every gateway on a venue's key (the spot gateway
 * today, a futures gateway on the same key later) registers its {@link VenueBackoff} here, so that a back-off announced
 * by another node pauses all of them, and announces its own 429/418s through the {@link BackoffRelay}.
 */
public final class KeyLimits {
  private static final Logger log = LoggerFactory.getLogger(KeyLimits.class);

  private final RateLimitSettings settings;
  private final ClusterShare share;
  private volatile BackoffRelay relay = BackoffRelay.LOCAL_ONLY;
  private final Map<Venue, List<VenueBackoff>> backoffs = new ConcurrentHashMap<>();
  private final KeyWatch keyWatch = new KeyWatch();
  private final Map<String, SlidingWindow> windows = new ConcurrentHashMap<>();

  public KeyLimits(RateLimitSettings settings) {
    this.settings = settings;
    this.share = new ClusterShare(settings.safetyMargin());
  }

  /** One node alone on its keys, announcing to nobody: the documented limits less the margin. */
  public static KeyLimits standalone() {
    return new KeyLimits(RateLimitSettings.documented());
  }

  public RateLimitSettings settings() {
    return settings;
  }

  public ClusterShare share() {
    return share;
  }

  /**
   * The node's limiter of one (key, API family) window, e.g. {@code binance-futures:weight-1m}: created by the first
   * gateway that asks, then the same instance for every gateway of this node on the key, so that two gateways drawing
   * on one family (the futures gateway's wallet transfer and the spot gateway on {@code /sapi}) share one budget. Its
   * budget is this node's {@link ClusterShare} of {@code documentedLimit}, read on every request.
   */
  public SlidingWindow window(String name, long windowMs, java.util.function.IntSupplier documentedLimit,
      java.time.Clock clock) {
    return windows.computeIfAbsent(name,
        n -> new SlidingWindow(n, windowMs, () -> share.of(documentedLimit.getAsInt()), clock));
  }

  /** Where the gateways report a key the venue rejected, whichever request met it. */
  public KeyWatch keyWatch() {
    return keyWatch;
  }

  /** Where this node's own back-offs go (set by the app once the cluster is up). */
  public void relayTo(BackoffRelay relay) {
    this.relay = relay;
  }

  /** A gateway's pause, to be extended by back-offs other nodes announce for its venue. */
  public void register(Venue venue, VenueBackoff backoff) {
    backoffs.computeIfAbsent(venue, v -> new CopyOnWriteArrayList<>()).add(backoff);
  }

  /** This node drew a 429/418: tell the other nodes on the key. */
  public void announce(Venue venue, Duration wait, int status) {
    try {
      relay.announce(venue, wait, status);
    } catch (RuntimeException e) {
      log.warn("could not announce the {} back-off to the other nodes: {}", venue, e.toString());
    }
  }

  /** Another node drew a 429/418 on the key: pause this node's gateways of {@code venue} for {@code wait} from now. */
  public void backoffAnnounced(Venue venue, Duration wait) {
    for (VenueBackoff b : backoffs.getOrDefault(venue, List.of())) {
      b.pause(wait);
    }
  }
}
