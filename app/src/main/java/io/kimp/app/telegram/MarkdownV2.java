package io.kimp.app.telegram;

import java.util.ArrayList;
import java.util.List;

/**
 * Telegram MarkdownV2 text: escaping of untrusted text, and splitting a message into parts Telegram accepts.
 *
 * <p>Anything that is not markup we wrote ourselves (coin symbols, venue error messages, operator input) goes through
 * {@link #escape}: one unescaped {@code .} or {@code -} makes Telegram refuse the whole message with 400 "can't parse
 * entities", and an alert that cannot be delivered is an alert lost.
 */
public final class MarkdownV2 {

  /** Characters MarkdownV2 reserves outside code entities, plus the escape character itself. */
  static final String RESERVED = "_*[]()~`>#+-=|{}.!\\";

  private MarkdownV2() {}

  /** {@code text} as literal MarkdownV2 (every reserved character escaped). */
  public static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (RESERVED.indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** {@code *text*} with {@code text} escaped. */
  public static String bold(String text) {
    return "*" + escape(text) + "*";
  }

  /** {@code *key:* value}, both escaped, the value cut to {@code maxValue} characters. */
  public static String field(String key, String value, int maxValue) {
    return "*" + escape(truncate(key, 64)) + ":* " + escape(truncate(String.valueOf(value), maxValue));
  }

  /**
   * At most {@code maxChars} UTF-16 units of {@code text} (whole code points), with a marker saying how much was cut.
   * Applied to raw text before escaping, so that no escape sequence is ever cut.
   */
  public static String truncate(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    String marker = " …[" + (text.length() - maxChars) + " more chars]";
    int keep = Math.max(0, maxChars - marker.length());
    if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
      keep--;
    }
    return text.substring(0, keep) + marker;
  }

  /**
   * Splits MarkdownV2 {@code markup} into parts of at most {@code limit} UTF-16 units that are each valid on their own:
   * never inside an escape pair, a surrogate pair or an open entity; at a line break where one fits. Telegram counts its
   * 4096-character limit after parsing, so a raw part within the limit is always accepted.
   *
   * @throws IllegalArgumentException if an entity alone is longer than {@code limit} (callers truncate titles)
   */
  public static List<String> split(String markup, int limit) {
    List<String> parts = new ArrayList<>();
    String rest = markup;
    while (rest.length() > limit) {
      int cut = cutPoint(rest, limit);
      String part = stripTrailingNewlines(rest.substring(0, cut));
      if (!part.isEmpty()) {
        parts.add(part);
      }
      rest = rest.substring(cut);
      while (rest.startsWith("\n")) {
        rest = rest.substring(1);
      }
    }
    if (!rest.isEmpty() || parts.isEmpty()) {
      parts.add(rest);
    }
    return parts;
  }

  /** The best place to cut within {@code limit}: after the last safe line break, else at the last safe position. */
  private static int cutPoint(String s, int limit) {
    int lastSafe = -1;
    int lastSafeNewline = -1;
    String open = null;
    int i = 0;
    while (i < limit) {
      char c = s.charAt(i);
      int width = 1;
      if (c == '\\' && i + 1 < s.length()) {
        width = 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        width = 2;
      } else if (open == null && "*_~|`".indexOf(c) >= 0) {
        open = opener(s, i);
        width = open.length();
      } else if (open != null && s.startsWith(open, i)) {
        width = open.length();
        open = null;
      }
      if (i + width > limit) {
        break;
      }
      i += width;
      if (open == null) {
        lastSafe = i;
        if (c == '\n') {
          lastSafeNewline = i;
        }
      }
    }
    if (lastSafeNewline > 0) {
      return lastSafeNewline;
    }
    if (lastSafe > 0) {
      return lastSafe;
    }
    throw new IllegalArgumentException("an entity is longer than " + limit + " characters: cannot split");
  }

  private static String opener(String s, int i) {
    char c = s.charAt(i);
    if ((c == '_' || c == '|') && i + 1 < s.length() && s.charAt(i + 1) == c) {
      return "" + c + c;
    }
    if (c == '`' && s.startsWith("```", i)) {
      return "```";
    }
    return String.valueOf(c);
  }

  private static String stripTrailingNewlines(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '\n') {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * The text a reader would see, without markup: the fallback when Telegram refuses to parse a message (which would be
   * our bug), so that the alert still reaches the operator as plain text instead of blocking the outbox.
   */
  public static String toPlain(String markup) {
    StringBuilder b = new StringBuilder(markup.length());
    for (int i = 0; i < markup.length(); i++) {
      char c = markup.charAt(i);
      if (c == '\\' && i + 1 < markup.length() && markup.charAt(i + 1) <= 126) {
        b.append(markup.charAt(++i));
      } else if ("*_~|`".indexOf(c) < 0) {
        b.append(c);
      }
    }
    return b.toString();
  }
}
