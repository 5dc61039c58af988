package io.kimp.app.telegram;

import io.kimp.app.telegram.TelegramNotifier.Delivered;
import io.kimp.app.telegram.TelegramNotifier.Dropped;
import io.kimp.app.telegram.TelegramNotifier.Enqueued;
import io.kimp.app.telegram.TelegramNotifier.OutboxEntry;
import io.kimp.app.telegram.TelegramNotifier.Publish;
import io.kimp.app.telegram.TelegramNotifier.State;
import io.kimp.app.telegram.TelegramNotifier.SummaryTaken;
import io.kimp.app.telegram.TelegramNotifier.UpdatesConsumed;
import io.kimp.core.alert.Alert;
import io.kimp.core.alert.AlertKind;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The journal's events, the snapshot and the cross-node message survive jackson-cbor as they are. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotifierSerializationTest {

  private final ActorTestKit kit = ActorTestKit.create("notifier-serialization");
  private final SerializationTestKit serialization = new SerializationTestKit(kit.system());

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void eventsSnapshotAndPublishRoundTrip() {
    Instant at = Instant.parse("2026-11-05T00:00:01.123456Z");
    serialization.verifySerialization(new Enqueued(7, "424242", "FEED_DOWN:upbit", "FEED_DOWN", "*x* \\.", at), true);
    serialization.verifySerialization(new Delivered(7, 99, at), true);
    serialization.verifySerialization(new Dropped(8, "400 Bad Request: message is too long", at), true);
    serialization.verifySerialization(new UpdatesConsumed(500000123), true);
    serialization.verifySerialization(new SummaryTaken(LocalDate.of(2026, 11, 4), at), true);
    Map<String, Instant> keys = new LinkedHashMap<>();
    keys.put("FEED_DOWN:upbit", at);
    serialization.verifySerialization(
        new State(9, List.of(new OutboxEntry(8, "424242", null, "/status", "text", at)), keys, 500000123,
            LocalDate.of(2026, 11, 4)),
        true);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("cycle", "c-1");
    fields.put("error", "boom");
    serialization.verifySerialization(
        new Publish(new Alert(AlertKind.CYCLE_DEAD_LETTERED, Alert.Severity.CRITICAL, "c-1", "t", fields, at), null),
        true);
  }
}
