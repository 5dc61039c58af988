package io.kimp.feeds.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.kimp.feeds.FeedVenue;
import io.kimp.feeds.RawFrame;
import org.junit.jupiter.api.Test;

/**
 * Text frames reach the scanner as their Latin-1 bytes, where a char beyond Latin-1 becomes '?': only ASCII text without
 * '?' is taken, so the bytes scanned are always exactly the text.
 */
class FrameScannerLoadTest {
  private static boolean loads(String text) {
    return new FrameScanner().load(RawFrame.text(FeedVenue.BINANCE, text, 0, 0));
  }

  @Test
  void onlyAsciiTextWithoutQuestionMarksIsTaken() {
    String frame = "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":1,\"s\":\"BTCUSDT\",\"b\":\"1.5\"}}";
    assertThat(loads(frame)).isTrue();
    for (int at : new int[] {0, 5, 8, 9, frame.length() - 1}) { // inside the eight-byte words and in the tail
      for (String odd : new String[] {"?", "\u00e9", "\u0080", "\u00ff", "\u0122", "\u223f", "\ud83d\ude00"}) {
        String text = frame.substring(0, at) + odd + frame.substring(at);
        assertThat(loads(text)).as("%s at %d", odd, at).isFalse();
      }
    }
    // U+0122 and U+223F end in the bytes of '"' and '?': they must not pass for them
    assertThat(loads("{\"s\":\"\u0122}")).isFalse();
    assertThat(loads("{}")).isTrue();
    assertThat(loads("")).isTrue();
  }
}
