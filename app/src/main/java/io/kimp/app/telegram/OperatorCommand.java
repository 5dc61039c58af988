package io.kimp.app.telegram;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** An operator's chat command, parsed. */
sealed interface OperatorCommand {

  /** The command's name as typed, for replies, logs and metrics ({@code status}, {@code recover}, ...). */
  default String name() {
    return getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  record Status() implements OperatorCommand {}

  record Premiums() implements OperatorCommand {}

  record Cycles() implements OperatorCommand {}

  record DeadLetters() implements OperatorCommand {
    @Override
    public String name() {
      return "dlq";
    }
  }

  record Recover(UUID cycleId) implements OperatorCommand {}

  record Pause(String reason) implements OperatorCommand {}

  record Resume() implements OperatorCommand {}

  record Help() implements OperatorCommand {}

  /** Unknown or malformed: answered with {@code problem} and the usage. */
  record Invalid(String problem) implements OperatorCommand {}

  String USAGE =
      "/status – engine, capital and trading state\n"
          + "/premiums – current kimchi premiums\n"
          + "/cycles – open cycles\n"
          + "/dlq – dead-lettered cycles\n"
          + "/recover <cycle id> – resume a dead-lettered cycle\n"
          + "/pause [reason] – stop opening new cycles\n"
          + "/resume – open new cycles again\n"
          + "/help – this list";

  /**
   * Reads a message text. Empty when it is not a command at all (does not start with {@code /}): ordinary chat is left
   * alone. {@code /cmd@SomeBot} is read as {@code /cmd}.
   */
  static Optional<OperatorCommand> parse(String text) {
    if (text == null || !text.startsWith("/")) {
      return Optional.empty();
    }
    String trimmed = text.strip();
    int space = indexOfWhitespace(trimmed);
    String head = space < 0 ? trimmed : trimmed.substring(0, space);
    String args = space < 0 ? "" : trimmed.substring(space).strip();
    int at = head.indexOf('@');
    String name = (at < 0 ? head.substring(1) : head.substring(1, at)).toLowerCase(Locale.ROOT);
    OperatorCommand parsed =
        switch (name) {
          case "status" -> noArgs(args, new Status());
          case "premiums" -> noArgs(args, new Premiums());
          case "cycles" -> noArgs(args, new Cycles());
          case "dlq" -> noArgs(args, new DeadLetters());
          case "resume" -> noArgs(args, new Resume());
          case "help", "start" -> new Help();
          case "pause" -> new Pause(args.isEmpty() ? "paused from Telegram" : args);
          case "recover" -> recover(args);
          default -> new Invalid("Unknown command /" + shorten(name) + ".");
        };
    return Optional.of(parsed);
  }

  private static OperatorCommand noArgs(String args, OperatorCommand command) {
    return args.isEmpty() ? command : new Invalid("/" + command.name() + " takes no arguments.");
  }

  private static OperatorCommand recover(String args) {
    if (args.isEmpty()) {
      return new Invalid("/recover needs the id of a dead-lettered cycle (see /dlq).");
    }
    if (indexOfWhitespace(args) >= 0) {
      return new Invalid("/recover takes exactly one cycle id.");
    }
    try {
      UUID id = UUID.fromString(args);
      // UUID.fromString accepts short forms like 1-1-1-1-1: insist on the canonical spelling
      if (!id.toString().equalsIgnoreCase(args)) {
        throw new IllegalArgumentException();
      }
      return new Recover(id);
    } catch (IllegalArgumentException e) {
      return new Invalid("'" + shorten(args) + "' is not a cycle id (a UUID, see /dlq).");
    }
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static String shorten(String s) {
    return MarkdownV2.truncate(s, 40);
  }
}
