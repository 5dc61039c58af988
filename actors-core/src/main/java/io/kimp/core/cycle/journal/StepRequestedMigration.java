package io.kimp.core.cycle.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * {@code StepRequested} wire versions.
 *
 * <ol>
 *   <li>{@code {cycleId, attempt: {leg, step, attempt, clientId, venue, coin, order, withdrawal, requestedAt, deadline,
 *       unresolved, unknownSeen}}}: the state's {@code StepAttempt} nested, with the port's {@code OrderRequest} /
 *       {@code WithdrawalRequest} inside.
 *   <li>flat: {@code {cycleId, leg, step, attemptNumber, clientId, venue, coin, order, withdrawal, requestedAt, deadline}};
 *       {@code order}/{@code withdrawal} are the journal's {@link OrderIntent}/{@link WithdrawalIntent} (same fields as
 *       version 1's). {@code unresolved}/{@code unknownSeen} are state, not part of the request: version 1 always wrote
 *       {@code true}/{@code false} there, which is what a new request starts with.
 * </ol>
 */
public final class StepRequestedMigration extends JacksonMigration {
  private static final String[] LIFTED = {
    "leg", "step", "clientId", "venue", "coin", "order", "withdrawal", "requestedAt", "deadline"
  };

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    ObjectNode root = (ObjectNode) json;
    if (fromVersion < 2) {
      ObjectNode attempt = NestedFields.lift(root, "attempt", LIFTED);
      if (attempt != null) {
        JsonNode number = attempt.get("attempt");
        if (number != null) {
          root.set("attemptNumber", number);
        }
      }
    }
    return root;
  }
}
