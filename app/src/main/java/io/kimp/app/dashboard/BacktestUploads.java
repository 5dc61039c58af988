package io.kimp.app.dashboard;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kimp.backtest.data.BadInputException;
import io.kimp.backtest.data.CandleFile;
import io.kimp.backtest.data.FxFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Candle files uploaded from the backtests page: a {@code multipart/form-data} request with an Upbit and a Binance candle
 * file (fields {@code upbit}, {@code binance}) and optionally a USD/KRW file ({@code fx}). Each part streams to a hidden
 * temporary file in {@code <data-dir>/uploads} (never whole in memory), cut off at {@code max-upload-size}; then each file
 * is read by the backtest module's own readers ({@link CandleFile}, {@link FxFile}, strictly), and only when every file
 * passes are they renamed to their final names, which the server picks from the sent name's safe characters (a name is
 * never a path). Anything refused leaves nothing behind. Accepted files are listed as {@code uploads/<name>} and run like
 * any other file of the data directory.
 */
public final class BacktestUploads {
  private static final Logger log = LoggerFactory.getLogger(BacktestUploads.class);
  /** The subdirectory of the backtest data directory that uploads go to (and the prefix of their listed names). */
  public static final String DIR = "uploads";
  private static final List<String> FIELDS = List.of("upbit", "binance", "fx");
  /** What browsers and tools label a CSV file with (Windows says Excel; some send no type, or a generic one). */
  private static final Set<String> CSV_TYPES = Set.of("text/csv", "text/plain", "application/csv",
      "text/comma-separated-values", "application/vnd.ms-excel", "application/octet-stream");
  private static final int MAX_NAME = 80;

  /** A file received and stored under its temporary name. */
  private record Received(String field, String sentName, Path temp, long bytes) {}

  private final Path dir;
  private final long maxFileBytes;
  private final Executor checker;

