package io.kimp.app.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.fixtures.telegram.MarkdownV2Parser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Escaping and splitting, checked with the same strict parser the fake Bot API uses. */
class MarkdownV2Test {

  private static final String HOSTILE = "_*[]()~`>#+-=|{}.!\\ 1INCH-USDT 0.5% a_b *c* [x](y) \\ 김치 🚀 ||s|| __u__";

  @Test
  void theStrictParserRefusesWhatTelegramRefuses() {
    assertThatThrownBy(() -> MarkdownV2Parser.parse("Cycle dead-lettered: XRP"))
        .hasMessage("Character '-' is reserved and must be escaped with the preceding '\\'");
    assertThatThrownBy(() -> MarkdownV2Parser.parse("*bold never closed"))
        .hasMessage("Can't find end of Bold entity at byte offset 0");
    assertThatThrownBy(() -> MarkdownV2Parser.parse("price 1.5")).hasMessageContaining("'.' is reserved");
  }

  @Test
  void escapedTextParsesBackToItself() throws Exception {
    MarkdownV2Parser.Parsed parsed = MarkdownV2Parser.parse(MarkdownV2.escape(HOSTILE));
    assertThat(parsed.text()).isEqualTo(HOSTILE);
    assertThat(parsed.entities()).isEmpty();
  }

  @Test
  void boldAndFieldKeepTheirOneEntity() throws Exception {
    MarkdownV2Parser.Parsed parsed =
        MarkdownV2Parser.parse(MarkdownV2.bold(HOSTILE) + "\n" + MarkdownV2.field("k*", HOSTILE, 1000));
    assertThat(parsed.text()).isEqualTo(HOSTILE + "\nk*: " + HOSTILE);
    assertThat(parsed.entities()).extracting(MarkdownV2Parser.Entity::type).containsExactly("bold", "bold");
  }

  @Test
  void splitPartsAreEachValidAndWithinTheLimit() throws Exception {
    StringBuilder markup = new StringBuilder(MarkdownV2.bold("title"));
    for (int i = 0; i < 40; i++) {
      markup.append('\n').append(MarkdownV2.field("line " + i, HOSTILE.repeat(3), 10_000));
    }
    // one line far longer than the limit, which must be cut inside the line
    markup.append('\n').append(MarkdownV2.escape(".".repeat(9000)));

    List<String> parts = MarkdownV2.split(markup.toString(), 4096);

    assertThat(parts).hasSizeGreaterThan(3);
    StringBuilder seen = new StringBuilder();
    for (String p : parts) {
      assertThat(p.length()).isLessThanOrEqualTo(4096);
      seen.append(MarkdownV2Parser.parse(p).text());
    }
    String expected = MarkdownV2Parser.parse(markup.toString()).text();
    // parts are cut at line breaks (which are dropped) or inside the over-long line
    assertThat(seen.toString().replace("\n", "")).isEqualTo(expected.replace("\n", ""));
  }

  @Test
  void splitNeverCutsAnEscapeOrASurrogatePair() throws Exception {
    String markup = MarkdownV2.escape("🚀.".repeat(3000));
    for (int limit : new int[] {257, 300, 1001, 4096}) {
      List<String> parts = MarkdownV2.split(markup, limit);
      StringBuilder text = new StringBuilder();
      for (String p : parts) {
        assertThat(p.length()).isLessThanOrEqualTo(limit);
        assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
        text.append(MarkdownV2Parser.parse(p).text());
      }
      assertThat(text.toString()).isEqualTo("🚀.".repeat(3000));
    }
  }

  @Test
  void truncateKeepsWholeCodePointsAndSaysHowMuchWasCut() {
    String cut = MarkdownV2.truncate("🚀".repeat(100), 51);
    assertThat(cut).endsWith("more chars]");
    assertThat(cut.length()).isLessThanOrEqualTo(51);
    String kept = cut.substring(0, cut.indexOf(" …["));
    assertThat(kept).isNotEmpty();
    assertThat(kept.codePoints()).containsOnly(0x1F680);
    assertThat(kept.length() % 2).isZero();
    assertThat(MarkdownV2.truncate("short", 10)).isEqualTo("short");
  }

  @Test
  void plainFallbackDropsMarkupAndEscapes() {
    assertThat(MarkdownV2.toPlain(MarkdownV2.bold("a.b") + " " + MarkdownV2.escape("c-d_e")))
        .isEqualTo("a.b c-d_e");
  }
}
