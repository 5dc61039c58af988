package io.kimp.bench.csv;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.CsvRecordHandler;
import de.siegmar.fastcsv.reader.FieldModifiers;
import io.kimp.backtest.data.CandleSeries;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Candle readers on maintained CSV libraries, for {@code kimp bench csv}: FastCSV, Jackson CSV (streaming) and Apache
 * Commons CSV. Each reads the file as strict UTF-8 (a damaged byte fails the read), trims spaces around fields, takes
 * quotes the RFC 4180 way and hands its records to {@link LibraryCandles}.
 */
final class CsvLibraryReaders {
  private CsvLibraryReaders() {}

  /** A reader of a candle file into the backtest's series ({@code lenient}: count bad rows instead of throwing). */
  interface CandleReader {
    CandleSeries read(Path file, boolean lenient) throws IOException;
  }

  static Reader strictUtf8(Path file) throws IOException {
    return new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  /** FastCSV 4: records with their starting line numbers; extra and missing fields allowed (the rows check them). */
  static CandleSeries fastCsv(Path file, boolean lenient) throws IOException {
    LibraryCandles out = new LibraryCandles(file.toString(), lenient, Files.size(file));
    CsvRecordHandler handler = CsvRecordHandler.builder().fieldModifier(FieldModifiers.TRIM).build();
    try (CsvReader<CsvRecord> csv = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
        .skipEmptyLines(true).build(handler, strictUtf8(file))) {
      for (CsvRecord r : csv) {
        out.row(r.getStartingLineNumber(), LibraryCandles.Fields.of(r::getFieldCount, r::getField), -1);
      }
    }
    return out.series();
  }

  /** FastCSV's tokenizing alone (records counted, no field converted): the ceiling of any FastCSV-based reader. */
  static long fastCsvRecordsOnly(Path file) throws IOException {
    long n = 0;
    try (CsvReader<CsvRecord> csv = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
        .build(CsvRecordHandler.of(), strictUtf8(file))) {
      for (CsvRecord r : csv) {
        n += r.getFieldCount() > 0 ? 1 : 0;
      }
    }
    return n;
  }

  /** Jackson CSV's streaming parser: each record an array of string tokens, its line from the token location. */
  static CandleSeries jacksonCsv(Path file, boolean lenient) throws IOException {
    LibraryCandles out = new LibraryCandles(file.toString(), lenient, Files.size(file));
    CsvFactory factory = new CsvFactory();
    List<String> fields = new ArrayList<>(8);
    LibraryCandles.Fields view = LibraryCandles.Fields.of(fields::size, fields::get);
    try (CsvParser p = factory.createParser(strictUtf8(file))) {
      p.enable(CsvParser.Feature.WRAP_AS_ARRAY);
      p.enable(CsvParser.Feature.TRIM_SPACES);
      p.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
      // WRAP_AS_ARRAY: the document is an array of records, each an array of strings
      JsonToken t;
      int depth = 0;
      long line = 0;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.START_ARRAY) {
          if (++depth == 2) {
            fields.clear();
          }
        } else if (t == JsonToken.VALUE_STRING) {
          if (fields.isEmpty()) {
            line = p.currentTokenLocation().getLineNr(); // the record's line (its START_ARRAY has the previous one)
          }
          fields.add(p.getText());
        } else if (t == JsonToken.END_ARRAY && depth-- == 2) {
          out.row(line, view, -1);
        }
      }
    }
    return out.series();
  }

  /** Apache Commons CSV: records from {@link CSVParser}, the line from the parser's count of line ends. */
  static CandleSeries commonsCsv(Path file, boolean lenient) throws IOException {
    LibraryCandles out = new LibraryCandles(file.toString(), lenient, Files.size(file));
    CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).get();
    try (CSVParser p = CSVParser.builder().setReader(strictUtf8(file)).setFormat(format).get()) {
      for (CSVRecord r : p) {
        long line = p.getCurrentLineNumber(); // line ends read so far: the record's own line
        out.row(line, LibraryCandles.Fields.of(r::size, r::get), -1);
      }
    }
    return out.series();
  }
}
