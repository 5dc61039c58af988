package io.kimp.app.telegram;

import io.kimp.app.telegram.TelegramNotifier.Command;
import io.kimp.app.telegram.TelegramNotifier.GetOutbox;
import io.kimp.app.telegram.TelegramNotifier.OutboxView;
import io.kimp.app.telegram.TelegramNotifier.Publish;
import io.kimp.app.telegram.TelegramNotifier.PublishResult;
import io.kimp.app.telegram.TelegramNotifier.Published;
import io.kimp.app.telegram.TelegramNotifier.SendDailySummary;
import io.kimp.core.alert.Alert;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The notifier when Telegram is off ({@code kimp.telegram.enabled = off} or no bot token): says so loudly once, then
 * writes every alert to the log (critical ones at ERROR) so that they are still seen.
 */
final class LogOnlyNotifier {
  private LogOnlyNotifier() {}

  static Behavior<Command> create(TelegramSettings settings) {
    return Behaviors.setup(
        ctx -> {
          ctx.getLog()
              .warn(
                  "TELEGRAM IS OFF ({}): alerts go to this log only and no operator will be messaged. Set "
                      + "TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID (kimp.telegram.bot-token / chat-id) to enable it.",
                  settings.enabled() ? "no bot token configured" : "kimp.telegram.enabled = off");
          return Behaviors.receive(Command.class)
              .onMessage(
                  Publish.class,
                  p -> {
                    Alert a = p.alert();
                    String line = "ALERT " + a.severity() + " " + a.kind() + " [" + a.subject() + "] " + a.title()
                        + " " + a.fields();
                    if (a.severity() == Alert.Severity.CRITICAL) {
                      ctx.getLog().error(line);
                    } else {
                      ctx.getLog().warn(line);
                    }
                    if (p.replyTo() != null) {
                      p.replyTo().tell(new Published(PublishResult.LOGGED_ONLY, 0));
                    }
                    return Behaviors.same();
                  })
              .onMessage(
                  GetOutbox.class,
                  g -> {
                    g.replyTo().tell(new OutboxView(List.of(), 0, null, null));
                    return Behaviors.same();
                  })
              .onMessage(
                  SendDailySummary.class,
                  s -> {
                    ctx.getLog().info("Daily summary of {} not sent: Telegram is off", s.day());
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