  public BacktestUploads(Path dataDir, long maxFileBytes) {
    this(dataDir, maxFileBytes, Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "kimp-dashboard-upload-check");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    }));
  }

  /** @param checker where the files are read (a thread of its own: never the HTTP or actor dispatchers) */
  BacktestUploads(Path dataDir, long maxFileBytes, Executor checker) {
    if (maxFileBytes <= 0) {
      throw new IllegalArgumentException("max-upload-size must be positive");
    }
    this.dir = dataDir.toAbsolutePath().normalize().resolve(DIR);
    this.maxFileBytes = maxFileBytes;
    this.checker = checker;
  }

  public static BacktestUploads fromConfig(Config config) {
    long max = config.getBytes("kimp.dashboard.backtests.max-upload-size");
    if (max <= 0) {
      throw new ConfigException.BadValue("kimp.dashboard.backtests.max-upload-size", "must be positive");
    }
    return new BacktestUploads(Path.of(config.getString("kimp.dashboard.backtests.data-dir")), max);
  }

  /** The limit of a whole upload request: three files at their limit and room for the form's own bytes. */
  public long requestLimit() {
    long files = maxFileBytes > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 2 : maxFileBytes * FIELDS.size();
    return files + 1024 * 1024;
  }

  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * Receives, checks and stores the form's files. Completes with {@code {"files": {"upbit": "uploads/…", …}}} (the names
   * to run with), or fails with {@link Backtests.Refused}: the field and a message naming the sent file and, for a bad
   * row, its line and column.
   */
  public CompletionStage<Map<String, Object>> accept(Multipart.FormData form, Materializer mat) {
    List<Path> written = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletionStage<Map<String, Object>> done;
    try {
      Files.createDirectories(dir);
      done = form.getParts()
          .mapAsync(1, part -> receive(part, mat, written))
          .runWith(Sink.seq(), mat)
          .thenCompose(parts -> CompletableFuture.supplyAsync(() -> store(parts, written), checker));
    } catch (IOException e) {
      done = CompletableFuture.failedFuture(new Backtests.Refused(500, null,
          "cannot create the upload directory: " + e.getMessage()));
    }
    return done.whenComplete((ok, failed) -> {
      if (failed != null) {
        synchronized (written) {
          written.forEach(BacktestUploads::deleteQuietly);
        }
      }
    }).exceptionally(e -> {
      throw new CompletionException(refusal(e));
    });
  }

  /** One part: a file of a known field is streamed to a temporary file; anything else is read past. */
  private CompletionStage<Optional<Received>> receive(
      Multipart.FormData.BodyPart part, Materializer mat, List<Path> written) {
    String field = part.getName();
    Optional<String> sent = part.getFilename();
    if (!FIELDS.contains(field) || sent.isEmpty() || sent.get().isEmpty()) {
      return part.getEntity().discardBytes(mat).completionStage().thenApply(d -> Optional.empty());
    }
    String name = sent.get();
    String type = part.getEntity().getContentType().mediaType().toString().toLowerCase(Locale.ROOT);
    if (!CSV_TYPES.contains(type)) {
      return part.getEntity().discardBytes(mat).completionStage().thenApply(d -> {
        throw new Backtests.Refused(415, field, field + " file '" + shown(name) + "' is " + type
            + ", not a CSV file (text/csv)");
      });
    }
    Path temp = dir.resolve(".upload-" + UUID.randomUUID() + ".part");
    written.add(temp);
    return part.getEntity().getDataBytes()
        .via(Flow.<ByteString>create().limitWeighted(maxFileBytes, b -> (long) b.size()))
        .runWith(FileIO.toPath(temp, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)), mat)
        .handle((io, e) -> {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof StreamLimitReachedException
              || cause != null && cause.getCause() instanceof StreamLimitReachedException) {
            throw new Backtests.Refused(413, field, field + " file '" + shown(name) + "' is larger than the "
                + human(maxFileBytes) + " limit (kimp.dashboard.backtests.max-upload-size)");
          }
          if (cause != null) {
            throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
          }
          return Optional.of(new Received(field, name, temp, io.count()));
        });
  }

  /** Checks every received file with the backtest's readers, then gives each its final name. */
  private Map<String, Object> store(List<Optional<Received>> parts, List<Path> written) {
    Map<String, Received> byField = new LinkedHashMap<>();
    for (Optional<Received> p : parts) {
      if (p.isPresent() && byField.putIfAbsent(p.get().field(), p.get()) != null) {
        throw new Backtests.Refused(400, p.get().field(), p.get().field() + ": send one file, not several");
      }
    }
    for (String required : List.of("upbit", "binance")) {
      if (!byField.containsKey(required)) {
        throw new Backtests.Refused(400, required, required + ": choose a CSV file to upload");
      }
    }
    for (Received r : byField.values()) {
      check(r);
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (Received r : byField.values()) {
      Path target = moveToFreeName(r, written);
      names.put(r.field(), DIR + "/" + target.getFileName());
      log.info("dashboard: backtest upload {} stored as {} ({} bytes)", r.field(), target.getFileName(), r.bytes());
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("files", names);
    return answer;
  }

  private static void check(Received r) {
    String what = r.field() + " file '" + shown(r.sentName()) + "'";
    if (r.bytes() == 0) {
      throw new Backtests.Refused(400, r.field(), what + " is empty");
    }
    int rows;
    try {
      rows = "fx".equals(r.field())
          ? FxFile.read(r.temp(), false, FxFile.Options.defaults()).size()
          : CandleFile.read(r.temp(), false).size();
    } catch (BadInputException e) {
      throw new Backtests.Refused(400, r.field(), what + ", line " + e.line() + ": " + e.reason());
    } catch (UncheckedIOException e) {
      throw new Backtests.Refused(500, r.field(), what + " could not be read back: " + e.getCause().getMessage());
    }
    if (rows == 0) {
      throw new Backtests.Refused(400, r.field(), what + " has no data rows"
          + ("fx".equals(r.field()) ? " (expected date,close)" : " (expected timestamp,open,high,low,close,volume)"));
    }
  }

  /** {@code name.csv}, else {@code name-2.csv} …: never over an existing file, even one stored at the same moment. */
  private Path moveToFreeName(Received r, List<Path> written) {
    String base = safeBase(r.sentName(), r.field());
    for (int n = 1; n < 10_000; n++) {
      Path target = dir.resolve(n == 1 ? base + ".csv" : base + "-" + n + ".csv");
      try {
        // a hard link fails when the name is taken (a rename would replace it); the temporary name is then removed
        try {
          Files.createLink(target, r.temp());
          written.add(target); // a later file's failure removes this one too
          Files.delete(r.temp());
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
          if (noLinks instanceof FileAlreadyExistsException taken) {
            throw taken;
          }
          Files.move(r.temp(), target); // without REPLACE_EXISTING: fails when the name is taken
          written.add(target);
        }
        return target;
      } catch (FileAlreadyExistsException taken) {
        // next number
      } catch (IOException e) {
        throw new Backtests.Refused(500, r.field(), "cannot store the " + r.field() + " file: " + e.getMessage());
      }
    }
    throw new Backtests.Refused(409, r.field(), "too many uploads named '" + base + ".csv': remove some");
  }

  /**
   * The stored name's base: the sent name's last segment (browsers may send a path), without {@code .csv}, every
   * character outside {@code [A-Za-z0-9._-]} replaced, no leading dot; the field's name when nothing is left.
   */
  static String safeBase(String sent, String field) {
    String last = sent.substring(Math.max(sent.lastIndexOf('/'), sent.lastIndexOf('\\')) + 1);
    if (last.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      last = last.substring(0, last.length() - 4);
    }
    String safe = last.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "").replaceAll("\\.{2,}", "_");
    if (safe.length() > MAX_NAME) {
      safe = safe.substring(0, MAX_NAME);
    }
    return safe.isEmpty() ? field : safe;
  }

  /** The sent name as shown in a message: its last segment, printable, not too long. */
  private static String shown(String sent) {
    String s = sent.replaceAll("\\p{Cntrl}", "?");
    return s.length() > 120 ? s.substring(0, 120) + "…" : s;
  }

  private static String human(long bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
  }

  private static Backtests.Refused refusal(Throwable e) {
    Throwable c = e;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof Backtests.Refused r) {
      return r;
    }
    if (c instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException s) {
      return new Backtests.Refused(413, null, "the upload is larger than " + human(s.limit()) + " in all");
    }
    if (c instanceof org.apache.pekko.http.scaladsl.model.EntityStreamException s) {
      return new Backtests.Refused(400, null, "the upload could not be read: " + s.info().summary());
    }
    log.warn("dashboard: backtest upload failed: {}", c.toString());
    return new Backtests.Refused(500, null, "the upload failed: " + c.getMessage());
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("dashboard: cannot remove the refused upload {}: {}", p.getFileName(), e.getMessage());
    }
  }
}
