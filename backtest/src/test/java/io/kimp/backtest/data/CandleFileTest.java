package io.kimp.backtest.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kimp.backtest.TestData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandleFileTest {
  private static final String HEADER = "timestamp,open,high,low,close,volume\n";

  @TempDir Path dir;

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void readsTheSharedDataFormat() throws Exception {
    Path f = TestData.write(dir, "c.csv", HEADER
        + "2025-05-28 18:10:00,150362000.0,150399000.0,150362000.0,150389000.0,1.0798105\n"
        + "2025-05-28 18:15:00,150389000.0,150392000.0,150308000.0,150359000.0,1.6106963\n");
    CandleSeries s = CandleFile.read(f, false);
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.time(0)).isEqualTo(ms("2025-05-28T18:10:00Z"));
    assertThat(s.close(1)).isEqualTo(150359000.0);
    assertThat(s.volume(0)).isEqualTo(1.0798105);
    assertThat(s.intervalMs()).isEqualTo(300_000);
  }

  @Test
  void findsColumnsByNameAndAcceptsIsoEpochCrlfBomAndNoFinalNewline() throws Exception {
    Path f = TestData.write(dir, "c.csv", "\uFEFFvolume,close,low,high,open,time,extra\r\n"
        + "2.5,101,99,102,100,2025-01-01T00:00:00Z,x\r\n"
        + "3.5,102,100,103,101," + ms("2025-01-01T00:01:00Z") + ",y\r\n"
        + "\r\n"
        + "4.5,103,101,104,102,2025-01-01T09:02:00+09:00,z");
    CandleSeries s = CandleFile.read(f, false);
    assertThat(s.size()).isEqualTo(3);
    assertThat(s.time(2)).isEqualTo(ms("2025-01-01T00:02:00Z"));
    assertThat(s.close(2)).isEqualTo(103);
    assertThat(s.volume(2)).isEqualTo(4.5);
  }

  @Test
  void withoutAHeaderTheColumnsAreInTheDocumentedOrder() throws Exception {
    Path f = TestData.write(dir, "c.csv", "2025-01-01 00:00:00,1,2,0.5,1.5,10\n");
    CandleSeries s = CandleFile.read(f, false);
    assertThat(s.close(0)).isEqualTo(1.5);
    assertThat(s.volume(0)).isEqualTo(10);
  }

  @Test
  void linesSpanningTheReadBufferAreReadWhole() throws Exception {
    StringBuilder b = new StringBuilder(HEADER);
    for (int i = 0; i < 500; i++) {
      b.append(Instant.ofEpochSecond(1_700_000_000L + i * 60L)).append(",1,2,0.5,").append(1 + i / 1000.0)
          .append(",").append(i).append('\n');
    }
    CsvScanner in = new CsvScanner(new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)),
        "mem.csv", 64);
    CandleSeries s = CandleFile.read(in, new RowProblems("mem.csv", false), x -> {});
    assertThat(s.size()).isEqualTo(500);
    assertThat(s.close(499)).isEqualTo(1.499);
    assertThat(s.volume(499)).isEqualTo(499);
  }

  @Test
  void aBadRowFailsTheReadNamingFileLineAndReason() throws Exception {
    String good = "2025-01-01 00:00:00,1,2,0.5,1.5,10\n";
    String[][] cases = {
      {"2025-01-01 00:05:00,1,2,0.5,1.5\n", "too few fields: expected 6 fields, found 5"},
      {"2025-13-01 00:05:00,1,2,0.5,1.5,10\n", "bad timestamp: '2025-13-01 00:05:00'"},
      {"2025-01-01 00:05:00,1,2,0.5,abc,10\n", "bad number: column close is 'abc'"},
      {"2025-01-01 00:05:00,1,2,0.5,-1.5,10\n", "price not positive"},
      {"2025-01-01 00:05:00,1,2,0.5,1.5,-3\n", "volume negative"},
      {"2025-01-01 00:05:00,1,1.2,0.5,1.5,10\n", "high/low do not contain open/close"},
      {"2025-01-01 00:00:00,1,2,0.5,1.5,10\n", "timestamp not after the previous row"},
    };
    for (String[] c : cases) {
      Path f = TestData.write(dir, "bad.csv", HEADER + good + c[0]);
      assertThatThrownBy(() -> CandleFile.read(f, false))
          .isInstanceOf(BadInputException.class)
          .hasMessageStartingWith(f + ":3: ")
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void aHeaderWithoutARequiredColumnIsRefused() throws Exception {
    Path f = TestData.write(dir, "c.csv", "timestamp,open,high,low,close\n2025-01-01 00:00:00,1,2,0.5,1.5\n");
    assertThatThrownBy(() -> CandleFile.read(f, false))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ":1: ")
        .hasMessageContaining("no volume column");
  }

  @Test
  void leniencySkipsAndCountsBadRowsByKindKeepingExamples() throws Exception {
    Path f = TestData.write(dir, "c.csv", HEADER
        + "2025-01-01 00:00:00,1,2,0.5,1.5,10\n"
        + "garbage\n"
        + "2025-01-01 00:05:00,1,2,0.5,x,10\n"
        + "2025-01-01 00:10:00,1,2,0.5,1.5,10\n"
        + "2025-01-01 00:10:00,1,2,0.5,1.6,10\n"
        + "2025-01-01 00:15:00,1,2,0.5,y,10\n");
    CandleSeries s = CandleFile.read(f, true);
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.close(1)).isEqualTo(1.5); // the first of two rows at 00:10 is kept
    RowProblems p = s.problems();
    assertThat(p.skipped()).isEqualTo(4);
    assertThat(p.counts()).containsEntry(RowProblems.Kind.FIELD_COUNT, 1L)
        .containsEntry(RowProblems.Kind.NUMBER, 2L)
        .containsEntry(RowProblems.Kind.NOT_ASCENDING, 1L);
    assertThat(p.examples()).hasSize(4);
    assertThat(p.examples().get(0)).startsWith(f + ":3: too few fields");
    assertThat(p.examples().get(1)).startsWith(f + ":4: bad number");
  }

  @Test
  void aRowWhoseBytesAreNotUtf8IsABadRowStrictOrCountedLeniently() throws Exception {
    byte[] head = (HEADER + "2025-01-01 00:00:00,1,2,0.5,1.5,10\n").getBytes(StandardCharsets.UTF_8);
    // Latin-1 text in an extra column and a lone 0xFF byte: neither is UTF-8, both are damage
    byte[] latin1 = "2025-01-01 00:05:00,1,2,0.5,1.5,10,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] ff = {'2', '0', '2', '5', (byte) 0xFF, '\n'};
    byte[] tail = "2025-01-01 00:10:00,1,2,0.5,1.7,10\n".getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    all.writeBytes(head);
    all.writeBytes(latin1);
    all.writeBytes(ff);
    all.writeBytes(tail);
    Path f = dir.resolve("latin1.csv");
    java.nio.file.Files.write(f, all.toByteArray());

    assertThatThrownBy(() -> CandleFile.read(f, false))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ":3: ")
        .hasMessageContaining("bytes not UTF-8: at byte 39");
    CandleSeries s = CandleFile.read(f, true);
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.close(1)).isEqualTo(1.7);
    assertThat(s.problems().counts()).containsExactly(java.util.Map.entry(RowProblems.Kind.NOT_UTF8, 2L));
    assertThat(s.problems().examples().get(1)).startsWith(f + ":4: bytes not UTF-8: at byte 5");
  }
}
