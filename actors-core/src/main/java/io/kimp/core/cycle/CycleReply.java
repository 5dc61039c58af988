package io.kimp.core.cycle;

import io.kimp.core.CborSerializable;
import java.util.UUID;

/**
 * The answer to a command: accepted (with the cycle it concerns) or refused with a reason; {@code state} for queries.
 */
public record CycleReply(boolean accepted, UUID cycleId, String message, CycleState state)
    implements CborSerializable {

  public static CycleReply accepted(UUID cycleId, String message) {
    return new CycleReply(true, cycleId, message, null);
  }

  public static CycleReply refused(UUID cycleId, String reason) {
    return new CycleReply(false, cycleId, reason, null);
  }

  public static CycleReply view(CycleState state) {
    return new CycleReply(true, state.cycle() == null ? null : state.cycle().cycleId(), "state", state);
  }
}
