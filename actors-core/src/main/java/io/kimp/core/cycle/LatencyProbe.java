package io.kimp.core.cycle;

/**
 * An optional hook on the path from a cycle's start to its first order, for {@code kimp bench latency}: the entity and
 * the gateways report when a symbol's cycle reaches each {@link Stage}, and the benchmark timestamps them
 * ({@code System.nanoTime}, one JVM). Off unless a benchmark installs one: the product runs with {@link #NONE}, which
 * costs a volatile read and an empty call per report. A probe is called on actor and HTTP-client threads: it must not
 * block, and never does I/O of the product's.
 */
@FunctionalInterface
public interface LatencyProbe {

  /** The stages between the detector's offer and the order on the wire, in order. */
  enum Stage {
    /** The start reached the symbol's entity (through sharding) and is being decided on. */
    START_TAKEN,
    /** The entity persisted {@code CapitalRequested} (the journal confirmed it). */
    CAPITAL_REQUESTED_PERSISTED,
    /** The portfolio's grant reached the entity. */
    CAPITAL_GRANTED,
    /**
     * The first order's intent is durable: its {@code StepRequested} persisted, or (prepared) the {@code
     * CapitalRequested} that carries it, before the grant.
     */
    INTENT_PERSISTED,
    /** A gateway signed an order request and hands it to its HTTP client. */
    REQUEST_SIGNED
  }

  /** Reports that {@code symbol}'s cycle reached {@code stage}. */
  void reached(Stage stage, String symbol);

  /** The product's probe: does nothing. */
  LatencyProbe NONE = (stage, symbol) -> {};

  /** The probe in force in this JVM ({@link #NONE} unless a benchmark installed one). */
  static LatencyProbe current() {
    return Installed.probe;
  }

  /** Installs {@code probe} for this JVM (null: {@link #NONE}); a benchmark's switch, never set by the product. */
  static void install(LatencyProbe probe) {
    Installed.probe = probe == null ? NONE : probe;
  }

  /** Holds the installed probe (an interface cannot have a mutable field of its own). */
  final class Installed {
    private static volatile LatencyProbe probe = NONE;

    private Installed() {}
  }
}
