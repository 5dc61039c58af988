package io.kimp.feeds.source;

import java.time.Duration;
import java.time.Instant;

/** A point-in-time view of a {@link ConnectionState}. {@code connectedSince} and {@code lastMessageAge} may be null. */
public record ConnectionHealth(
    String name,
    boolean connected,
    Instant connectedSince,
    long reconnects,
    long rotations,
    Duration lastMessageAge,
    double framesPerSecond,
    long frames,
    String lastError) {}
