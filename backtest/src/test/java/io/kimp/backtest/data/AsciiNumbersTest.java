package io.kimp.backtest.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AsciiNumbersTest {

  private static double parse(String s) {
    byte[] b = ("x" + s + "y").getBytes(StandardCharsets.US_ASCII);
    return AsciiNumbers.parseDouble(b, 1, b.length - 1);
  }

  @Test
  void equalsJavaParsingBitForBitOnPricesAndVolumesOfEveryShape() {
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      String s;
      switch (i % 6) {
        case 0:
          s = String.format(Locale.ROOT, "%.1f", rnd.nextDouble(1e3, 3e8)); // KRW prices "150362000.0"
          break;
        case 1:
          s = String.format(Locale.ROOT, "%.2f", rnd.nextDouble(1, 2e5)); // USDT prices
          break;
        case 2:
          s = String.format(Locale.ROOT, "%." + rnd.nextInt(1, 9) + "f", rnd.nextDouble(0, 1e4)); // volumes
          break;
        case 3:
          s = Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(-12, 12))); // shortest repr, exponents
          break;
        case 4:
          s = new BigDecimal(rnd.nextLong(1, Long.MAX_VALUE)).movePointLeft(rnd.nextInt(0, 25)).toPlainString();
          break;
        default:
          s = (rnd.nextBoolean() ? "-" : "+") + rnd.nextInt(0, 100000) + "." + rnd.nextInt(0, 1000) + "e"
              + rnd.nextInt(-30, 30);
      }
      double expected = Double.parseDouble(s);
      assertThat(Double.doubleToLongBits(parse(s))).as(s).isEqualTo(Double.doubleToLongBits(expected));
    }
  }

  @Test
  void isNaNForAnythingThatIsNotAFiniteDecimal() {
    for (String s : new String[] {"", "-", "+", ".", "abc", "1.2.3", "1,5", "12a", "1e", "1e+", "NaN", "Infinity",
        "0x1p3", "1e999999", " 1", "1 "}) {
      assertThat(parse(s)).as("'%s'", s).isNaN();
    }
  }

  @Test
  void keepsSignsAndZeros() {
    assertThat(parse("-0.0")).isEqualTo(-0.0);
    assertThat(parse("0")).isEqualTo(0.0);
    assertThat(parse("-12.5")).isEqualTo(-12.5);
    assertThat(parse("000123.4500")).isEqualTo(123.45);
  }
}
