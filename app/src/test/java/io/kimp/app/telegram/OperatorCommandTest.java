package io.kimp.app.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class OperatorCommandTest {

  private static OperatorCommand parse(String text) {
    return OperatorCommand.parse(text).orElseThrow();
  }

  @Test
  void ordinaryChatIsNotACommand() {
    assertThat(OperatorCommand.parse("status please")).isEmpty();
    assertThat(OperatorCommand.parse(null)).isEmpty();
    assertThat(OperatorCommand.parse(" /status")).isEmpty();
  }

  @Test
  void commandsAreReadWithBotSuffixCaseAndSpacing() {
    assertThat(parse("/status")).isInstanceOf(OperatorCommand.Status.class);
    assertThat(parse("/STATUS@kimp_bot")).isInstanceOf(OperatorCommand.Status.class);
    assertThat(parse("/dlq  ")).isInstanceOf(OperatorCommand.DeadLetters.class);
    assertThat(parse("/start")).isInstanceOf(OperatorCommand.Help.class);
    UUID id = UUID.randomUUID();
    assertThat(parse("/recover\t" + id.toString().toUpperCase())).isEqualTo(new OperatorCommand.Recover(id));
    assertThat(parse("/pause   feeds flapping ")).isEqualTo(new OperatorCommand.Pause("feeds flapping"));
    assertThat(parse("/pause")).isEqualTo(new OperatorCommand.Pause("paused from Telegram"));
  }

  @Test
  void malformedCommandsSayWhatIsWrong() {
    assertThat(parse("/recover a b")).isEqualTo(new OperatorCommand.Invalid("/recover takes exactly one cycle id."));
    assertThat(((OperatorCommand.Invalid) parse("/" + "x".repeat(500))).problem()).hasSizeLessThan(80);
    assertThat(parse("/cycles all")).isEqualTo(new OperatorCommand.Invalid("/cycles takes no arguments."));
  }
}
