package io.kimp.core;

/**
 * Marker for every message, event and state that crosses a serialization boundary (journal, snapshot, remoting).
 * Bound to {@code jackson-cbor} in {@code reference.conf}.
 */
public interface CborSerializable {}
