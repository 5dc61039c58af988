package io.kimp.core.cycle.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * {@code StepCompleted} wire versions.
 *
 * <ol>
 *   <li>{@code {cycleId, record: {leg, step, clientId, venue, coin, order, withdrawalRequest, withdrawal, deposit,
 *       completedAt}}}: the state's {@code StepRecord} nested, with the port's {@code OrderResult},
 *       {@code WithdrawalRequest}, {@code WithdrawalResult} and {@code Deposit} inside.
 *   <li>flat: {@code {cycleId, leg, step, clientId, venue, coin, order, withdrawalRequest, withdrawal, deposit,
 *       completedAt}}; the values are the journal's {@link FilledOrder}, {@link WithdrawalIntent},
 *       {@link WithdrawalSent} and {@link DepositSeen} (same fields as version 1's port records).
 * </ol>
 */
public final class StepCompletedMigration extends JacksonMigration {
  private static final String[] LIFTED = {
    "leg", "step", "clientId", "venue", "coin", "order", "withdrawalRequest", "withdrawal", "deposit", "completedAt"
  };

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    ObjectNode root = (ObjectNode) json;
    if (fromVersion < 2) {
      NestedFields.lift(root, "record", LIFTED);
    }
    return root;
  }
}
