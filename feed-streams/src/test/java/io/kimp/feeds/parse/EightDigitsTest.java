package io.kimp.feeds.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scanner's eight-digits-at-a-time test and value agree with a byte-by-byte reading, digits or not. */
class EightDigitsTest {
  private static long word(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @Test
  void eightDigitsAreRecognizedAndValuedExactly() {
    SplittableRandom r = new SplittableRandom(3);
    byte[] b = new byte[8];
    for (int n = 0; n < 2_000_000; n++) {
      boolean digitsOnly = true;
      for (int i = 0; i < 8; i++) {
        // mostly digits, sometimes their neighbours in the code table, sometimes any byte
        int k = r.nextInt(10);
        b[i] = (byte) (k < 7 ? '0' + r.nextInt(10) : k < 9 ? '0' + r.nextInt(-8, 18) : r.nextInt(256));
        digitsOnly &= b[i] >= '0' && b[i] <= '9';
      }
      long w = word(b);
      assertThat(FrameScanner.eightDigits(w)).as("%s", w).isEqualTo(digitsOnly);
      if (digitsOnly) {
        assertThat(FrameScanner.eightDigitsValue(w)).isEqualTo(Long.parseLong(new String(b, 0, 8)));
      }
    }
    byte[] nines = "99999999".getBytes();
    assertThat(FrameScanner.eightDigitsValue(word(nines))).isEqualTo(99_999_999L);
  }
}
